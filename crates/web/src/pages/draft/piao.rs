//! The PIAO's other sections, written with the draft by the planning office: the layout, the
//! administration's identity, public value, risks and measures, organisation and staff,
//! monitoring — one form, rows added by filling the empty ones at the end of each list and
//! removed by emptying them. Risks, measures and public-value objectives keep their codes
//! (`r1`, `m1`, `vp1`) across saves, so that what names them still finds them.

use axum::http::StatusCode;
use axum::response::Response;
use domain::drafting::Edit;
use domain::limits::Field;
use domain::piao::{
    Anticorruption, Layout, Measure, MeasureKind, Organisation, Piao, PublicValue, Registry, Risk,
    RiskArea, RiskLevel, StaffRow, ValueObjective, labels,
};
use domain::{Diagnostic, ObjectiveId, UnitId};
use maud::{Markup, html};

use super::fields::{DATE, NUMBER, Problems, Sent, TEXT, area, choices, date_value, input, select};
use super::{Form, NEW_ROWS, Typed, findings_list, form_page, fresh, sent};
use crate::auth::Viewer;
use crate::cache::PlanView;
use crate::error::AppError;
use crate::pages::PlanPage;
use crate::paths;

/// The lists of the form: the prefix of their fields and the field that counts their rows.
const LISTS: [(&str, &str); 4] = [
    ("vp", "vp-righe"),
    ("rischio", "rischi-righe"),
    ("misura", "misure-righe"),
    ("personale", "personale-righe"),
];

/// The rows a list of the form shows: those sent (at most 500) and the empty ones to add.
fn rows(sent: &Sent, count: &str) -> usize {
    sent.get(count)
        .trim()
        .parse::<usize>()
        .unwrap_or(0)
        .min(500)
        + NEW_ROWS
}

fn joined<T: ToString>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn opt(t: &Option<String>) -> String {
    t.clone().unwrap_or_default()
}

/// The form's fields for a PIAO (none: an empty one, ordinary).
fn piao_sent(p: Option<&Piao>) -> Sent {
    let empty = Piao::default();
    let p = p.unwrap_or(&empty);
    let (r, v, a, o) = (
        &p.registry,
        &p.public_value,
        &p.anticorruption,
        &p.organisation,
    );
    let mut s: Vec<(String, String)> = vec![
        ("modello".into(), p.layout.as_str().into()),
        ("cf".into(), opt(&r.tax_code)),
        ("indirizzo".into(), opt(&r.address)),
        ("pec".into(), opt(&r.pec)),
        ("sito".into(), opt(&r.website)),
        ("rappresentante".into(), opt(&r.representative)),
        (
            "dipendenti".into(),
            r.staff.map(|n| n.to_string()).unwrap_or_default(),
        ),
        ("accessibilita".into(), opt(&v.accessibility)),
        ("semplificazione".into(), opt(&v.simplification)),
        ("rpct".into(), opt(&a.rpct)),
        ("contesto".into(), opt(&a.context)),
        ("trasparenza".into(), opt(&a.transparency)),
        ("struttura".into(), opt(&o.structure)),
        ("lavoro-agile".into(), opt(&o.remote_work)),
        ("fabbisogni".into(), opt(&o.hiring)),
        ("formazione".into(), opt(&o.training)),
        ("monitoraggio".into(), opt(&p.monitoring)),
        ("vp-righe".into(), v.objectives.len().to_string()),
        ("rischi-righe".into(), a.risks.len().to_string()),
        ("misure-righe".into(), a.measures.len().to_string()),
        ("personale-righe".into(), o.staff.len().to_string()),
    ];
    for (i, x) in v.objectives.iter().enumerate() {
        s.push((format!("vp-{i}-codice"), x.id.clone()));
        s.push((format!("vp-{i}-titolo"), x.title.clone()));
        s.push((format!("vp-{i}-descrizione"), opt(&x.description)));
        s.push((format!("vp-{i}-strategia"), x.strategy.join(", ")));
        s.push((format!("vp-{i}-obiettivi"), joined(&x.objectives)));
    }
    for (i, x) in a.risks.iter().enumerate() {
        s.push((format!("rischio-{i}-codice"), x.id.clone()));
        s.push((format!("rischio-{i}-area"), x.area.as_str().into()));
        s.push((format!("rischio-{i}-processo"), x.process.clone()));
        s.push((format!("rischio-{i}-descrizione"), opt(&x.description)));
        s.push((
            format!("rischio-{i}-livello"),
            x.level.map(|l| l.as_str().to_owned()).unwrap_or_default(),
        ));
    }
    for (i, x) in a.measures.iter().enumerate() {
        s.push((format!("misura-{i}-codice"), x.id.clone()));
        s.push((format!("misura-{i}-tipo"), x.kind.as_str().into()));
        s.push((format!("misura-{i}-testo"), x.text.clone()));
        s.push((format!("misura-{i}-rischi"), x.risks.join(", ")));
        s.push((format!("misura-{i}-obiettivi"), joined(&x.objectives)));
        s.push((
            format!("misura-{i}-unita"),
            x.unit.as_ref().map(ToString::to_string).unwrap_or_default(),
        ));
        s.push((format!("misura-{i}-scadenza"), date_value(x.deadline)));
        s.push((format!("misura-{i}-indicatore"), opt(&x.indicator)));
    }
    for (i, x) in o.staff.iter().enumerate() {
        s.push((format!("personale-{i}-profilo"), x.profile.clone()));
        s.push((format!("personale-{i}-dipendenti"), x.staff.to_string()));
        s.push((format!("personale-{i}-assunzioni"), x.hires.to_string()));
    }
    Sent(s)
}

/// The items of a comma-separated list, trimmed, empty ones left out.
fn items(raw: &str) -> impl Iterator<Item = &str> {
    raw.split([',', ';', '\n'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// Codes kept from the form, or the next free one with `prefix` for a new row.
struct Codes {
    prefix: &'static str,
    taken: Vec<String>,
}

impl Codes {
    fn new(prefix: &'static str, sent: &Sent, list: &str, count: usize) -> Self {
        let taken = (0..count)
            .map(|i| sent.get(&format!("{list}-{i}-codice")).trim().to_owned())
            .filter(|c| !c.is_empty())
            .collect();
        Codes { prefix, taken }
    }

    fn code(&mut self, given: &str) -> String {
        let given = given.trim();
        if !given.is_empty() {
            return given.to_owned();
        }
        let next = (1..)
            .map(|n| format!("{}{n}", self.prefix))
            .find(|c| !self.taken.contains(c))
            .unwrap_or_default();
        self.taken.push(next.clone());
        next
    }
}

/// The PIAO the form describes, or its problems by field.
fn piao_of(sent: &Sent) -> Result<Piao, Problems> {
    let mut p = Problems::default();
    let line = |p: &mut Problems, id: &str| p.optional(id, Field::PiaoLine, sent.get(id));
    let para = |p: &mut Problems, id: &str| p.optional(id, Field::PiaoText, sent.get(id));
    let layout = Layout::parse(sent.get("modello")).unwrap_or_else(|| {
        p.add("modello", "Scegliere il modello del PIAO.");
        Layout::Ordinario
    });
    let registry = Registry {
        tax_code: line(&mut p, "cf"),
        address: line(&mut p, "indirizzo"),
        pec: line(&mut p, "pec"),
        website: line(&mut p, "sito"),
        representative: line(&mut p, "rappresentante"),
        staff: p.number("dipendenti", sent.get("dipendenti")),
    };
    let objectives_of = |p: &mut Problems, id: &str| -> Vec<ObjectiveId> {
        items(sent.get(id))
            .filter_map(|t| {
                p.parsed(
                    id,
                    t,
                    "un obiettivo si indica con il codice dell'unità, una barra e la lettera",
                    |t| {
                        let (unit, label) = t.split_once('/').ok_or(())?;
                        let unit = UnitId::parse(unit.trim()).map_err(|_| ())?;
                        let label = domain::ObjectiveLabel::parse(label.trim()).map_err(|_| ())?;
                        Ok::<_, ()>(ObjectiveId::new(&unit, &label))
                    },
                )
            })
            .collect()
    };

    let n = rows(sent, "vp-righe");
    let mut codes = Codes::new("vp", sent, "vp", n);
    let mut value_objectives = Vec::new();
    for i in 0..n {
        let title = p.text(
            &format!("vp-{i}-titolo"),
            Field::PiaoLine,
            sent.get(&format!("vp-{i}-titolo")),
        );
        let description = para(&mut p, &format!("vp-{i}-descrizione"));
        let strategy: Vec<String> = items(sent.get(&format!("vp-{i}-strategia")))
            .map(str::to_owned)
            .collect();
        let objectives = objectives_of(&mut p, &format!("vp-{i}-obiettivi"));
        if title.is_empty() {
            if description.is_some() || !strategy.is_empty() || !objectives.is_empty() {
                p.add(
                    format!("vp-{i}-titolo"),
                    "Indicare il titolo dell'obiettivo.",
                );
            }
            continue;
        }
        value_objectives.push(ValueObjective {
            id: codes.code(sent.get(&format!("vp-{i}-codice"))),
            title,
            description,
            strategy,
            objectives,
        });
    }

    let n = rows(sent, "rischi-righe");
    let mut codes = Codes::new("r", sent, "rischio", n);
    let mut risks = Vec::new();
    for i in 0..n {
        let process = p.text(
            &format!("rischio-{i}-processo"),
            Field::PiaoLine,
            sent.get(&format!("rischio-{i}-processo")),
        );
        let description = line(&mut p, &format!("rischio-{i}-descrizione"));
        if process.is_empty() {
            if description.is_some() {
                p.add(
                    format!("rischio-{i}-processo"),
                    "Indicare il processo a rischio.",
                );
            }
            continue;
        }
        let area = RiskArea::parse(sent.get(&format!("rischio-{i}-area"))).unwrap_or_else(|| {
            p.add(format!("rischio-{i}-area"), "Scegliere l'area di rischio.");
            RiskArea::Altro
        });
        let level_raw = sent.get(&format!("rischio-{i}-livello")).trim();
        let level = if level_raw.is_empty() {
            None
        } else {
            let l = RiskLevel::parse(level_raw);
            if l.is_none() {
                p.add(format!("rischio-{i}-livello"), "Scegliere il livello.");
            }
            l
        };
        risks.push(Risk {
            id: codes.code(sent.get(&format!("rischio-{i}-codice"))),
            area,
            process,
            description,
            level,
        });
    }

    let n = rows(sent, "misure-righe");
    let mut codes = Codes::new("m", sent, "misura", n);
    let mut measures = Vec::new();
    for i in 0..n {
        let text = p.text(
            &format!("misura-{i}-testo"),
            Field::PiaoLine,
            sent.get(&format!("misura-{i}-testo")),
        );
        let risks_of: Vec<String> = items(sent.get(&format!("misura-{i}-rischi")))
            .map(str::to_owned)
            .collect();
        let objectives = objectives_of(&mut p, &format!("misura-{i}-obiettivi"));
        if text.is_empty() {
            if !risks_of.is_empty() || !objectives.is_empty() {
                p.add(format!("misura-{i}-testo"), "Descrivere la misura.");
            }
            continue;
        }
        let kind = MeasureKind::parse(sent.get(&format!("misura-{i}-tipo"))).unwrap_or_else(|| {
            p.add(format!("misura-{i}-tipo"), "Scegliere il tipo di misura.");
            MeasureKind::Prevenzione
        });
        let unit = p.parsed(
            &format!("misura-{i}-unita"),
            sent.get(&format!("misura-{i}-unita")),
            "non è il codice di un'unità",
            UnitId::parse,
        );
        measures.push(Measure {
            id: codes.code(sent.get(&format!("misura-{i}-codice"))),
            kind,
            text,
            risks: risks_of,
            objectives,
            unit,
            deadline: p.date(
                &format!("misura-{i}-scadenza"),
                sent.get(&format!("misura-{i}-scadenza")),
            ),
            indicator: line(&mut p, &format!("misura-{i}-indicatore")),
        });
    }

    let mut staff = Vec::new();
    for i in 0..rows(sent, "personale-righe") {
        let profile = p.text(
            &format!("personale-{i}-profilo"),
            Field::PiaoLine,
            sent.get(&format!("personale-{i}-profilo")),
        );
        let count = p.number::<u32>(
            &format!("personale-{i}-dipendenti"),
            sent.get(&format!("personale-{i}-dipendenti")),
        );
        let hires = p.number::<u32>(
            &format!("personale-{i}-assunzioni"),
            sent.get(&format!("personale-{i}-assunzioni")),
        );
        if profile.is_empty() {
            if count.is_some() || hires.is_some() {
                p.add(
                    format!("personale-{i}-profilo"),
                    "Indicare il profilo o la categoria.",
                );
            }
            continue;
        }
        staff.push(StaffRow {
            profile,
            staff: count.unwrap_or(0),
            hires: hires.unwrap_or(0),
        });
    }

    let piao = Piao {
        layout,
        registry,
        public_value: PublicValue {
            objectives: value_objectives,
            accessibility: para(&mut p, "accessibilita"),
            simplification: para(&mut p, "semplificazione"),
        },
        anticorruption: Anticorruption {
            rpct: line(&mut p, "rpct"),
            context: para(&mut p, "contesto"),
            risks,
            measures,
            transparency: para(&mut p, "trasparenza"),
        },
        organisation: Organisation {
            structure: para(&mut p, "struttura"),
            remote_work: para(&mut p, "lavoro-agile"),
            staff,
            hiring: para(&mut p, "fabbisogni"),
            training: para(&mut p, "formazione"),
        },
        monitoring: para(&mut p, "monitoraggio"),
    };
    if p.is_empty() { Ok(piao) } else { Err(p) }
}

/// The field of the form where a finding of the plan's rules on `path` is shown.
fn field_of(path: &str) -> Option<String> {
    let rest = path.strip_prefix("piao.")?;
    let fixed = match rest {
        "layout" => "modello",
        "registry" | "registry.representative" => "rappresentante",
        "registry.tax_code" => "cf",
        "registry.address" => "indirizzo",
        "registry.pec" => "pec",
        "registry.website" => "sito",
        "public_value" => "vp-0-titolo",
        "public_value.accessibility" => "accessibilita",
        "public_value.simplification" => "semplificazione",
        "anticorruption" | "anticorruption.risks" => "rischio-0-processo",
        "anticorruption.rpct" => "rpct",
        "anticorruption.context" => "contesto",
        "anticorruption.transparency" => "trasparenza",
        "organisation.structure" => "struttura",
        "organisation.remote_work" => "lavoro-agile",
        "organisation.staff" => "personale-0-profilo",
        "organisation.hiring" => "fabbisogni",
        "organisation.training" => "formazione",
        "monitoring" => "monitoraggio",
        _ => "",
    };
    if !fixed.is_empty() {
        return Some(fixed.to_owned());
    }
    // A row of a list: `public_value.objectives[2].strategy[0]` → `vp-2-strategia`.
    let (list, rest) = rest.split_once('[')?;
    let (i, rest) = rest.split_once(']')?;
    let i: usize = i.parse().ok()?;
    let item = rest.trim_start_matches('.');
    let item = item.split('[').next().unwrap_or_default();
    let (prefix, field) = match (list, item) {
        ("public_value.objectives", "strategy") => ("vp", "strategia"),
        ("public_value.objectives", "objectives") => ("vp", "obiettivi"),
        ("public_value.objectives", "description") => ("vp", "descrizione"),
        ("public_value.objectives", _) => ("vp", "titolo"),
        ("anticorruption.risks", "description") => ("rischio", "descrizione"),
        ("anticorruption.risks", _) => ("rischio", "processo"),
        ("anticorruption.measures", "risks") => ("misura", "rischi"),
        ("anticorruption.measures", "objectives") => ("misura", "obiettivi"),
        ("anticorruption.measures", "unit") => ("misura", "unita"),
        ("anticorruption.measures", "indicator") => ("misura", "indicatore"),
        ("anticorruption.measures", _) => ("misura", "testo"),
        ("organisation.staff", _) => ("personale", "profilo"),
        _ => return None,
    };
    Some(format!("{prefix}-{i}-{field}"))
}

/// What the lists refer to: the codes of the DUP's lines and of the plan's cards.
fn references(v: &PlanView) -> Markup {
    let plan = &v.plan;
    html! {
        details {
            summary { "I codici da usare: linee del DUP e obiettivi del piano" }
            @if !plan.strategy.is_empty() {
                table {
                    caption { "Linee e assi del DUP" }
                    thead { tr { th scope="col" { "Codice" } th scope="col" { "Linea o asse" } } }
                    tbody {
                        @for l in &plan.strategy {
                            tr { th scope="row" { (l.id) } td { (l.title) } }
                            @for x in &l.axes { tr { th scope="row" { (x.id) } td { (x.text) } } }
                        }
                    }
                }
            }
            @if !plan.objectives.is_empty() {
                table {
                    caption { "Obiettivi del piano" }
                    thead { tr { th scope="col" { "Codice" } th scope="col" { "Obiettivo" } } }
                    tbody {
                        @for o in &plan.objectives { tr { th scope="row" { (o.id) } td { (o.title) } } }
                    }
                }
            }
        }
    }
}

fn piao_page(viewer: &Viewer, v: &PlanView, typed: Typed<'_>, status: StatusCode) -> Response {
    let current = piao_sent(v.plan.piao.as_ref());
    let s = typed.sent.unwrap_or(&current);
    let mut shown = typed.problems.clone();
    let findings = domain::validate(&v.plan);
    let elsewhere: Vec<Diagnostic> = shown
        .findings(&findings, field_of)
        .into_iter()
        .filter(|d| d.location.path.starts_with("piao"))
        .collect();
    let f = |id: &str| s.get(id).to_owned();
    let units: Vec<(String, String)> = std::iter::once((String::new(), "—".to_owned()))
        .chain(
            v.plan
                .units
                .iter()
                .map(|u| (u.id.to_string(), u.name.clone())),
        )
        .collect();
    let levels: Vec<(String, String)> = std::iter::once((String::new(), "non valutato".to_owned()))
        .chain(choices(
            RiskLevel::ALL,
            RiskLevel::as_str,
            labels::risk_level,
        ))
        .collect();
    let [vp, risks, measures, staff] = LISTS.map(|(_, count)| rows(s, count));
    let fields = html! {
        @for (_, count) in LISTS {
            input type="hidden" name=(count) value=(rows(s, count) - NEW_ROWS);
        }
        p class="nota" { "Nelle liste, una riga vuota in fondo aggiunge un elemento; una riga svuotata lo toglie. "
            "Gli obiettivi del piano si indicano con il loro codice (unità/lettera), separati da virgole." }
        (references(v))
        fieldset {
            legend { "Modello e sezione 1: scheda anagrafica" }
            (select(&shown, "modello", "Modello del PIAO", s.get("modello"), &choices(Layout::ALL, Layout::as_str, labels::layout)))
            (input(&shown, "cf", "Codice fiscale", &f("cf"), TEXT))
            (input(&shown, "indirizzo", "Sede", &f("indirizzo"), TEXT))
            (input(&shown, "pec", "PEC", &f("pec"), TEXT))
            (input(&shown, "sito", "Sito istituzionale", &f("sito"), TEXT))
            (input(&shown, "rappresentante", "Rappresentante legale", &f("rappresentante"), TEXT))
            (input(&shown, "dipendenti", "Personale al 31 dicembre dell'anno precedente", &f("dipendenti"), NUMBER))
        }
        h2 { "Sezione 2.1: valore pubblico" }
        @for i in 0..vp {
            fieldset {
                legend { "Obiettivo di valore pubblico " (i + 1) }
                input type="hidden" name=(format!("vp-{i}-codice")) value=(s.get(&format!("vp-{i}-codice")));
                (input(&shown, &format!("vp-{i}-titolo"), "Titolo", s.get(&format!("vp-{i}-titolo")), TEXT))
                (area(&shown, &format!("vp-{i}-descrizione"), "Descrizione", s.get(&format!("vp-{i}-descrizione")), 2))
                (input(&shown, &format!("vp-{i}-strategia"), "Linee o assi del DUP (codici, es. s1, s2.3)", s.get(&format!("vp-{i}-strategia")), TEXT))
                (input(&shown, &format!("vp-{i}-obiettivi"), "Obiettivi del piano che lo perseguono (codici)", s.get(&format!("vp-{i}-obiettivi")), TEXT))
            }
        }
        (area(&shown, "accessibilita", "Accessibilità fisica e digitale", &f("accessibilita"), 3))
        (area(&shown, "semplificazione", "Procedure da semplificare e digitalizzare", &f("semplificazione"), 3))
        h2 { "Sezione 2.3: rischi corruttivi e trasparenza" }
        (input(&shown, "rpct", "Responsabile della prevenzione della corruzione e della trasparenza (RPCT)", &f("rpct"), TEXT))
        (area(&shown, "contesto", "Contesto interno ed esterno", &f("contesto"), 3))
        @for i in 0..risks {
            fieldset {
                legend { "Rischio " (i + 1) }
                input type="hidden" name=(format!("rischio-{i}-codice")) value=(s.get(&format!("rischio-{i}-codice")));
                (select(&shown, &format!("rischio-{i}-area"), "Area", s.get(&format!("rischio-{i}-area")), &choices(RiskArea::ALL, RiskArea::as_str, labels::risk_area)))
                (input(&shown, &format!("rischio-{i}-processo"), "Processo", s.get(&format!("rischio-{i}-processo")), TEXT))
                (area(&shown, &format!("rischio-{i}-descrizione"), "Evento rischioso", s.get(&format!("rischio-{i}-descrizione")), 2))
                (select(&shown, &format!("rischio-{i}-livello"), "Livello", s.get(&format!("rischio-{i}-livello")), &levels))
            }
        }
        @for i in 0..measures {
            fieldset {
                legend { "Misura " (i + 1) }
                input type="hidden" name=(format!("misura-{i}-codice")) value=(s.get(&format!("misura-{i}-codice")));
                (select(&shown, &format!("misura-{i}-tipo"), "Tipo", s.get(&format!("misura-{i}-tipo")), &choices(MeasureKind::ALL, MeasureKind::as_str, labels::measure_kind)))
                (area(&shown, &format!("misura-{i}-testo"), "Misura", s.get(&format!("misura-{i}-testo")), 2))
                (input(&shown, &format!("misura-{i}-rischi"), "Rischi trattati (codici, es. r1, r2)", s.get(&format!("misura-{i}-rischi")), TEXT))
                (input(&shown, &format!("misura-{i}-obiettivi"), "Obiettivi del piano che la portano (codici)", s.get(&format!("misura-{i}-obiettivi")), TEXT))
                (select(&shown, &format!("misura-{i}-unita"), "Unità che la attua", s.get(&format!("misura-{i}-unita")), &units))
                (input(&shown, &format!("misura-{i}-scadenza"), "Scadenza", s.get(&format!("misura-{i}-scadenza")), DATE))
                (input(&shown, &format!("misura-{i}-indicatore"), "Indicatore", s.get(&format!("misura-{i}-indicatore")), TEXT))
            }
        }
        (area(&shown, "trasparenza", "Programmazione della trasparenza", &f("trasparenza"), 3))
        h2 { "Sezione 3: organizzazione e capitale umano" }
        (area(&shown, "struttura", "3.1 Struttura organizzativa: livelli di responsabilità", &f("struttura"), 3))
        (area(&shown, "lavoro-agile", "3.2 Organizzazione del lavoro agile", &f("lavoro-agile"), 3))
        @for i in 0..staff {
            fieldset {
                legend { "3.3 Profilo " (i + 1) }
                (input(&shown, &format!("personale-{i}-profilo"), "Profilo o categoria", s.get(&format!("personale-{i}-profilo")), TEXT))
                (input(&shown, &format!("personale-{i}-dipendenti"), "Personale al 31/12", s.get(&format!("personale-{i}-dipendenti")), NUMBER))
                (input(&shown, &format!("personale-{i}-assunzioni"), "Assunzioni previste nel triennio", s.get(&format!("personale-{i}-assunzioni")), NUMBER))
            }
        }
        (area(&shown, "fabbisogni", "3.3 Capacità assunzionale e copertura dei fabbisogni", &f("fabbisogni"), 3))
        (area(&shown, "formazione", "3.3 Formazione del personale", &f("formazione"), 3))
        h2 { "Sezione 4: monitoraggio" }
        (area(&shown, "monitoraggio", "Come si monitora ciascuna sezione (indagini di gradimento comprese)", &f("monitoraggio"), 3))
    };
    let before = html! {
        p { "La sezione 2.2 del PIAO è il piano della performance stesso. " a href=(paths::piao(v.id())) { "Le sezioni come le vede chi legge" } "." }
        (typed.notice())
        (findings_list(&elsewhere))
    };
    form_page(
        viewer,
        v,
        "Le sezioni del PIAO",
        paths::DraftPiao {
            plan: v.id().clone(),
        }
        .to_string(),
        before,
        fields,
        "Salva le sezioni del PIAO",
        status,
        None,
    )
}

pub async fn page(
    PlanPage {
        viewer, v, actor, ..
    }: PlanPage<paths::DraftPiao>,
) -> Result<Response, AppError> {
    v.may_draft(actor.as_ref(), None)
        .map_err(AppError::refused)?;
    Ok(piao_page(&viewer, &v, Typed::none(), StatusCode::OK))
}

pub async fn save(p: paths::DraftPiao, viewer: Viewer, s: Form) -> Result<Response, AppError> {
    let v = fresh(&s, &p.plan, None).await?;
    let form = sent(&s);
    if form.version() != v.summary.revision {
        let typed = Typed::stale(&form, &piao_sent(v.plan.piao.as_ref()));
        return Ok(piao_page(&viewer, &v, typed, StatusCode::CONFLICT));
    }
    let piao = match piao_of(&form) {
        Ok(piao) => piao,
        Err(problems) => {
            let typed = Typed::problems(&form, problems);
            return Ok(piao_page(
                &viewer,
                &v,
                typed,
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    let edit = Edit::Piao(Some(Box::new(piao)));
    let back = paths::DraftPiao {
        plan: p.plan.clone(),
    }
    .to_string();
    super::save(
        &s,
        &p.plan,
        &edit,
        |_| back,
        |now| {
            let typed = Typed::stale(&form, &piao_sent(now.plan.piao.as_ref()));
            piao_page(&viewer, now, typed, StatusCode::CONFLICT)
        },
    )
    .await
}
