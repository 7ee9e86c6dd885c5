//! An objective card written in the browser while the plan is a draft: every field of the
//! card, its phases (each with its weight, the units responsible by their code and a deadline
//! of any kind; added in the empty rows, ordered by their number, removed by their box) and its
//! indicators. The form shows what it was given: on a problem, the values typed stay, each
//! problem beside its field.

use domain::deadline::{Parts, PartsError, kind_word};
use domain::limits::Field;
use domain::{Deadline, Objective, ObjectiveLabel, Percent, Phase, PhaseLabel, UnitId};
use maud::{Markup, html};

use super::fields::{
    self, DATE, DECIMAL, NUMBER, Problems, REQUIRED, Sent, TEXT, area, input, select,
};

/// Empty phase rows offered below the card's phases, to add new ones.
const NEW_ROWS: usize = 3;

/// The text fields of a card after its title: id, label, the card's field, and the plan's
/// name of that field.
const TEXTS: [(&str, &str, &str); 9] = [
    ("finalita", "Finalità strategiche", "strategic_purpose"),
    (
        "direttive",
        "Direttive specifiche - descrizione",
        "directives",
    ),
    ("tempistica", "Tempistica", "timing"),
    ("risultato", "Risultato atteso", "expected_result"),
    (
        "raggiunto",
        "Obiettivo raggiunto al 100%",
        "full_achievement",
    ),
    ("non-raggiunto", "Obiettivo non raggiunto", "not_achieved"),
    ("vincoli", "Vincoli", "constraints"),
    ("risorse-umane", "Risorse umane", "human_resources"),
    (
        "risorse-finanziarie",
        "Risorse finanziarie",
        "financial_resources",
    ),
];

fn text_of<'a>(o: &'a Objective, field: &str) -> &'a Option<String> {
    match field {
        "strategic_purpose" => &o.strategic_purpose,
        "directives" => &o.directives,
        "timing" => &o.timing,
        "expected_result" => &o.expected_result,
        "full_achievement" => &o.full_achievement,
        "not_achieved" => &o.not_achieved,
        "constraints" => &o.constraints,
        "human_resources" => &o.human_resources,
        _ => &o.financial_resources,
    }
}

fn text_mut<'a>(o: &'a mut Objective, field: &str) -> &'a mut Option<String> {
    match field {
        "strategic_purpose" => &mut o.strategic_purpose,
        "directives" => &mut o.directives,
        "timing" => &mut o.timing,
        "expected_result" => &mut o.expected_result,
        "full_achievement" => &mut o.full_achievement,
        "not_achieved" => &mut o.not_achieved,
        "constraints" => &mut o.constraints,
        "human_resources" => &mut o.human_resources,
        _ => &mut o.financial_resources,
    }
}

/// The form's fields for a card as it stands.
pub fn sent_of(o: &Objective) -> Sent {
    let mut s = Vec::new();
    let mut put = |k: String, v: String| s.push((k, v));
    put("unita".into(), o.unit.to_string());
    put("etichetta".into(), o.label.to_string());
    put("titolo".into(), o.title.clone());
    for (id, _, field) in TEXTS {
        put(id.into(), text_of(o, field).clone().unwrap_or_default());
    }
    deadline_sent(
        &mut put,
        "finale",
        Some(&o.final_deadline),
        &o.final_deadline_text,
    );
    deadline_sent(
        &mut put,
        "annualita",
        o.year_deadline.as_ref(),
        o.year_deadline_text.as_deref().unwrap_or(""),
    );
    put("fasi".into(), o.phases.len().to_string());
    for (j, p) in o.phases.iter().enumerate() {
        let f = |name: &str| format!("fase-{j}-{name}");
        put(f("ordine"), (j + 1).to_string());
        put(f("etichetta"), p.label.to_string());
        put(f("descrizione"), p.description.clone());
        put(
            f("incidenza"),
            p.weight_pct.map(|w| w.to_string()).unwrap_or_default(),
        );
        put(f("responsabili"), p.responsible.join(", "));
        deadline_sent(
            &mut put,
            &format!("fase-{j}"),
            Some(&p.deadline),
            &p.deadline_text,
        );
    }
    put("indicatori".into(), o.indicators.join("\n"));
    Sent(s)
}

fn deadline_sent(put: &mut impl FnMut(String, String), at: &str, d: Option<&Deadline>, text: &str) {
    let f = |name: &str| format!("{at}-{name}");
    let p = d.map(Deadline::parts).unwrap_or_default();
    put(f("tipo"), p.kind.to_owned());
    put(f("data"), fields::date_value(p.date));
    put(
        f("fase"),
        p.phase.map(|l| l.to_string()).unwrap_or_default(),
    );
    put(f("punto"), p.point.unwrap_or_default());
    put(f("evento"), p.event.unwrap_or_default());
    put(
        f("giorni"),
        p.days.map(|n| n.to_string()).unwrap_or_default(),
    );
    put(
        f("mesi"),
        p.months.map(|n| n.to_string()).unwrap_or_default(),
    );
    if p.tentative {
        put(f("presunta"), "si".into());
    }
    put(f("testo"), text.to_owned());
}

/// How many phase rows the form sent (bounded: a form cannot ask for more than it could show).
fn rows(sent: &Sent) -> usize {
    sent.get("fasi")
        .trim()
        .parse::<usize>()
        .unwrap_or(0)
        .min(500)
        + NEW_ROWS
}

/// The rows a form shown again keeps: up to the last one with something written in it (the
/// empty rows to add phases come after them).
fn kept_rows(sent: &Sent) -> usize {
    (0..rows(sent))
        .rev()
        .find(|j| {
            ["etichetta", "descrizione", "incidenza"]
                .iter()
                .any(|n| !sent.get(&format!("fase-{j}-{n}")).trim().is_empty())
        })
        .map_or(0, |j| j + 1)
}

/// The card the form describes, or its problems. `units` are those it may belong to.
pub fn card_of(sent: &Sent, units: &[&UnitId]) -> Result<Objective, Problems> {
    let mut p = Problems::default();
    let unit = units
        .iter()
        .find(|u| u.as_str() == sent.get("unita"))
        .map(|u| (*u).clone());
    if unit.is_none() {
        p.add(
            "unita",
            "Scegliere l'unità della scheda tra quelle dell'elenco.",
        );
    }
    let label = p.parsed(
        "etichetta",
        sent.get("etichetta"),
        "l'obiettivo si indica con 1-4 lettere o cifre (A, B, 1)",
        ObjectiveLabel::parse,
    );
    if sent.get("etichetta").trim().is_empty() {
        p.add(
            "etichetta",
            "Indicare la lettera o il numero dell'obiettivo (A, B, 1).",
        );
    }
    let title = p.required("titolo", Field::ObjectiveTitle, sent.get("titolo"));
    let (Some(unit), Some(label)) = (unit, label) else {
        return Err(p);
    };
    let mut o = domain::drafting::blank_objective(&unit, label);
    o.title = title;
    for (id, _, field) in TEXTS {
        *text_mut(&mut o, field) = p.optional(id, Field::ObjectiveText, sent.get(id));
    }
    o.final_deadline = deadline(&mut p, sent, "finale").unwrap_or_else(Deadline::unspecified);
    o.final_deadline_text = p.text(
        "finale-testo",
        Field::DeadlineText,
        sent.get("finale-testo"),
    );
    o.year_deadline = deadline(&mut p, sent, "annualita");
    o.year_deadline_text = p.optional(
        "annualita-testo",
        Field::DeadlineText,
        sent.get("annualita-testo"),
    );
    let mut phases: Vec<(u32, usize, Phase)> = Vec::new();
    for j in 0..rows(sent) {
        let f = |name: &str| format!("fase-{j}-{name}");
        let blank = ["etichetta", "descrizione", "incidenza"]
            .iter()
            .all(|n| sent.get(&f(n)).trim().is_empty());
        if blank || sent.ticked(&f("elimina")) {
            continue;
        }
        let order = p.number::<u32>(&f("ordine"), sent.get(&f("ordine")));
        let label = p.parsed(
            &f("etichetta"),
            sent.get(&f("etichetta")),
            "una fase si indica con un numero, e una lettera per le sotto-fasi (1, 2, 1a)",
            PhaseLabel::parse,
        );
        if sent.get(&f("etichetta")).trim().is_empty() {
            p.add(f("etichetta"), "Indicare il numero della fase (1, 2, 1a).");
        }
        let description = p.required(
            &f("descrizione"),
            Field::PhaseDescription,
            sent.get(&f("descrizione")),
        );
        let weight = sent
            .get(&f("incidenza"))
            .trim()
            .trim_end_matches('%')
            .replace(',', ".");
        let weight_pct = p.parsed(
            &f("incidenza"),
            weight.trim(),
            "l'incidenza è un numero tra 0 e 100",
            |w| w.parse::<Percent>(),
        );
        let responsible: Vec<String> = sent
            .get(&f("responsabili"))
            .split([',', ';', '\n'])
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect();
        let deadline =
            deadline(&mut p, sent, &format!("fase-{j}")).unwrap_or_else(Deadline::unspecified);
        let deadline_text = p.text(&f("testo"), Field::DeadlineText, sent.get(&f("testo")));
        if let Some(label) = label {
            phases.push((
                order.unwrap_or(u32::try_from(j + 1).unwrap_or(u32::MAX)),
                j,
                Phase {
                    label,
                    description,
                    weight_pct,
                    responsible,
                    deadline,
                    deadline_text,
                },
            ));
        }
    }
    phases.sort_by_key(|(order, j, _)| (*order, *j));
    o.phases = phases.into_iter().map(|(_, _, phase)| phase).collect();
    for line in sent.get("indicatori").lines() {
        if let Some(text) = p.optional("indicatori", Field::IndicatorText, line) {
            o.indicators.push(text);
        }
    }
    if p.is_empty() { Ok(o) } else { Err(p) }
}

/// The deadline of the fields after `at`; `None` when no kind is chosen.
fn deadline(p: &mut Problems, sent: &Sent, at: &str) -> Option<Deadline> {
    let f = |name: &str| format!("{at}-{name}");
    let kind = kind_word::ALL
        .iter()
        .find(|k| **k == sent.get(&f("tipo")))
        .copied()?;
    let parts = Parts {
        kind,
        date: p.date(&f("data"), sent.get(&f("data"))),
        phase: p.parsed(
            &f("fase"),
            sent.get(&f("fase")),
            "una fase si indica con un numero (1, 2, 1a)",
            PhaseLabel::parse,
        ),
        point: Some(sent.get(&f("punto")).trim().to_owned()).filter(|t| !t.is_empty()),
        event: p.optional(&f("evento"), Field::DeadlineText, sent.get(&f("evento"))),
        days: p.number(&f("giorni"), sent.get(&f("giorni"))),
        months: p.number(&f("mesi"), sent.get(&f("mesi"))),
        tentative: sent.ticked(&f("presunta")),
    };
    match Deadline::from_parts(parts) {
        Ok(d) => Some(d),
        Err(lacks) => {
            for lack in lacks {
                let part = match lack {
                    PartsError::Date(_) => "data",
                    PartsError::Phase => "fase",
                    PartsError::Event => "evento",
                    PartsError::Offset(_) => "giorni",
                };
                let message = lack.to_string();
                let mut first = message.chars();
                let message = first
                    .next()
                    .map(|c| c.to_uppercase().chain(first).collect::<String>())
                    .unwrap_or_default();
                p.add(f(part), message);
            }
            None
        }
    }
}

/// Where in this form a finding of the plan's rules about card `index` goes.
pub fn field_of(index: usize, path: &str) -> Option<String> {
    let rest = path.strip_prefix(&format!("objectives[{index}]"))?;
    let rest = rest.strip_prefix('.').unwrap_or(rest);
    if let Some(phase) = rest.strip_prefix("phases[") {
        let (j, field) = phase.split_once(']')?;
        let field = field.trim_start_matches('.');
        let id = match field {
            "label" => "etichetta",
            "description" => "descrizione",
            "weight_pct" => "incidenza",
            "responsible" => "responsabili",
            "deadline_text" => "testo",
            _ => "tipo",
        };
        return Some(format!("fase-{j}-{id}"));
    }
    if rest.starts_with("indicators") {
        return Some("indicatori".into());
    }
    Some(
        match rest {
            "" | "id" | "label" => "etichetta",
            "unit" => "unita",
            "title" => "titolo",
            "phases" => "fasi-insieme",
            "final_deadline" => "finale-tipo",
            "final_deadline_text" => "finale-testo",
            "year_deadline" => "annualita-tipo",
            "year_deadline_text" => "annualita-testo",
            other => TEXTS
                .iter()
                .find(|(_, _, field)| *field == other)
                .map_or("titolo", |(id, _, _)| id),
        }
        .to_owned(),
    )
}

/// The form's fields, with `units` to choose from (code and name).
pub fn form_fields(sent: &Sent, problems: &Problems, units: &[(String, String)]) -> Markup {
    html! {
        (select(problems, "unita", "Unità", sent.get("unita"), units))
        (input(problems, "etichetta", "Obiettivo (lettera o numero: A, B, 1)", sent.get("etichetta"), REQUIRED))
        (area(problems, "titolo", "Titolo", sent.get("titolo"), 2))
        @for (id, label, _) in TEXTS {
            (area(problems, id, label, sent.get(id), 3))
        }
        (deadline_fields(sent, problems, "finale", "Scadenza finale per il raggiungimento dell'obiettivo", false))
        (deadline_fields(sent, problems, "annualita", "Scadenza dell'annualità (solo se la scheda ne indica una)", true))
        fieldset id="fasi-insieme" aria-describedby=[fields::described(problems, "fasi-insieme")] {
            legend { "Fasi" }
            (fields::problems_of(problems, "fasi-insieme"))
            p class="nota" { "Le fasi seguono il loro numero d'ordine; le righe vuote in fondo servono ad aggiungerne. "
                "Le incidenze delle fasi dell'anno sommano a 100." }
            @let kept = kept_rows(sent);
            input type="hidden" name="fasi" value=(kept);
            @for j in 0..kept + NEW_ROWS {
                (phase_fields(sent, problems, j))
            }
        }
        (area(problems, "indicatori", "Indicatori di risultato (uno per riga)", sent.get("indicatori"), 4))
    }
}

fn phase_fields(sent: &Sent, problems: &Problems, j: usize) -> Markup {
    let f = |name: &str| format!("fase-{j}-{name}");
    let label = sent.get(&f("etichetta"));
    html! {
        fieldset class="fase" {
            legend { @if label.is_empty() { "Nuova fase" } @else { "Fase " (label) } }
            (input(problems, &f("ordine"), "Ordine", &Some(sent.get(&f("ordine"))).filter(|o| !o.is_empty()).map_or_else(|| (j + 1).to_string(), str::to_owned), NUMBER))
            (input(problems, &f("etichetta"), "Numero della fase (1, 2, 1a)", label, TEXT))
            (area(problems, &f("descrizione"), "Descrizione", sent.get(&f("descrizione")), 2))
            (input(problems, &f("incidenza"), "Incidenza % (vuota se la scheda non la indica)", sent.get(&f("incidenza")), DECIMAL))
            (input(problems, &f("responsabili"), "Responsabili coinvolti (codici della codifica, separati da virgole)", sent.get(&f("responsabili")), TEXT))
            (deadline_fields(sent, problems, &format!("fase-{j}"), "Scadenza", false))
            @if !label.is_empty() {
                p class="scelta" {
                    input type="checkbox" id=(f("elimina")) name=(f("elimina")) value="si";
                    label for=(f("elimina")) { "Elimina questa fase" }
                }
            }
        }
    }
}

fn deadline_fields(
    sent: &Sent,
    problems: &Problems,
    at: &str,
    legend: &str,
    optional: bool,
) -> Markup {
    let f = |name: &str| format!("{at}-{name}");
    let mut kinds: Vec<(String, String)> = Vec::new();
    if optional {
        kinds.push((String::new(), "non indicata".into()));
    }
    kinds.extend(
        kind_word::ALL
            .iter()
            .map(|k| ((*k).to_owned(), (*k).to_owned())),
    );
    let kind = sent.get(&f("tipo"));
    let kind = if kind.is_empty() && !optional {
        kind_word::NONE
    } else {
        kind
    };
    html! {
        fieldset class="scadenza" {
            legend { (legend) }
            (select(problems, &f("tipo"), "Tipo di scadenza", kind, &kinds))
            (input(problems, &f("data"), "Data (per «data» e «inizio»)", sent.get(&f("data")), DATE))
            (input(problems, &f("fase"), "Dopo la fase (per «dopo una fase»)", sent.get(&f("fase")), TEXT))
            (input(problems, &f("punto"), "Punto della fase, se la scheda lo indica", sent.get(&f("punto")), TEXT))
            (input(problems, &f("evento"), "Evento (per «dopo un evento»)", sent.get(&f("evento")), TEXT))
            (input(problems, &f("giorni"), "Giorni dopo", sent.get(&f("giorni")), NUMBER))
            (input(problems, &f("mesi"), "oppure mesi dopo", sent.get(&f("mesi")), NUMBER))
            p class="scelta" {
                input type="checkbox" id=(f("presunta")) name=(f("presunta")) value="si" checked[sent.ticked(&f("presunta"))];
                label for=(f("presunta")) { "Presunta («presumibilmente»)" }
            }
            (input(problems, &f("testo"), "La scadenza come la scrive la scheda", sent.get(&f("testo")), TEXT))
        }
    }
}
