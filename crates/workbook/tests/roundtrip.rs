//! Plan → workbook → plan is the identity: on the demo plan, on a plan with every kind of
//! deadline and a whole PIAO, and on any plan proptest makes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use domain::piao::{
    Anticorruption, Layout, Measure, MeasureKind, Organisation, Piao, PublicValue, Registry, Risk,
    RiskArea, RiskLevel, StaffRow, ValueObjective,
};
use domain::{
    Anchor, Axis, Code, Deadline, Entity, EntityKind, Head, Objective, ObjectiveId, ObjectiveLabel,
    Offset, Percent, Period, Phase, PhaseLabel, Plan, Relative, Responsible, StrategyLine,
    SurveyResult, Unit, UnitId, UnitKind, When,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

const DEMO: &str = include_str!("../../../data/demo/alessandria-2021.plan.json");

const READING_CODES: &[Code] = &[
    Code::WorkbookUnreadable,
    Code::SheetMissing,
    Code::ColumnMissing,
    Code::CellUnreadable,
    Code::RowUnplaced,
    Code::MissingField,
];

fn round_trip(plan: &Plan) -> (Plan, Vec<domain::Diagnostic>) {
    let bytes = workbook::write(plan).unwrap();
    let read = workbook::read(&bytes);
    (read.plan.expect("a plan"), read.diagnostics)
}

#[test]
fn the_demo_plan_comes_back_as_it_went() {
    let plan: Plan = serde_json::from_str(DEMO).unwrap();
    let (back, diagnostics) = round_trip(&plan);
    assert_eq!(back, plan);
    let reading: Vec<_> = diagnostics
        .iter()
        .filter(|d| READING_CODES.contains(&d.code))
        .collect();
    assert!(reading.is_empty(), "{reading:#?}");
    // The plan's own findings come back too, each pointed at its cell.
    let own = domain::validate(&plan);
    assert_eq!(diagnostics.len(), own.len());
    for (d, o) in diagnostics.iter().zip(&own) {
        assert_eq!((d.code, &d.location.path), (o.code, &o.location.path));
        assert!(d.message.ends_with(&o.message));
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn phase(label: &str, weight: Option<&str>, deadline: Deadline, text: &str) -> Phase {
    Phase {
        label: PhaseLabel::parse(label).unwrap(),
        description: format!("Fase {label}: descrizione\nsu due righe"),
        weight_pct: weight.map(|w| w.parse().unwrap()),
        responsible: vec!["2249".into(), "AMAG AMBIENTE SPA".into()],
        deadline,
        deadline_text: text.into(),
    }
}

fn small_plan() -> Plan {
    let unit = UnitId::parse("servizi-sociali").unwrap();
    let area = UnitId::parse("area-servizi").unwrap();
    let label = ObjectiveLabel::parse("A").unwrap();
    let tentative = Deadline {
        when: When::Date {
            date: date(2024, 2, 29),
        },
        tentative: true,
    };
    let after_phase = Deadline::new(When::Relative(Relative {
        anchor: Anchor::Phase {
            phase: PhaseLabel::parse("1").unwrap(),
            point: Some("03".into()),
        },
        offset: Offset::Months(2),
    }));
    let after_event = Deadline::new(When::Relative(Relative {
        anchor: Anchor::Event("presentazione dell'istanza".into()),
        offset: Offset::Days(30),
    }));
    Plan {
        format: domain::Format,
        entity: Entity {
            name: "Comune di Prova".into(),
            kind: EntityKind::UnioneDiComuni,
            code: Some("c_a182".into()),
        },
        title: "Piano della Performance 2024-2026".into(),
        period: Period {
            from: 2024,
            to: 2026,
        },
        year: 2024,
        strategy: vec![
            StrategyLine {
                id: "s1".into(),
                title: "Una città sicura".into(),
                axes: vec![
                    Axis {
                        id: "s1.1".into(),
                        text: "Il secondo ponte".into(),
                    },
                    Axis {
                        id: "s1.2".into(),
                        text: "Gli argini".into(),
                    },
                ],
            },
            StrategyLine {
                id: "s2".into(),
                title: "Senza assi".into(),
                axes: vec![],
            },
        ],
        responsibles: vec![Responsible {
            code: "0042".into(),
            title: "RESPONSABILE SERVIZI SOCIALI".into(),
        }],
        units: vec![
            Unit {
                id: area.clone(),
                kind: UnitKind::Area,
                name: "Area dei servizi".into(),
                parent: None,
                heads: vec![],
                responsible_code: None,
                functions: vec![],
                staff: None,
            },
            Unit {
                id: unit.clone(),
                kind: UnitKind::ServizioAutonomo,
                name: "Servizi sociali".into(),
                parent: Some(area),
                heads: vec![
                    Head {
                        name: "Dott.ssa Anna Rossi".into(),
                        role: Some("Dirigente".into()),
                        from: None,
                        until: Some(date(2024, 3, 31)),
                    },
                    Head {
                        name: "Ing. Bruno Bianchi".into(),
                        role: None,
                        from: Some(date(2024, 4, 1)),
                        until: None,
                    },
                ],
                responsible_code: Some("0042".into()),
                functions: vec!["Assistenza".into(), "Casa".into()],
                staff: Some(0),
            },
        ],
        objectives: vec![Objective {
            id: ObjectiveId::new(&unit, &label),
            unit,
            label,
            title: "Un obiettivo con ogni scadenza".into(),
            strategic_purpose: Some("=SOMMA(A1:A2)".into()),
            directives: None,
            timing: Some("01/01/2024 – 31/12/2024".into()),
            phases: vec![
                phase(
                    "1",
                    Some("33.3333"),
                    tentative,
                    "29/02/2024 presumibilmente",
                ),
                phase(
                    "1a",
                    Some("0"),
                    Deadline::new(When::Start {
                        date: date(2024, 2, 1),
                    }),
                    "inizio servizio 01/02/2024",
                ),
                phase(
                    "2",
                    Some("16.6667"),
                    after_phase,
                    "2 mesi dal punto 03) della fase 1",
                ),
                phase(
                    "3",
                    Some("25"),
                    after_event,
                    "Entro 30 giorni dalla presentazione dell'istanza",
                ),
                phase(
                    "4",
                    Some("25"),
                    Deadline::new(When::DuringYear),
                    "in corso d'anno",
                ),
                phase("5", None, Deadline::new(When::Completed), "Conclusa"),
                phase(
                    "6",
                    Some("0.000000000000000001"),
                    Deadline::unspecified(),
                    "",
                ),
            ],
            final_deadline: Deadline::date(date(2026, 12, 31)),
            final_deadline_text: "31/12/2026".into(),
            year_deadline: Some(Deadline::unspecified()),
            year_deadline_text: None,
            expected_result: Some("Risultato".into()),
            full_achievement: None,
            not_achieved: Some("Mai".into()),
            indicators: vec!["rispetto della tempistica".into(), "n. pratiche".into()],
            constraints: None,
            human_resources: Some("Tutto il settore".into()),
            financial_resources: None,
        }],
        customer_satisfaction: vec![SurveyResult {
            service: "Centri Estivi".into(),
            year: None,
            positive_pct: "97.5".parse().unwrap(),
            neutral_pct: "2.5".parse().unwrap(),
            negative_pct: Percent::ZERO,
        }],
        piao: Some(whole_piao()),
    }
}

/// A PIAO with every field filled (and, on its second risk and measure, the optional ones left
/// out), linked to the cards, lines and units of `small_plan`.
fn whole_piao() -> Piao {
    let card = ObjectiveId::parse("servizi-sociali/A").unwrap();
    Piao {
        layout: Layout::Semplificato,
        registry: Registry {
            tax_code: Some("00429440068".into()),
            address: Some("Piazza della Libertà 1, 15121 Prova (AL)".into()),
            pec: Some("comune@pec.prova.it".into()),
            website: Some("https://www.comune.prova.it".into()),
            representative: Some("Il Sindaco, Mario Verdi".into()),
            staff: Some(42),
        },
        public_value: PublicValue {
            objectives: vec![
                ValueObjective {
                    id: "vp1".into(),
                    title: "Una comunità che si prende cura".into(),
                    description: Some("Meno attese ai servizi\nmisurate ogni semestre".into()),
                    strategy: vec!["s1".into(), "s1.2".into()],
                    objectives: vec![card.clone()],
                },
                ValueObjective {
                    id: "vp2".into(),
                    title: "Senza legami".into(),
                    description: None,
                    strategy: vec![],
                    objectives: vec![],
                },
            ],
            accessibility: Some(
                "Sportelli senza barriere.\nSito conforme alle linee guida AgID.".into(),
            ),
            simplification: Some("Istanze online per i contributi.".into()),
        },
        anticorruption: Anticorruption {
            rpct: Some("Il Segretario generale".into()),
            context: Some("Contesto esterno: provincia a basso rischio.".into()),
            risks: vec![
                Risk {
                    id: "r1".into(),
                    area: RiskArea::Sovvenzioni,
                    process: "Contributi alle famiglie".into(),
                    description: Some("Criteri applicati in modo non uniforme".into()),
                    level: Some(RiskLevel::Alto),
                },
                Risk {
                    id: "r2".into(),
                    area: RiskArea::Altro,
                    process: "Gestione delle graduatorie".into(),
                    description: None,
                    level: None,
                },
            ],
            measures: vec![
                Measure {
                    id: "m1".into(),
                    kind: MeasureKind::Prevenzione,
                    text: "Criteri pubblicati prima del bando".into(),
                    risks: vec!["r1".into(), "r2".into()],
                    objectives: vec![card.clone()],
                    unit: Some(UnitId::parse("servizi-sociali").unwrap()),
                    deadline: Some(date(2024, 9, 30)),
                    indicator: Some("bandi con criteri pubblicati / bandi".into()),
                },
                Measure {
                    id: "m2".into(),
                    kind: MeasureKind::Trasparenza,
                    text: "Pubblicazione dei beneficiari".into(),
                    risks: vec![],
                    objectives: vec![card],
                    unit: None,
                    deadline: None,
                    indicator: None,
                },
            ],
            transparency: Some("Il responsabile di ogni settore pubblica i propri dati.".into()),
        },
        organisation: Organisation {
            structure: Some("Un'area e un servizio autonomo.".into()),
            remote_work: Some("Fino a otto giorni al mese.".into()),
            staff: vec![
                StaffRow {
                    profile: "Istruttore amministrativo (C)".into(),
                    staff: 30,
                    hires: 2,
                },
                StaffRow {
                    profile: "Funzionario (D)".into(),
                    staff: 12,
                    hires: 0,
                },
            ],
            hiring: Some("Turn over al 100%.".into()),
            training: Some("Quaranta ore l'anno a persona.".into()),
        },
        monitoring: Some("Ogni semestre, con le indagini di gradimento.".into()),
    }
}

#[test]
fn every_kind_of_deadline_and_field_comes_back() {
    let plan = small_plan();
    let (back, diagnostics) = round_trip(&plan);
    assert_eq!(back, plan);
    assert!(
        !diagnostics.iter().any(|d| READING_CODES.contains(&d.code)),
        "{diagnostics:#?}"
    );
}

#[test]
fn a_plan_without_a_piao_comes_back_without_one() {
    // Its sheets are written empty, and empty sheets are no PIAO.
    let plan = Plan {
        piao: None,
        ..small_plan()
    };
    let (back, diagnostics) = round_trip(&plan);
    assert_eq!(back, plan);
    assert!(
        !diagnostics.iter().any(|d| READING_CODES.contains(&d.code)),
        "{diagnostics:#?}"
    );
    // A PIAO of defaults still comes back as one.
    let plan = Plan {
        piao: Some(Piao::default()),
        ..small_plan()
    };
    assert_eq!(round_trip(&plan).0, plan);
}

#[test]
fn the_piao_own_findings_are_pointed_at_their_cells() {
    let mut plan = small_plan();
    let piao = plan.piao.as_mut().unwrap();
    piao.anticorruption.measures[0].risks.push("r9".into());
    piao.public_value.objectives[0]
        .objectives
        .push(ObjectiveId::parse("servizi-sociali/Z").unwrap());
    let (_, diagnostics) = round_trip(&plan);
    let said = |code: Code| {
        diagnostics
            .iter()
            .find(|d| d.code == code)
            .map(|d| d.message.clone())
            .unwrap_or_default()
    };
    assert!(
        said(Code::UnknownRisk).starts_with("Foglio «Misure», riga 2, colonna «Rischi»: "),
        "{diagnostics:#?}"
    );
    assert!(
        said(Code::UnknownObjective)
            .starts_with("Foglio «Valore pubblico», riga 2, colonna «Obiettivi»: "),
        "{diagnostics:#?}"
    );
    // Two risks leave out areas of law 190/2012: said on the sheet of risks.
    assert!(
        said(Code::PiaoRiskAreas).starts_with("Foglio «Rischi»: "),
        "{diagnostics:#?}"
    );
    // 60 staff and the simplified layout: said on the layout's cell.
    plan.piao.as_mut().unwrap().registry.staff = Some(60);
    let (_, diagnostics) = round_trip(&plan);
    let layout = diagnostics
        .iter()
        .find(|d| d.code == Code::PiaoLayout)
        .unwrap();
    assert!(
        layout
            .message
            .starts_with("Foglio «PIAO», riga 2, colonna «Modello»: "),
        "{}",
        layout.message
    );
}

#[test]
fn the_template_has_every_sheet_and_no_plan() {
    let read = workbook::read(&workbook::template().unwrap());
    assert!(read.plan.is_none());
    // Only the plan's own row is missing: every sheet and column is there.
    assert_eq!(read.diagnostics.len(), 1, "{:#?}", read.diagnostics);
    assert_eq!(read.diagnostics[0].code, Code::MissingField);
    assert!(read.diagnostics[0].message.contains("«Piano»"));
}

// ---- any plan ----

fn text() -> impl Strategy<Value = String> {
    "[A-Za-zàèéìòù0-9 ,.;:'()/%=+-]{1,30}( [a-z]{1,8}\n[a-z]{1,8})?"
        .prop_map(|s| s.trim().to_owned())
        .prop_filter("not empty", |s| !s.is_empty())
}

fn line() -> impl Strategy<Value = String> {
    "[A-Za-z0-9][A-Za-z0-9 ./]{0,12}".prop_map(|s| s.trim().to_owned())
}

fn slug() -> impl Strategy<Value = UnitId> {
    "[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,5})?".prop_map(|s| UnitId::parse(s).unwrap())
}

fn day() -> impl Strategy<Value = NaiveDate> {
    (2015i32..2030, 1u32..=12, 1u32..=31)
        .prop_filter_map("a real day", |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
}

fn percent() -> impl Strategy<Value = Percent> {
    prop_oneof![
        (0u32..=100).prop_map(|n| Percent::new(Decimal::from(n)).unwrap()),
        (0i64..=1_000_000, 0u32..=8)
            .prop_map(|(n, scale)| Decimal::new(n, scale))
            .prop_filter_map("within 0-100", |d| Percent::new(d).ok()),
    ]
}

fn phase_label() -> impl Strategy<Value = PhaseLabel> {
    "[1-9][0-9]{0,2}[a-zA-Z]?".prop_map(|s| PhaseLabel::parse(s).unwrap())
}

fn deadline() -> impl Strategy<Value = Deadline> {
    let offset = prop_oneof![
        (0u32..400).prop_map(Offset::Days),
        (0u32..40).prop_map(Offset::Months)
    ];
    let when = prop_oneof![
        day().prop_map(|date| When::Date { date }),
        day().prop_map(|date| When::Start { date }),
        Just(When::DuringYear),
        Just(When::Completed),
        Just(When::Unspecified),
        (
            phase_label(),
            proptest::option::of("[0-9]{2}"),
            offset.clone()
        )
            .prop_map(|(phase, point, offset)| When::Relative(Relative {
                anchor: Anchor::Phase { phase, point },
                offset
            })),
        (text(), offset).prop_map(|(event, offset)| When::Relative(Relative {
            anchor: Anchor::Event(event),
            offset
        })),
    ];
    (when, any::<bool>()).prop_map(|(when, tentative)| Deadline { when, tentative })
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(text())
}

fn any_phase() -> impl Strategy<Value = Phase> {
    (
        phase_label(),
        text(),
        proptest::option::of(percent()),
        proptest::collection::vec(line().prop_filter("code", |s| !s.is_empty()), 0..3),
        deadline(),
        prop_oneof![Just(String::new()), text()],
    )
        .prop_map(
            |(label, description, weight_pct, responsible, deadline, deadline_text)| Phase {
                label,
                description,
                weight_pct,
                responsible,
                deadline,
                deadline_text,
            },
        )
}

fn any_head() -> impl Strategy<Value = Head> {
    (
        text(),
        opt_text(),
        proptest::option::of(day()),
        proptest::option::of(day()),
    )
        .prop_map(|(name, role, from, until)| Head {
            name,
            role,
            from,
            until,
        })
}

fn any_unit() -> impl Strategy<Value = Unit> {
    (
        slug(),
        0usize..5,
        text(),
        proptest::option::of(slug()),
        proptest::collection::vec(any_head(), 0..3),
        opt_text(),
        proptest::collection::vec(text(), 0..3),
        proptest::option::of(0u32..5000),
    )
        .prop_map(
            |(id, kind, name, parent, heads, responsible_code, functions, staff)| Unit {
                id,
                kind: UnitKind::ALL[kind],
                name,
                parent,
                heads,
                responsible_code,
                functions,
                staff,
            },
        )
}

fn any_objective(units: Vec<UnitId>) -> impl Strategy<Value = Objective> {
    let texts = (
        opt_text(),
        opt_text(),
        opt_text(),
        opt_text(),
        opt_text(),
        opt_text(),
        opt_text(),
        opt_text(),
        opt_text(),
    );
    (
        proptest::sample::select(units),
        "[A-Z0-9]{1,3}",
        text(),
        proptest::collection::vec(any_phase(), 0..5),
        (deadline(), prop_oneof![Just(String::new()), text()]),
        (proptest::option::of(deadline()), opt_text()),
        proptest::collection::vec(text(), 0..3),
        texts,
    )
        .prop_map(
            |(
                unit,
                label,
                title,
                phases,
                (final_deadline, final_deadline_text),
                (year_deadline, year_deadline_text),
                indicators,
                t,
            )| {
                let label = ObjectiveLabel::parse(label).unwrap();
                Objective {
                    id: ObjectiveId::new(&unit, &label),
                    unit,
                    label,
                    title,
                    strategic_purpose: t.0,
                    directives: t.1,
                    timing: t.2,
                    phases,
                    final_deadline,
                    final_deadline_text,
                    year_deadline,
                    year_deadline_text,
                    expected_result: t.3,
                    full_achievement: t.4,
                    not_achieved: t.5,
                    indicators,
                    constraints: t.6,
                    human_resources: t.7,
                    financial_resources: t.8,
                }
            },
        )
}

fn code() -> impl Strategy<Value = String> {
    line().prop_filter("a code", |s| !s.is_empty())
}

fn card_id() -> impl Strategy<Value = ObjectiveId> {
    (slug(), "[A-Z0-9]{1,3}")
        .prop_map(|(unit, label)| ObjectiveId::new(&unit, &ObjectiveLabel::parse(label).unwrap()))
}

fn any_piao() -> impl Strategy<Value = Piao> {
    let registry = (
        (opt_text(), opt_text()),
        (opt_text(), opt_text(), opt_text()),
        proptest::option::of(0u32..100_000),
    )
        .prop_map(
            |((tax_code, address), (pec, website, representative), staff)| Registry {
                tax_code,
                address,
                pec,
                website,
                representative,
                staff,
            },
        );
    let value = (
        code(),
        text(),
        opt_text(),
        proptest::collection::vec(code(), 0..3),
        proptest::collection::vec(card_id(), 0..3),
    )
        .prop_map(
            |(id, title, description, strategy, objectives)| ValueObjective {
                id,
                title,
                description,
                strategy,
                objectives,
            },
        );
    let risk = (
        code(),
        proptest::sample::select(RiskArea::ALL),
        text(),
        opt_text(),
        proptest::option::of(proptest::sample::select(RiskLevel::ALL)),
    )
        .prop_map(|(id, area, process, description, level)| Risk {
            id,
            area,
            process,
            description,
            level,
        });
    let measure = (
        (code(), proptest::sample::select(MeasureKind::ALL), text()),
        proptest::collection::vec(code(), 0..3),
        proptest::collection::vec(card_id(), 0..3),
        proptest::option::of(slug()),
        proptest::option::of(day()),
        opt_text(),
    )
        .prop_map(
            |((id, kind, text), risks, objectives, unit, deadline, indicator)| Measure {
                id,
                kind,
                text,
                risks,
                objectives,
                unit,
                deadline,
                indicator,
            },
        );
    let staff = (text(), 0u32..100_000, 0u32..1000).prop_map(|(profile, staff, hires)| StaffRow {
        profile,
        staff,
        hires,
    });
    let paragraphs = (
        (opt_text(), opt_text(), opt_text(), opt_text(), opt_text()),
        (opt_text(), opt_text(), opt_text(), opt_text(), opt_text()),
    );
    (
        proptest::sample::select(Layout::ALL),
        registry,
        proptest::collection::vec(value, 0..3),
        proptest::collection::vec(risk, 0..3),
        proptest::collection::vec(measure, 0..3),
        proptest::collection::vec(staff, 0..3),
        paragraphs,
    )
        .prop_map(
            |(layout, registry, values, risks, measures, staff, (p, q))| Piao {
                layout,
                registry,
                public_value: PublicValue {
                    objectives: values,
                    accessibility: p.0,
                    simplification: p.1,
                },
                anticorruption: Anticorruption {
                    rpct: p.2,
                    context: p.3,
                    risks,
                    measures,
                    transparency: p.4,
                },
                organisation: Organisation {
                    structure: q.0,
                    remote_work: q.1,
                    staff,
                    hiring: q.2,
                    training: q.3,
                },
                monitoring: q.4,
            },
        )
}

fn any_plan() -> impl Strategy<Value = Plan> {
    let units = proptest::collection::vec(any_unit(), 1..4).prop_map(|mut units| {
        // Unit ids are unique in a plan (objectives, heads and staff are found by them).
        let mut seen = std::collections::HashSet::new();
        units.retain(|u| seen.insert(u.id.clone()));
        units
    });
    (
        units,
        text(),
        0usize..6,
        text(),
        2015i32..2030,
        proptest::collection::vec(
            (
                line(),
                text(),
                proptest::collection::vec((line(), text()), 0..3),
            ),
            0..3,
        ),
        proptest::collection::vec((line(), text()), 0..3),
        proptest::collection::vec(
            (
                text(),
                proptest::option::of(2000i32..2030),
                percent(),
                percent(),
                percent(),
            ),
            0..3,
        ),
    )
        .prop_flat_map(
            |(units, name, kind, title, year, strategy, responsibles, surveys)| {
                let ids: Vec<UnitId> = units.iter().map(|u| u.id.clone()).collect();
                (
                    Just((
                        units,
                        name,
                        kind,
                        title,
                        year,
                        strategy,
                        responsibles,
                        surveys,
                    )),
                    proptest::collection::vec(any_objective(ids), 0..4),
                    proptest::option::of(any_piao()),
                )
            },
        )
        .prop_map(
            |(
                (units, name, kind, title, year, strategy, responsibles, surveys),
                mut objectives,
                piao,
            )| {
                let mut seen = std::collections::HashSet::new();
                objectives.retain(|o| seen.insert(o.id.clone()));
                let mut line_ids = std::collections::HashSet::new();
                Plan {
                    format: domain::Format,
                    entity: Entity {
                        name,
                        kind: EntityKind::ALL[kind],
                        code: None,
                    },
                    title,
                    period: Period {
                        from: year - 1,
                        to: year + 1,
                    },
                    year,
                    strategy: strategy
                        .into_iter()
                        .filter(|(id, _, _)| !id.is_empty() && line_ids.insert(id.clone()))
                        .map(|(id, title, axes)| StrategyLine {
                            id,
                            title,
                            axes: axes
                                .into_iter()
                                .filter(|(id, _)| !id.is_empty())
                                .map(|(id, text)| Axis { id, text })
                                .collect(),
                        })
                        .collect(),
                    responsibles: responsibles
                        .into_iter()
                        .filter(|(code, _)| !code.is_empty())
                        .map(|(code, title)| Responsible { code, title })
                        .collect(),
                    units,
                    objectives,
                    customer_satisfaction: surveys
                        .into_iter()
                        .map(|(service, year, positive_pct, neutral_pct, negative_pct)| {
                            SurveyResult {
                                service,
                                year,
                                positive_pct,
                                neutral_pct,
                                negative_pct,
                            }
                        })
                        .collect(),
                    piao,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn any_plan_comes_back_as_it_went(plan in any_plan()) {
        let (back, diagnostics) = round_trip(&plan);
        prop_assert_eq!(&back, &plan);
        let reading: Vec<_> = diagnostics.iter().filter(|d| READING_CODES.contains(&d.code)).collect();
        prop_assert!(reading.is_empty(), "{:#?}", reading);
    }
}
