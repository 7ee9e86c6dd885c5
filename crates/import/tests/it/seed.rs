//! The seed, read card by card: counts, and exact values checked by reading the document.

use domain::{Anchor, Deadline, Offset, Severity, Tally, UnitKind, When};

use crate::{seed_import, workspace_root};

fn date(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

#[test]
fn the_seed_imports_without_errors_and_with_every_card() {
    let Some(imp) = seed_import() else { return };
    let p = &imp.plan;
    let tally = Tally::of(&imp.diagnostics);
    assert_eq!(
        tally.errors,
        0,
        "{:#?}",
        imp.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect::<Vec<_>>()
    );
    assert_eq!(p.objectives.len(), 44);
    assert_eq!(p.phase_count(), 181);
    assert_eq!(
        p.units.len(),
        16,
        "13 settori/servizi, the azienda and two areas"
    );
    assert_eq!(
        p.units
            .iter()
            .filter(|u| p.objectives.iter().any(|o| o.unit == u.id))
            .count(),
        15
    );
    assert_eq!(p.responsibles.len(), 19);
    assert_eq!(p.customer_satisfaction.len(), 7);
    let axes: Vec<usize> = p.strategy.iter().map(|s| s.axes.len()).collect();
    assert_eq!(axes, [4, 10, 6, 5]);
    // Every line the importer could not place is reported, and the seed has none inside cards.
    assert!(
        !imp.diagnostics
            .iter()
            .any(|d| d.code == domain::Code::UnplacedLine)
    );
}

#[test]
fn identity_of_the_plan() {
    let Some(imp) = seed_import() else { return };
    let p = &imp.plan;
    assert_eq!(p.entity.name, "Città di Alessandria");
    assert_eq!(p.entity.kind, domain::EntityKind::Comune);
    assert_eq!(p.title, "Piano della Performance 2021-2023");
    assert_eq!((p.period.from, p.period.to, p.year), (2021, 2023, 2021));
    assert_eq!(p.responsibles[0].code, "2269");
    assert!(
        p.responsibles[0]
            .title
            .starts_with("RESPONSABILE SETTORE GABINETTO DEL SINDACO")
    );
    assert_eq!(p.responsibles.last().unwrap().code, "2256");
}

#[test]
fn units_with_heads_functions_staff_codes_and_areas() {
    let Some(imp) = seed_import() else { return };
    let p = &imp.plan;
    let unit = |id: &str| {
        p.units
            .iter()
            .find(|u| u.id.as_str() == id)
            .unwrap_or_else(|| panic!("no unit {id}"))
    };

    let g = unit("gabinetto-del-sindaco");
    assert_eq!(g.kind, UnitKind::Settore);
    assert_eq!(
        g.name,
        "Settore Gabinetto del Sindaco, Segreterie particolari, Soggetti partecipati, Cerimoniale, Affari Generali e Disability Manager"
    );
    assert_eq!(
        (g.heads[0].name.as_str(), g.heads[0].role.as_deref()),
        ("Dott. Antonello Paolo Zaccone", Some("Dirigente"))
    );
    assert_eq!(
        (g.staff, g.responsible_code.as_deref()),
        (Some(58), Some("2269"))
    );
    assert_eq!(g.functions.len(), 20);
    assert_eq!(
        g.functions[0],
        "Attività del Consiglio Comunale e formazione degli atti consiliari"
    );
    assert_eq!(g.functions[18], "Logistico – Operativo");

    let pl = unit("polizia-locale");
    assert_eq!(pl.kind, UnitKind::ServizioAutonomo);
    assert_eq!(pl.heads[0].name, "Alberto Fabrizio Bassani");
    assert_eq!(
        pl.heads[0].role.as_deref(),
        Some("Responsabile in P.O. Comandante Vicario")
    );
    assert_eq!((pl.staff, pl.functions.len()), (Some(81), 7));

    let ru = unit("risorse-umane");
    assert_eq!(ru.heads[0].name, "Dott.ssa Cinzia Maria Ines Colla");
    assert_eq!(ru.heads[0].role.as_deref(), Some("Responsabile in P.O."));

    // The company whose director changes on 1 April: both heads, each with their period.
    let az = unit("azienda-speciale-multiservizi-costruire-insieme");
    assert_eq!(az.kind, UnitKind::Azienda);
    assert_eq!(az.name, "Azienda Speciale Multiservizi Costruire Insieme");
    assert_eq!(az.heads.len(), 2);
    assert_eq!(
        (
            az.heads[0].name.as_str(),
            az.heads[0].from,
            az.heads[0].until
        ),
        ("Avv. Orietta Bocchio", None, Some(date("2021-03-31")))
    );
    assert_eq!(
        (
            az.heads[1].name.as_str(),
            az.heads[1].from,
            az.heads[1].until
        ),
        ("Dott. Cesare Torre", Some(date("2021-04-01")), None)
    );
    assert_eq!(az.heads[1].role.as_deref(), Some("Direttore"));
    assert_eq!(
        (az.parent.as_ref(), az.staff, az.responsible_code.as_ref()),
        (None, None, None)
    );

    // Areas group their sectors as the macro-structure list says.
    let lp = unit("lavori-pubblici");
    assert_eq!(
        lp.name,
        "Settore Lavori Pubblici, Infrastrutture e Smart City"
    );
    assert_eq!(lp.parent.as_ref().map(|p| p.as_str()), Some("area-tecnica"));
    assert_eq!(
        (lp.staff, lp.responsible_code.as_deref()),
        (Some(63), Some("2470"))
    );
    assert_eq!(
        unit("ufficio-stampa").parent.as_ref().map(|p| p.as_str()),
        Some("area-amministrativa-contabile")
    );
    assert_eq!(
        unit("risorse-finanziarie-e-tributi")
            .parent
            .as_ref()
            .map(|p| p.as_str()),
        Some("area-amministrativa-contabile")
    );
    assert_eq!(unit("avvocatura").parent, None);
    let at = unit("area-tecnica");
    assert_eq!(
        (at.kind, at.responsible_code.as_deref()),
        (UnitKind::Area, Some("22550"))
    );
    assert_eq!(at.heads[0].name, "Arch. Pierfranco Robotti");
    let aac = unit("area-amministrativa-contabile");
    assert_eq!(
        (aac.responsible_code.as_deref(), aac.heads[0].name.as_str()),
        (Some("22560"), "Dott. Cesare Torre")
    );
    assert_eq!(
        unit("sviluppo-economico").heads[0].name,
        "Ing. Marco Italo Neri"
    );
    assert_eq!(unit("programmazione-e-controllo").staff, Some(1));
}

#[test]
fn every_deadline_kind_occurs() {
    let Some(imp) = seed_import() else { return };
    let all: Vec<&Deadline> = imp
        .plan
        .objectives
        .iter()
        .flat_map(|o| o.phases.iter().map(|p| &p.deadline))
        .collect();
    let has = |f: &dyn Fn(&Deadline) -> bool| all.iter().any(|d| f(d));
    assert!(has(&|d| matches!(d.when, When::Date { .. })));
    assert!(has(&|d| matches!(d.when, When::Start { .. })));
    assert!(has(&|d| matches!(d.when, When::DuringYear)));
    assert!(has(&|d| matches!(d.when, When::Completed)));
    assert!(has(&|d| matches!(d.when, When::Unspecified)));
    assert!(has(
        &|d| matches!(&d.when, When::Relative(r) if matches!(r.anchor, Anchor::Event(_)))
    ));
    assert!(has(
        &|d| matches!(&d.when, When::Relative(r) if matches!(r.anchor, Anchor::Phase { point: Some(_), .. }))
    ));
    assert!(has(
        &|d| matches!(&d.when, When::Relative(r) if matches!(r.offset, Offset::Months(_)))
    ));
    assert!(
        imp.plan
            .objectives
            .iter()
            .any(|o| o.final_deadline.tentative)
    );
    let unrecognised = imp
        .diagnostics
        .iter()
        .filter(|d| d.code == domain::Code::DeadlineUnrecognised)
        .count();
    assert_eq!(unrecognised, 0);
}

#[test]
fn strategy_and_survey() {
    let Some(imp) = seed_import() else { return };
    let p = &imp.plan;
    assert_eq!(
        p.strategy[0].title,
        "messa in sicurezza idro-geologica della Città"
    );
    assert_eq!(p.strategy[0].axes[0].id, "s1.1");
    assert!(
        p.strategy[0].axes[0]
            .text
            .starts_with("realizzazione del secondo ponte sul fiume Bormida")
    );
    let pinqua = &p.strategy[1].axes[9].text;
    assert!(pinqua.starts_with("partecipazione al \"Programma innovativo nazionale"));
    assert!(pinqua.contains(
        "come segue: progetto di riqualificazione e riorganizzazione del patrimonio esistente"
    ));
    let amag = &p.strategy[2].axes[5].text;
    assert!(amag.contains("seguenti azioni: Ricerca di un Partner industriale per ALEGAS S.R.L."));
    assert!(
        p.strategy[3].axes[0]
            .text
            .contains("Complesso di San Francesco, della Biblioteca Civica")
    );
    assert!(
        p.strategy[3].axes[4]
            .text
            .starts_with("promozione di una sempre più efficace interazione con l’Università")
    );
    assert_eq!(p.strategy[3].title, "promozione turistico-culturale");

    let cs = &p.customer_satisfaction;
    assert_eq!(cs[0].service, "Centri Estivi");
    assert_eq!(cs[0].year, Some(2020));
    let urp = cs.iter().find(|s| s.service == "URP").unwrap();
    assert_eq!(
        (
            urp.positive_pct.to_string(),
            urp.neutral_pct.to_string(),
            urp.negative_pct.to_string()
        ),
        ("76".into(), "17".into(), "7".into())
    );
    assert_eq!(cs[6].service, "Welfare animale");
}

/// The demo plan of the web application is exactly what the importer makes of the seed.
/// After an intended change to the importer: `UPDATE_EXPECT=1 cargo test -p import demo`.
#[test]
fn demo_plan_equals_a_fresh_import() {
    let Some(imp) = seed_import() else { return };
    let mut fresh = serde_json::to_string_pretty(&imp.plan).unwrap();
    fresh.push('\n');
    expect_test::expect_file![workspace_root().join("data/demo/alessandria-2021.plan.json")]
        .assert_eq(&fresh);
}

/// JSON → model → JSON gives back the same document.
#[test]
fn demo_plan_round_trips() {
    let path = workspace_root().join("data/demo/alessandria-2021.plan.json");
    let text = std::fs::read_to_string(path).unwrap();
    let plan: domain::Plan = serde_json::from_str(&text).unwrap();
    let mut again = serde_json::to_string_pretty(&plan).unwrap();
    again.push('\n');
    assert_eq!(again, text);
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(serde_json::to_value(&plan).unwrap(), value);
}

/// The importer reads documents rather than recognising this one: the seed with another
/// administration's name, other years and other people reads the same way.
#[test]
fn a_renamed_seed_of_another_year_reads_the_same() {
    let Some(text) = crate::seed_text() else {
        return;
    };
    let renamed = text
        .replace("ALESSANDRIA", "CASALE MONFERRATO")
        .replace("Alessandria", "Casale Monferrato")
        .replace("2023", "2024")
        .replace("2022", "2023")
        .replace("2021", "2022")
        .replace("Zaccone", "Rossi")
        .replace("Bassani", "Bianchi")
        .replace("Gabinetto del Sindaco", "Segreteria del Sindaco")
        .replace("GABINETTO DEL SINDACO", "SEGRETERIA DEL SINDACO");
    let imp = import::import_text(&renamed);
    let p = &imp.plan;
    assert_eq!(Tally::of(&imp.diagnostics).errors, 0);
    assert_eq!(
        (p.objectives.len(), p.phase_count(), p.units.len()),
        (44, 181, 16)
    );
    assert_eq!(p.entity.name, "Città di Casale Monferrato");
    assert_eq!(
        (p.title.as_str(), p.year),
        ("Piano della Performance 2022-2024", 2022)
    );
    let first = &p.objectives[0];
    assert_eq!(first.id.as_str(), "segreteria-del-sindaco/A");
    assert_eq!(first.phases[0].deadline, Deadline::date(date("2022-06-30")));
    assert_eq!(p.units[0].heads[0].name, "Dott. Antonello Paolo Rossi");
    assert_eq!(p.units[0].staff, Some(58));
    assert_eq!(p.units[0].responsible_code.as_deref(), Some("2269"));
    let pl = p
        .units
        .iter()
        .find(|u| u.id.as_str() == "polizia-locale")
        .unwrap();
    assert_eq!(pl.heads[0].name, "Alberto Fabrizio Bianchi");
}
