//! The words of measurement: the scoring rules and their errors, scores and numbers, how a
//! phase stands.

use rust_decimal::Decimal;

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
            crate::scoring::settings::LIMIT
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

/// A computed figure (a share of a score): at most two decimals, half up, the Italian comma
/// (`23,89`, `10`).
pub fn figure(d: Decimal) -> String {
    number(d.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero))
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
