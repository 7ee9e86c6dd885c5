//! Every Italian word the user sees about a plan comes from here, so another language can follow.

use chrono::{Datelike, NaiveDate};

use crate::deadline::{Anchor, Deadline, Offset, Relative, When};
use crate::diagnostic::Severity;
use crate::plan::{EntityKind, UnitKind};

mod changes;
mod diagnostics;
mod rollover;
mod scoring;

pub use changes::*;
pub use diagnostics::*;
pub use rollover::*;
pub use scoring::*;

pub fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "errore",
        Severity::Warning => "avviso",
        Severity::Info => "nota",
    }
}

pub fn severity_plural(s: Severity) -> &'static str {
    match s {
        Severity::Error => "errori",
        Severity::Warning => "avvisi",
        Severity::Info => "note",
    }
}

/// The kind of a unit, as a heading or a label says it.
pub fn unit_kind(kind: UnitKind) -> &'static str {
    match kind {
        UnitKind::Settore => "Settore",
        UnitKind::ServizioAutonomo => "Servizio autonomo",
        UnitKind::Area => "Area",
        UnitKind::Azienda => "Azienda",
        UnitKind::Ufficio => "Ufficio",
    }
}

/// The kind of an administration.
pub fn entity_kind(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Comune => "Comune",
        EntityKind::Provincia => "Provincia",
        EntityKind::CittaMetropolitana => "Città metropolitana",
        EntityKind::Regione => "Regione",
        EntityKind::UnioneDiComuni => "Unione di comuni",
        EntityKind::Altro => "Ente",
    }
}

/// `30/06/2021`, as the documents write dates.
pub fn date(d: NaiveDate) -> String {
    // Plain formatting: `format("%d/%m/%Y")` parses its pattern on every call.
    format!("{:02}/{:02}/{}", d.day(), d.month(), d.year())
}

/// A deadline in a few Italian words, for lists and tables.
pub fn deadline(d: &Deadline) -> String {
    let text = match &d.when {
        When::Date { date: day } => date(*day),
        When::Start { date: day } => format!("dal {}", date(*day)),
        When::DuringYear => "in corso d'anno".to_string(),
        When::Completed => "conclusa".to_string(),
        When::Relative(r) => relative(r),
        When::Unspecified => "nessuna".to_string(),
    };
    if d.tentative {
        format!("{text} (presunta)")
    } else {
        text
    }
}

fn relative(r: &Relative) -> String {
    let offset = match r.offset {
        Offset::Days(1) => "1 giorno".to_string(),
        Offset::Days(n) => format!("{n} giorni"),
        Offset::Months(1) => "1 mese".to_string(),
        Offset::Months(n) => format!("{n} mesi"),
    };
    match &r.anchor {
        Anchor::Phase { phase, point: None } => format!("{offset} dopo la fase {phase}"),
        Anchor::Phase {
            phase,
            point: Some(p),
        } => {
            format!("{offset} dopo il punto {p} della fase {phase}")
        }
        Anchor::Event(e) => format!("{offset} da: {e}"),
    }
}

/// A role, as a person reads it.
pub fn role(r: crate::access::Role) -> &'static str {
    use crate::access::Role;
    match r {
        Role::Admin => "Programmazione e Controllo",
        Role::Evaluator => "Nucleo di Valutazione",
        Role::Board => "Giunta",
        Role::Auditor => "revisore (sola lettura)",
        Role::Personnel => "Ufficio del personale",
        Role::Revisor => "revisore dei conti (tempi di pagamento)",
    }
}

/// A unit role.
pub fn unit_role(r: crate::access::UnitRole) -> &'static str {
    match r {
        crate::access::UnitRole::Head => "responsabile",
        crate::access::UnitRole::Member => "componente",
    }
}

/// Where a plan is in its cycle, as it reads after «il piano è».
pub fn plan_state(s: crate::workflow::PlanState) -> &'static str {
    use crate::workflow::PlanState;
    match s {
        PlanState::Draft => "in bozza",
        PlanState::Validated => "validato dal Nucleo di Valutazione",
        PlanState::Approved => "approvato dalla Giunta",
        PlanState::InExecution => "in esecuzione",
        PlanState::Measured => "misurato",
        PlanState::MeasureValidated => {
            "misurato, con la misurazione validata dal Nucleo di Valutazione"
        }
        PlanState::Published => "pubblicato con i suoi risultati",
    }
}

/// The button that performs an act.
pub fn act(k: crate::workflow::ActKind) -> &'static str {
    use crate::workflow::ActKind;
    match k {
        ActKind::Validate => "Valida il piano",
        ActKind::Approve => "Approva il piano",
        ActKind::Start => "Avvia l'esecuzione",
        ActKind::CloseMeasurement => "Chiudi la misurazione",
        ActKind::ValidateMeasurement => "Valida la misurazione",
        ActKind::Publish => "Pubblica i risultati",
        ActKind::SendBack => "Rinvia con motivazione",
        ActKind::Reopen => "Riapri la misurazione",
    }
}

/// Why an action is not open, as the person who asked reads it.
pub fn refusal(r: &crate::access::Refusal) -> String {
    use crate::access::Refusal;
    match r {
        Refusal::SignInRequired => "Per questa azione occorre accedere.".into(),
        Refusal::Role(roles) => {
            let names: Vec<&str> = roles.iter().map(|r| role(*r)).collect();
            format!("Spetta a: {}.", names.join(", "))
        }
        Refusal::NotYourUnit => {
            "Spetta al responsabile dell'unità per il periodo della fase, o a chi vi è assegnato."
                .into()
        }
        Refusal::State(s) => format!("Non è possibile ora: il piano è {}.", plan_state(*s)),
        Refusal::OtherAdministration => "Questo piano è di un'altra amministrazione.".into(),
        Refusal::PastDay => {
            "Si sta guardando il piano com'era in un giorno passato: per modificarlo, tornare \
             alla situazione di oggi."
                .into()
        }
        Refusal::Locked => {
            "Le misure sono state validate: per cambiarle serve l'atto che riapre la misurazione."
                .into()
        }
        Refusal::ReasonRequired => "Occorre scrivere la motivazione.".into(),
        Refusal::ActRequired => "Occorrono il numero e la data della deliberazione.".into(),
    }
}

/// Who made a change, as a history names them: people by username, the machine in words.
pub fn actor(name: &str) -> &str {
    match name {
        "system" => "sistema (avvio)",
        "cli" => "riga di comando",
        other => other,
    }
}

/// What an audit entry's action did, as a history reads it.
pub fn audit_action(action: &str) -> String {
    use crate::audit::AuditAction as A;
    let Some(kind) = A::parse(action) else {
        // A code of another version: shown as it is rather than hidden.
        return action.to_string();
    };
    let label = match kind {
        A::PlanAct(kind) => return format!("atto: {}", act(kind).to_lowercase()),
        A::PlanImport => "piano importato",
        A::PlanReplace => "piano sostituito da una nuova importazione",
        A::PlanRollover => "piano fatto dall'anno precedente",
        A::PlanEdit => "bozza del piano modificata",
        A::PlanCreate => "piano nuovo creato",
        A::PlanScoring => "regole di misurazione cambiate",
        A::PhaseEdit => "fase modificata",
        A::PhaseEvidence => "documento allegato a una fase",
        A::RoundOpen => "monitoraggio aperto",
        A::RoundClose => "monitoraggio chiuso",
        A::RoundReminder => "promemoria di monitoraggio inviato",
        A::IndicatorActual => "valore di un indicatore riferito",
        A::Neutralise => "neutralizzazione del Nucleo",
        A::NeutraliseLift => "neutralizzazione revocata",
        A::EventDate => "data di un evento registrata",
        A::ChangeRequest => "richiesta di modifica presentata",
        A::ChangeOpinion => "parere del Nucleo su una richiesta",
        A::ChangeApprove => "richiesta di modifica approvata dalla Giunta",
        A::ChangeReject => "richiesta di modifica respinta dalla Giunta",
        A::PersonAdd => "persona aggiunta",
        A::PersonDisable => "account disattivato",
        A::PersonEnable => "account riattivato",
        A::PersonResetPassword => "password reimpostata",
        A::PersonEmail => "indirizzo di posta cambiato",
        A::PersonCalendar => "calendario personale creato",
        A::PersonCalendarRevoke => "calendario personale revocato",
        A::SessionOpen => "accesso",
        A::SessionClose => "uscita",
        A::TokenAdd => "chiave API creata",
        A::TokenRevoke => "chiave API revocata",
        A::AuditHeadMissing => "anomalia: mancava la registrazione dell'ultima voce del registro",
        A::EvaluationSmvp => "sistema di misurazione e valutazione adottato",
        A::EvaluationOpen => "anno di valutazione aperto",
        A::EvaluationStaff => "personale da valutare aggiornato",
        A::SchedaStep => "passaggio di una scheda di valutazione",
        A::PoolBudget => "fondo per la premialità impostato",
        A::PoolPaymentTimes => "tempi di pagamento certificati dal revisore",
        A::PoolShare => "fondo per la premialità ripartito",
        A::RelazioneEdit => "Relazione sulla performance modificata",
        A::RelazioneApprove => "Relazione sulla performance approvata dalla Giunta",
        A::RelazioneValidate => "Relazione sulla performance esaminata dal Nucleo",
        A::RelazionePublish => "Relazione sulla performance pubblicata",
        A::EntityLicence => "licenza dei dati aperti scelta",
        A::EntityEmblem => "stemma dell'amministrazione cambiato",
    };
    label.to_string()
}

/// A field an audit entry records, as a history names it.
pub fn audit_field(key: &str) -> &str {
    match key {
        "description" => "descrizione",
        "weight_pct" => "incidenza %",
        "completed_on" => "conclusa il",
        "note" => "nota",
        "state" => "stato",
        "reason" => "motivazione",
        "board_act" => "deliberazione",
        "disabled" => "disattivato",
        "username" => "nome utente",
        "name" => "nome",
        "entity" => "ente",
        "roles" => "ruoli",
        "units" => "unità",
        "token" => "chiave",
        "title" => "titolo",
        "year" => "anno",
        "objectives" => "obiettivi",
        "revision" => "revisione",
        "status" => "stato riferito",
        "value" => "valore",
        "measured_on" => "misurato il",
        "source" => "fonte",
        "file" => "documento",
        "type" => "tipo",
        "size" => "dimensione (byte)",
        "sha256" => "impronta SHA-256",
        "email" => "posta elettronica",
        "as_of" => "data di riferimento",
        "last" => "ultimo",
        "event" => "evento",
        "day" => "giorno",
        "kind" => "tipo",
        "to" => "a",
        "act" => "atto",
        "date" => "data",
        "number" => "numero",
        "favourable" => "favorevole",
        "opinion" => "parere",
        "objective" => "obiettivo",
        "proposal" => "proposta",
        "version" => "versione",
        "phases" => "regole delle fasi",
        "indicators" => "regole degli indicatori",
        "phases_weight" => "peso delle fasi",
        "indicators_weight" => "peso degli indicatori",
        "units_weight" => "peso delle unità",
        other => other,
    }
}

/// Where a phase or objective stands, as its traffic light says it in words.
pub fn standing(s: crate::schedule::Standing) -> &'static str {
    use crate::schedule::Standing;
    match s {
        Standing::OnTrack => "nei tempi",
        Standing::AtRisk => "a rischio",
        Standing::Late => "in ritardo",
        Standing::DoneOnTime => "conclusa nei tempi",
        Standing::DoneLate => "conclusa in ritardo",
        Standing::NoDeadline => "senza scadenza",
    }
}

/// `20.000`: a count with the thousands marked as Italian does.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// `12 byte`, `4 kB`, `1,5 MB`: a file's size, with a decimal comma.
pub fn file_size(bytes: u64) -> String {
    if bytes < 1024 {
        format!("{bytes} byte")
    } else if bytes < 1024 * 1024 {
        format!("{} kB", bytes / 1024)
    } else {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0)).replace('.', ",")
    }
}
