//! The words of change requests and of what people type: their states, proposals and
//! errors, the limits on text and dates, the errors of acts and phase edits.

use super::*;

/// Where a change request is.
pub fn request_state(s: crate::change::RequestState) -> &'static str {
    use crate::change::RequestState;
    match s {
        RequestState::Requested => "in attesa del parere del Nucleo",
        RequestState::Opined => "in attesa della decisione della Giunta",
        RequestState::Approved => "approvata",
        RequestState::Rejected => "respinta",
    }
}

/// What a difference between versions, or a change request, is about.
pub fn change_field(f: crate::change::Field, o: &crate::plan::Objective) -> String {
    use crate::change::Field;
    let phase = |i: usize| {
        o.phases
            .get(i)
            .map_or_else(|| (i + 1).to_string(), |p| p.label.to_string())
    };
    match f {
        Field::Title => "Titolo".into(),
        Field::Target => "Risultato atteso".into(),
        Field::Indicator(i) => format!("Indicatore {}", i + 1),
        Field::PhaseDescription(i) => format!("Fase {}: descrizione", phase(i)),
        Field::PhaseWeight(i) => format!("Fase {}: incidenza %", phase(i)),
        Field::PhaseDeadline(i) => format!("Fase {}: scadenza", phase(i)),
        Field::FinalDeadline => "Scadenza finale".into(),
        Field::Objective => "Obiettivo".into(),
    }
}

/// What a field held on one side of a difference between versions, in words (a dash where
/// it held nothing).
pub fn change_value(v: Option<&crate::change::Value>) -> String {
    use crate::change::Value;
    match v {
        Some(Value::Text(text)) => text.clone(),
        Some(Value::Weight(w)) => w.to_string(),
        Some(Value::Deadline(d)) => deadline(d),
        None => "—".into(),
    }
}

/// A change request's proposal, in words.
pub fn proposal(p: &crate::change::Proposal, o: &crate::plan::Objective) -> String {
    use crate::change::Proposal;
    let phase = |i: usize| {
        o.phases
            .get(i)
            .map_or_else(|| (i + 1).to_string(), |p| p.label.to_string())
    };
    match p {
        Proposal::Deadline { phase: i, date: d } => {
            format!(
                "Spostare la scadenza della fase {} al {}",
                phase(*i),
                date(*d)
            )
        }
        Proposal::Weight {
            phase: i,
            weight: Some(w),
        } => {
            format!("Portare l'incidenza della fase {} al {w}%", phase(*i))
        }
        Proposal::Weight {
            phase: i,
            weight: None,
        } => {
            format!("Togliere l'incidenza della fase {}", phase(*i))
        }
        Proposal::Target { text } => format!("Risultato atteso: «{text}»"),
        Proposal::Indicator { position, text } => {
            format!("Indicatore {}: «{text}»", position + 1)
        }
    }
}

/// Why a change request does not fit its objective.
pub fn change_error(e: &crate::change::ChangeError) -> String {
    use crate::change::ChangeError as E;
    match e {
        E::NoObjective => "L'obiettivo non c'è più nel piano.".into(),
        E::NoPhase(i) => format!("L'obiettivo non ha la fase {}.", i + 1),
        E::NoIndicator(i) => format!("L'obiettivo non ha l'indicatore {}.", i + 1),
        E::Empty => "Il nuovo testo non può essere vuoto.".into(),
        E::Unchanged => "La proposta non cambia nulla rispetto al piano in vigore.".into(),
        E::OutsidePeriod => "La data è fuori dal periodo del piano.".into(),
    }
}

/// A text field, as a message about it names it.
pub fn field(f: crate::limits::Field) -> &'static str {
    use crate::limits::Field as F;
    match f {
        F::PlanTitle => "Il titolo del piano",
        F::EntityName => "Il nome dell'amministrazione",
        F::StrategyTitle => "Il titolo della linea strategica",
        F::AxisText => "Il testo dell'asse strategico",
        F::ResponsibleTitle => "La descrizione del responsabile",
        F::UnitName => "Il nome dell'unità",
        F::HeadName => "Il nome del responsabile",
        F::HeadRole => "Il ruolo del responsabile",
        F::UnitFunction => "La funzione dell'unità",
        F::ObjectiveTitle => "Il titolo dell'obiettivo",
        F::ObjectiveText => "Il testo della scheda",
        F::DeadlineText => "Il testo della scadenza",
        F::PhaseDescription => "La descrizione della fase",
        F::IndicatorText => "Il testo dell'indicatore",
        F::ServiceName => "Il nome del servizio",
        F::PiaoText => "Il testo della sezione del PIAO",
        F::PiaoLine => "La voce del PIAO",
        F::PhaseNote => "La nota",
        F::Reason => "La motivazione",
        F::Opinion => "La motivazione del parere",
        F::ProposedValue => "Il nuovo valore",
        F::BoardActNumber => "Il numero della deliberazione",
        F::RoundName => "Il nome del monitoraggio",
        F::IndicatorSource => "La fonte",
        F::ScoringRules => "Le regole",
        F::Username => "Il nome utente",
        F::PersonName => "Il nome",
        F::Email => "L'indirizzo e-mail",
        F::Password => "La password",
        F::TokenName => "Il nome del token",
        F::FileName => "Il nome del file",
        F::SearchQuery => "Il testo da cercare",
    }
}

/// Why a text was refused.
pub fn text_error(e: &crate::limits::TextError) -> String {
    use crate::limits::TextError as E;
    match e {
        E::TooLong { field: f, max } => {
            format!("{}: al massimo {} caratteri.", field(*f), thousands(*max))
        }
        E::LineBreak { field: f } => format!("{}: deve stare su una sola riga.", field(*f)),
        E::Empty { field: f } => format!("{}: campo obbligatorio.", field(*f)),
    }
}

/// Why an act's details are refused.
pub fn act_detail_error(e: &crate::workflow::DetailError) -> String {
    match e {
        crate::workflow::DetailError::Text(t) => text_error(t),
        crate::workflow::DetailError::Date(d) => {
            date_out_of_range("La data della deliberazione", d)
        }
    }
}

/// A plan's year that no plan can have.
pub fn plan_year_implausible(year: i32) -> String {
    format!(
        "L'anno del piano ({year}) non è plausibile: dev'essere tra il {} e il {}.",
        crate::limits::PLAN_YEARS.start(),
        crate::limits::PLAN_YEARS.end()
    )
}

/// A date outside what a plan can mention.
pub fn date_out_of_range(what: &str, e: &crate::limits::DateOutOfRange) -> String {
    format!(
        "{what}: la data dev'essere tra il {} e il {}.",
        date(e.first),
        date(e.last)
    )
}

/// Why a date typed for a plan is refused; `what` names it (`La data di conclusione`).
pub fn plan_date_error(what: &str, e: &crate::phase_edit::DateError) -> String {
    match e {
        crate::phase_edit::DateError::Unreadable => format!("{what} non è valida (AAAA-MM-GG)."),
        crate::phase_edit::DateError::OutOfRange(e) => date_out_of_range(what, e),
    }
}

/// Why a phase's edit is refused.
pub fn phase_edit_error(e: &crate::phase_edit::EditError) -> String {
    use crate::phase_edit::{EditError as E, Mode};
    match e {
        E::OtherMode(Mode::Plan, _) => {
            "Il piano è in bozza: qui si cambiano descrizione e incidenza, non l'avanzamento."
                .into()
        }
        E::OtherMode(Mode::Progress, state) => format!(
            "Il piano è {}: qui si registra solo l'avanzamento (conclusione, nota).",
            plan_state(*state)
        ),
        E::Text(t) => text_error(t),
        E::Weight => "L'incidenza dev'essere un numero da 0 a 100.".into(),
        E::Date(d) => plan_date_error("La data di conclusione", d),
        E::Status => "Lo stato della fase è uno tra: non avviata, in corso, conclusa.".into(),
        E::DoneWithoutDate => "Per una fase conclusa serve la data di conclusione.".into(),
        E::DateNotDone => "Una fase con la data di conclusione è conclusa: scegliere «conclusa» o \
                           togliere la data."
            .into(),
    }
}

/// Why a draft with errors cannot be validated.
pub fn plan_has_errors(errors: usize) -> String {
    let (n, what) = if errors == 1 {
        ("un".to_owned(), "errore")
    } else {
        (errors.to_string(), "errori")
    };
    format!(
        "Il piano ha {n} {what} da correggere prima della validazione: li elenca la pagina «Scrivi il piano»."
    )
}
