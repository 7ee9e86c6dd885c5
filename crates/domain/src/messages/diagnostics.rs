//! The words of the plan's diagnostics: what validation and the importer find, each with
//! where.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::*;

pub fn phase_place(objective: &str, phase: &str) -> String {
    format!("obiettivo {objective}, fase {phase}")
}

// Diagnostics of the plan's rules.

pub fn period_invalid(from: i32, to: i32) -> String {
    format!("Il periodo del piano è incoerente: inizia nel {from} e finisce nel {to}.")
}

pub fn year_outside_period(year: i32, from: i32, to: i32) -> String {
    format!("L'anno del PEG ({year}) non è compreso nel periodo del piano ({from}-{to}).")
}

pub fn duplicate_id(what: &str, id: &str) -> String {
    format!("L'identificativo «{id}» è usato da più di un elemento ({what}).")
}

pub fn duplicate_phase_label(objective: &str, label: &str) -> String {
    format!("Nell'obiettivo {objective} la fase {label} compare più di una volta.")
}

pub fn duplicate_code(code: &str) -> String {
    format!("Il codice {code} compare più volte nella tabella di codifica dei responsabili.")
}

pub fn objective_id_mismatch(id: &str, expected: &str) -> String {
    format!("L'obiettivo «{id}» dovrebbe avere identificativo «{expected}» (unità/etichetta).")
}

pub fn unknown_unit(place: &str, unit: &str) -> String {
    format!("{place} rimanda all'unità «{unit}», che non è nel piano.")
}

pub fn unknown_responsible(place: &str, code: &str) -> String {
    format!("{place}: il codice responsabile «{code}» non è nella tabella di codifica.")
}

pub fn head_period(unit: &str, name: &str) -> String {
    format!("Nell'unità {unit} il mandato di {name} finisce prima di cominciare.")
}

pub fn no_phases(objective: &str) -> String {
    format!("L'obiettivo {objective} non ha fasi: non se ne potrà misurare l'avanzamento.")
}

pub fn weight_missing(objective: &str, phase: &str) -> String {
    format!(
        "Nell'obiettivo {objective} la fase {phase} non ha incidenza %: indicarla, \
         o il peso mancante sarà ripartito secondo il sistema di misurazione."
    )
}

pub fn weights_sum(objective: &str, year: i32, sum: Decimal) -> String {
    format!(
        "Nell'obiettivo {objective} le incidenze delle fasi dell'annualità {year} sommano a {}% invece che a 100%.",
        sum.normalize()
    )
}

pub fn unknown_phase(objective: &str, phase: &str, target: &str) -> String {
    format!(
        "Nell'obiettivo {objective} la scadenza della fase {phase} decorre dalla fase {target}, che non esiste."
    )
}

pub fn deadline_cycle(objective: &str, phases: &[String]) -> String {
    format!(
        "Nell'obiettivo {objective} le scadenze delle fasi {} dipendono l'una dall'altra in cerchio: \
         nessuna si può calcolare.",
        phases.join(" → ")
    )
}

pub fn deadline_outside_period(place: &str, day: NaiveDate, from: i32, to: i32) -> String {
    format!(
        "{place}: la scadenza {} cade fuori dal periodo del piano ({from}-{to}).",
        date(day)
    )
}

pub fn survey_sum(service: &str, sum: Decimal) -> String {
    format!(
        "Nell'indagine di soddisfazione «{service}» i giudizi sommano a {}% invece che a 100%.",
        sum.normalize()
    )
}

// Diagnostics of reading a document.

pub fn unplaced_line(text: &str) -> String {
    format!(
        "Questa riga non è stata collocata in nessun campo del piano: «{}».",
        excerpt(text)
    )
}

pub fn deadline_unrecognised(place: &str, text: &str) -> String {
    format!(
        "{place}: la scadenza «{}» non è stata riconosciuta; è conservata come testo.",
        excerpt(text)
    )
}

pub fn weight_unreadable(place: &str, text: &str) -> String {
    format!(
        "{place}: l'incidenza «{}» non è una percentuale tra 0 e 100.",
        excerpt(text)
    )
}

pub fn missing_field(place: &str, field: &str) -> String {
    format!("{place}: manca il campo «{field}».")
}

pub fn no_objectives() -> String {
    "Nel documento non è stata trovata nessuna scheda obiettivo (righe «Obiettivo A: …»)."
        .to_string()
}

pub fn unmatched_row(table: &str, text: &str) -> String {
    format!(
        "{table}: la riga «{}» non corrisponde a nessuna unità del piano.",
        excerpt(text)
    )
}

pub fn invalid_json(detail: &str) -> String {
    format!("Il file non è un JSON valido: {detail}.")
}

pub fn schema(detail: &str) -> String {
    format!("Il documento non rispetta lo schema pegaso.plan/1: {detail}.")
}

/// At most 80 characters of a line, to quote it in a message.
fn excerpt(text: &str) -> String {
    let t = text.trim();
    if t.chars().count() <= 80 {
        t.to_string()
    } else {
        let cut: String = t.chars().take(79).collect();
        format!("{cut}…")
    }
}

// Diagnostics of the PIAO's sections.

pub fn unknown_objective(place: &str, objective: &str) -> String {
    format!("{place} rimanda all'obiettivo «{objective}», che non è nel piano.")
}

pub fn unknown_strategy(place: &str, id: &str) -> String {
    format!("{place} rimanda alla linea strategica «{id}», che non è nel piano.")
}

pub fn unknown_risk(place: &str, id: &str) -> String {
    format!("{place} rimanda al rischio «{id}», che non è nella mappatura.")
}

pub fn piao_section_missing(number: &str, title: &str, layout: &str) -> String {
    format!("La sezione {number} del PIAO ({title}) è richiesta nel modello {layout}, ma è vuota.")
}

pub fn piao_simplified_staff(staff: u32, limit: u32) -> String {
    format!(
        "Il PIAO semplificato è riservato alle amministrazioni con meno di {limit} dipendenti: la \
         scheda anagrafica ne indica {staff}."
    )
}

pub fn piao_risk_areas(missing: &[&str]) -> String {
    format!(
        "La mappatura dei rischi comprende almeno le aree della legge 190/2012; manca: {}.",
        missing.join(", ")
    )
}

pub fn entity_code(code: &str) -> String {
    format!(
        "Il codice IPA «{code}» non è valido: da 2 a 20 lettere, cifre o trattini bassi \
         (per esempio c_a182)."
    )
}
