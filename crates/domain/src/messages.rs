//! Every Italian word the user sees about a plan comes from here, so another language can follow.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::deadline::{Anchor, Deadline, Offset, Relative, When};
use crate::diagnostic::Severity;
use crate::plan::{EntityKind, UnitKind};

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

/// A role, as a person reads it.
pub fn role(r: crate::access::Role) -> &'static str {
    use crate::access::Role;
    match r {
        Role::Admin => "Programmazione e Controllo",
        Role::Evaluator => "Nucleo di Valutazione",
        Role::Board => "Giunta",
        Role::Auditor => "revisore (sola lettura)",
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

/// Why a plan's scoring settings do not fit it.
pub fn settings_error(e: &crate::scoring::engine::SettingsError) -> String {
    use crate::scoring::engine::SettingsError as E;
    match e {
        E::Json(detail) => format!("Le regole di misurazione non sono leggibili: {detail}."),
        E::UnknownObjective(id) => format!("Il piano non ha l'obiettivo «{id}»."),
        E::UnknownUnit(id) => format!("Il piano non ha l'unità «{id}»."),
        E::UnknownIndicator {
            objective,
            position,
            count,
        } => format!(
            "L'obiettivo «{objective}» elenca {count} indicatori: l'indicatore {position} non c'è."
        ),
        E::DuplicateIndicator {
            objective,
            position,
        } => format!("L'indicatore {position} dell'obiettivo «{objective}» ha due regole."),
        E::ActualInRule {
            objective,
            position,
        } => format!(
            "L'indicatore {position} dell'obiettivo «{objective}»: il valore effettivo viene dal \
             monitoraggio, non dalla regola."
        ),
        E::NegativeWeight => "Un peso non può essere negativo.".into(),
        E::NoWeight => "Fasi e indicatori non possono pesare entrambi zero.".into(),
        E::OutOfRange => format!(
            "Un numero delle regole è troppo grande: al massimo {} in valore assoluto.",
            crate::scoring::engine::LIMIT
        ),
        E::NoRoom => "Il punteggio massimo (max_score) dev'essere maggiore di zero.".into(),
        E::InvalidRule {
            objective,
            position,
            error,
        } => format!(
            "L'indicatore {position} dell'obiettivo «{objective}» non si può calcolare: {}",
            score_error(error)
        ),
    }
}

/// Why an indicator's rule cannot give a score.
pub fn score_error(e: &crate::scoring::indicator::ScoreError) -> String {
    use crate::scoring::indicator::ScoreError as E;
    match e {
        E::Missing(field) => format!("la regola richiede il valore «{field}»."),
        E::LimitsOrder => "i limiti vanno in ordine: minimo ≤ target ≤ massimo (≤ eccellenza), \
                           o tutti al contrario."
            .into(),
    }
}

/// A phase's status as its unit reports it.
pub fn report_status(s: crate::monitoring::ReportStatus) -> &'static str {
    use crate::monitoring::ReportStatus;
    match s {
        ReportStatus::NotStarted => "non avviata",
        ReportStatus::InProgress => "in corso",
        ReportStatus::Done => "conclusa",
    }
}

/// A score for display: two decimals, half up, with the Italian comma (`72,50`).
pub fn score(d: Decimal) -> String {
    let r = d.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    format!("{r:.2}").replace('.', ",")
}

/// A number as the pages write it: its own decimals, the Italian comma.
pub fn number(d: Decimal) -> String {
    d.normalize().to_string().replace('.', ",")
}

/// How phases become a score, in words.
pub fn phase_method(rules: &crate::scoring::phases::PhaseRules) -> String {
    use crate::scoring::phases::{EmptyWeights, PhaseMethod};
    let method = match rules.method {
        PhaseMethod::AllOrNothing { by_final: false } => {
            "tutto o niente: 100 se ogni fase è conclusa entro la sua scadenza, altrimenti 0"
                .to_string()
        }
        PhaseMethod::AllOrNothing { by_final: true } => {
            "tutto o niente: 100 se ogni fase è conclusa entro la scadenza finale, altrimenti 0"
                .to_string()
        }
        PhaseMethod::WeightedOnTime => {
            "somma delle incidenze delle fasi concluse in tempo, sul totale delle incidenze"
                .to_string()
        }
        PhaseMethod::WeightedLateCredit { days } => format!(
            "somma delle incidenze delle fasi concluse in tempo, sul totale; una fase in ritardo \
             di g giorni vale incidenza × (1 − g / {days})"
        ),
    };
    let tolerance = match rules.tolerance_days {
        0 => String::new(),
        1 => "; tolleranza di 1 giorno".to_string(),
        n => format!("; tolleranza di {n} giorni"),
    };
    let empty = match rules.empty_weights {
        EmptyWeights::Reject => "; fasi senza incidenza: l'obiettivo non si misura",
        EmptyWeights::Spread => {
            "; fasi senza incidenza: ripartiscono in parti uguali il peso mancante a 100"
        }
    };
    format!("{method}{tolerance}{empty}")
}

/// How one phase counted in its objective's score.
pub fn phase_status(s: crate::scoring::phases::PhaseStatus) -> String {
    use crate::scoring::phases::PhaseStatus;
    match s {
        PhaseStatus::OnTime => "conclusa in tempo".into(),
        PhaseStatus::Late { days: 1 } => "conclusa con 1 giorno di ritardo".into(),
        PhaseStatus::Late { days } => format!("conclusa con {days} giorni di ritardo"),
        PhaseStatus::NotDone => "non conclusa".into(),
        PhaseStatus::Neutralised => "neutralizzata".into(),
    }
}

/// An indicator's conversion, in words.
pub fn conversion(c: crate::scoring::indicator::Conversion) -> &'static str {
    use crate::scoring::indicator::Conversion as C;
    match c {
        C::Value => "il valore stesso",
        C::AbsoluteGap => "scostamento dal target (A − T)",
        C::PercentGap => "scostamento percentuale dal target ((A − T) × 100 / T)",
        C::PercentOfTarget => "percentuale del target",
        C::RatioOfTarget => "rapporto con il target",
        C::ProgressFromPriorYear => "avanzamento dall'anno precedente verso il target",
        C::PercentOfPriorYear => "percentuale dell'anno precedente",
        C::GapToPriorYear => "scostamento percentuale dall'anno precedente",
        C::Limits => "limiti (minimo, target, massimo)",
        C::LimitsExcellence => "limiti con soglia di eccellenza",
    }
}

/// A band rule, in words.
pub fn band_rule(b: crate::scoring::indicator::BandRule) -> &'static str {
    use crate::scoring::indicator::BandRule as B;
    match b {
        B::None => "nessuna fascia: il punteggio è il valore",
        B::Direct => "fascia diretta: il fattore della prima fascia che contiene il valore",
        B::Prorate => "fascia proporzionale entro la fascia che contiene il valore",
        B::Clamp => "il valore limitato agli estremi della tabella",
    }
}

/// Why an indicator has no score.
pub fn no_actual(n: crate::scoring::indicator::NoActual) -> &'static str {
    use crate::scoring::indicator::NoActual as N;
    match n {
        N::TreatAsZero => "valore non comunicato: conta come 0",
        N::ScoreZero => "valore non comunicato: punteggio 0",
        N::Exclude => "valore non comunicato: escluso dalla media",
        N::Block => "valore non comunicato: l'obiettivo non si può misurare finché non arriva",
    }
}

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
