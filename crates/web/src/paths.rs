//! Every address of the application, each defined once: the pattern the router matches, the
//! parameters a handler extracts (its first argument) and the link pages print all come from
//! one `TypedPath` type. A malformed address is a 400 page ([`AppError`]) or problem
//! ([`Problem`](crate::error::Problem)).

use domain::{Objective, PlanId, Position, UnitId};

use crate::error::AppError;

pub mod api;

/// Defines address types: `Name "pattern" { fields };` (no braces for an address without
/// parameters), each rejecting a malformed address as `$rejection`.
macro_rules! addresses {
    ($rejection:ident;) => {};
    ($rejection:ident; $(#[$doc:meta])* $name:ident $pattern:literal; $($rest:tt)*) => {
        $(#[$doc])*
        #[derive(Debug, Clone, ::axum_extra::routing::TypedPath, ::serde::Deserialize)]
        #[typed_path($pattern, rejection($rejection))]
        pub struct $name;
        $crate::paths::addresses!($rejection; $($rest)*);
    };
    ($rejection:ident; $(#[$doc:meta])* $name:ident $pattern:literal
        { $($field:ident: $ty:ty),* }; $($rest:tt)*) => {
        $(#[$doc])*
        #[derive(Debug, Clone, ::axum_extra::routing::TypedPath, ::serde::Deserialize)]
        #[typed_path($pattern, rejection($rejection))]
        pub struct $name { $(pub $field: $ty),* }
        $crate::paths::addresses!($rejection; $($rest)*);
    };
}
pub(crate) use addresses;

addresses! { AppError;
    /// The home page: the plans, and the situation of each.
    Home "/";
    /// Whether the server is up (for load balancers and the floor of the load test).
    Healthz "/healthz";
    Stylesheet "/static/pegaso.css";
    /// The draft's card form, checked as one types (progressive enhancement).
    DraftScript "/static/bozza.js";
    SignIn "/accesso";
    /// Where a single sign-on provider sends people back.
    SignInReturn "/accesso/ritorno";
    SignOut "/uscita";
    Account "/account";
    AccountToken "/account/token";
    AccountTokenRevoke "/account/token/{id}/revoca" { id: i64 };
    AccountFeed "/account/calendario";
    AccountFeedRevoke "/account/calendario/revoca";
    /// A person's calendar feed, by its secret.
    Feed "/calendari/{feed}" { feed: String };
    People "/persone";
    PersonState "/persone/{username}/stato" { username: String };
    Log "/registro";
    LogCsv "/registro.csv";
    LogJson "/registro.json";
    /// Amministrazione Trasparente, section «Performance»: each public plan's year.
    Transparency "/trasparenza";
    /// One item of it, by plan and ANAC code (`06.03`): a stable address to link.
    TransparencyItem "/trasparenza/{plan}/{code}" { plan: PlanId, code: String };
    /// Open data: the datasets of the public plans.
    OpenData "/dati";
    /// The licence an administration chooses for its open data (its planning office posts it).
    OpenDataLicence "/dati/licenza";
    /// «L'amministrazione»: the emblem (and where the licence is chosen), for its planning office.
    Entity "/ente";
    /// The emblem uploaded (multipart, the form's token in the address).
    EntityEmblem "/ente/stemma";
    /// The emblem removed.
    EntityEmblemRemoval "/ente/stemma/rimozione";
    /// An administration's emblem as a PNG (`{slug}.png`), public as its documents.
    EmblemImage "/stemmi/{file}" { file: String };
    /// A file of the open data: a table as `.csv` or `.json`, `datapackage.json`,
    /// `catalogo-dcat.json`.
    OpenDataFile "/dati/{file}" { file: String };
    /// The blank workbook to fill in with a plan (docs/xlsx.md).
    WorkbookTemplate "/modello-piano.xlsx";
    /// «Nuovo piano»: the planning office starts a plan from nothing (its form posts here).
    NewPlan "/piani/nuovo";
    /// A document made into a new plan (multipart, the form's token in the address).
    NewPlanDocument "/piani/nuovo/documento";
    Plan "/piani/{plan}" { plan: PlanId };
    /// The plan as a workbook, one sheet per kind (docs/xlsx.md).
    PlanWorkbook "/piani/{plan}/piano.xlsx" { plan: PlanId };
    Acts "/piani/{plan}/atti" { plan: PlanId };
    /// The draft of the next year made from this plan («Nuovo piano dall'anno precedente»).
    NewYear "/piani/{plan}/nuovo-anno" { plan: PlanId };
    Matrix "/piani/{plan}/matrice" { plan: PlanId };
    /// The PIAO's other sections around the plan (its section 2.2).
    Piao "/piani/{plan}/piao" { plan: PlanId };
    Requests "/piani/{plan}/richieste" { plan: PlanId };
    Opinion "/piani/{plan}/richieste/{request}/parere" { plan: PlanId, request: String };
    Decision "/piani/{plan}/richieste/{request}/decisione" { plan: PlanId, request: String };
    Versions "/piani/{plan}/versioni" { plan: PlanId };
    Scores "/piani/{plan}/punteggi" { plan: PlanId };
    Rounds "/piani/{plan}/monitoraggi" { plan: PlanId };
    RoundClose "/piani/{plan}/monitoraggi/{round}/chiusura" { plan: PlanId, round: String };
    Unit "/piani/{plan}/unita/{unit}" { plan: PlanId, unit: String };
    /// A unit's deadlines as an iCalendar feed: `{unit}` is the unit's code and `.ics`.
    UnitCalendar "/piani/{plan}/calendari/{unit}" { plan: PlanId, unit: String };
    ObjectivePage "/piani/{plan}/obiettivi/{unit}/{label}" { plan: PlanId, unit: String, label: String };
    ObjectiveRequests "/piani/{plan}/obiettivi/{unit}/{label}/richieste"
        { plan: PlanId, unit: String, label: String };
    ObjectiveEvents "/piani/{plan}/obiettivi/{unit}/{label}/eventi"
        { plan: PlanId, unit: String, label: String };
    ObjectiveNeutralise "/piani/{plan}/obiettivi/{unit}/{label}/neutralizzazioni"
        { plan: PlanId, unit: String, label: String };
    /// A phase of an objective, by its position from 1.
    Phase "/piani/{plan}/obiettivi/{unit}/{label}/fasi/{n}"
        { plan: PlanId, unit: String, label: String, n: Position };
    PhaseEvidence "/piani/{plan}/obiettivi/{unit}/{label}/fasi/{n}/allegati"
        { plan: PlanId, unit: String, label: String, n: Position };
    /// An evidence file: `{file}` is its id, a dash and its name.
    EvidenceFile "/piani/{plan}/obiettivi/{unit}/{label}/fasi/{n}/allegati/{file}"
        { plan: PlanId, unit: String, label: String, n: Position, file: String };
    /// An indicator of an objective, by its position from 1.
    Indicator "/piani/{plan}/obiettivi/{unit}/{label}/indicatori/{n}"
        { plan: PlanId, unit: String, label: String, n: Position };
    Search "/piani/{plan}/cerca" { plan: PlanId };
    /// «Scrivi il piano»: the draft's structure and the cards each person may write.
    Draft "/piani/{plan}/bozza" { plan: PlanId };
    DraftHeader "/piani/{plan}/bozza/intestazione" { plan: PlanId };
    DraftStrategy "/piani/{plan}/bozza/strategia" { plan: PlanId };
    DraftCodes "/piani/{plan}/bozza/codifica" { plan: PlanId };
    /// The PIAO's other sections, written with the draft.
    DraftPiao "/piani/{plan}/bozza/piao" { plan: PlanId };
    /// A new unit of the draft (its form, and where it is sent).
    DraftUnits "/piani/{plan}/bozza/unita" { plan: PlanId };
    DraftUnit "/piani/{plan}/bozza/unita/{unit}" { plan: PlanId, unit: String };
    /// A unit moved up or down, or removed.
    DraftUnitPlace "/piani/{plan}/bozza/unita/{unit}/posto" { plan: PlanId, unit: String };
    /// A new card of the draft (its form, `?unita=` its unit, and where it is sent).
    DraftCards "/piani/{plan}/bozza/obiettivi" { plan: PlanId };
    /// A card's form checked against the plan's rules without saving it (`?scheda=unit/label`
    /// for a card of the plan, none for a new one): the problems by field, as JSON.
    DraftCheck "/piani/{plan}/bozza/verifica" { plan: PlanId };
    DraftCard "/piani/{plan}/bozza/obiettivi/{unit}/{label}" { plan: PlanId, unit: String, label: String };
    /// How an indicator of a draft's card is measured (its rule in the scoring settings).
    DraftIndicator "/piani/{plan}/bozza/obiettivi/{unit}/{label}/indicatori/{n}"
        { plan: PlanId, unit: String, label: String, n: Position };
    /// A card moved up or down among its unit's, or removed.
    DraftCardPlace "/piani/{plan}/bozza/obiettivi/{unit}/{label}/posto"
        { plan: PlanId, unit: String, label: String };
    Diagnostics "/piani/{plan}/diagnostica" { plan: PlanId };
    /// The evaluation year of the plan: its SMVP, the staff, the schede one may read.
    Evaluation "/piani/{plan}/valutazione" { plan: PlanId };
    /// The SMVP of the year (the planning office records its adoption).
    EvaluationSystem "/piani/{plan}/valutazione/sistema" { plan: PlanId };
    /// The year opened: schede assigned.
    EvaluationOpen "/piani/{plan}/valutazione/apertura" { plan: PlanId };
    /// The staff evaluated (personal data), and a person added or changed.
    EvaluationStaff "/piani/{plan}/valutazione/personale" { plan: PlanId };
    /// The staff from a CSV file or a workbook (multipart, the form's token in the address).
    EvaluationStaffFile "/piani/{plan}/valutazione/personale/file" { plan: PlanId };
    /// The staff as CSV (with no one yet: the template).
    EvaluationStaffCsv "/piani/{plan}/valutazione/personale.csv" { plan: PlanId };
    /// A person's scheda, by matricola; its steps are posted here.
    EvaluationSheet "/piani/{plan}/valutazione/schede/{matricola}" { plan: PlanId, matricola: String };
    /// How differentiated the scores are, per evaluator and per category.
    EvaluationSpread "/piani/{plan}/valutazione/differenziazione" { plan: PlanId };
    /// The result bonus: budgets, payment times, the pool shared.
    EvaluationPool "/piani/{plan}/valutazione/premi" { plan: PlanId };
    EvaluationShare "/piani/{plan}/valutazione/premi/ripartizione" { plan: PlanId };
    EvaluationPaymentTimes "/piani/{plan}/valutazione/premi/tempi-di-pagamento" { plan: PlanId };
    /// The payroll office's list: `.csv` or `.xlsx`.
    EvaluationPayroll "/piani/{plan}/valutazione/premi/{file}" { plan: PlanId, file: String };
    /// A paper of the plan as a file: `relazione.pdf`, `piano.docx`, `unita.xlsx?unita=…`.
    PlanPaper "/piani/{plan}/documenti/{file}" { plan: PlanId, file: String };
    /// The Relazione sulla Performance of the plan's year; its steps are posted here.
    Relazione "/piani/{plan}/relazione" { plan: PlanId };
}

/// The same address for any objective of the plan: its unit and label as they stand.
macro_rules! of_objective {
    ($($name:ident),*) => {$(
        impl $name {
            pub fn of(plan: &PlanId, o: &Objective) -> Self {
                $name { plan: plan.clone(), unit: o.unit.to_string(), label: o.label.to_string() }
            }
        }
    )*};
}
of_objective!(
    DraftCard,
    DraftCardPlace,
    ObjectivePage,
    ObjectiveRequests,
    ObjectiveEvents,
    ObjectiveNeutralise
);

/// An address within a plan.
pub trait InPlan {
    /// The plan's id.
    fn plan(&self) -> &PlanId;
}

macro_rules! in_plan {
    ($($name:ident),*) => {$(
        impl $crate::paths::InPlan for $name {
            fn plan(&self) -> &::domain::PlanId {
                &self.plan
            }
        }
    )*};
}
pub(crate) use in_plan;
in_plan!(
    Plan,
    NewYear,
    PlanWorkbook,
    Matrix,
    Piao,
    Requests,
    Versions,
    Scores,
    Rounds,
    Unit,
    UnitCalendar,
    ObjectivePage,
    Search,
    Diagnostics,
    Draft,
    DraftStrategy,
    DraftCodes,
    DraftPiao,
    DraftUnits,
    DraftUnit,
    DraftCards,
    DraftCard,
    DraftIndicator,
    Evaluation,
    EvaluationSystem,
    EvaluationOpen,
    EvaluationStaff,
    EvaluationStaffFile,
    EvaluationStaffCsv,
    EvaluationSheet,
    EvaluationSpread,
    EvaluationPool,
    EvaluationShare,
    EvaluationPaymentTimes,
    EvaluationPayroll,
    Relazione,
    PlanPaper
);

/// The phase an address names, as the use cases look it up.
macro_rules! at_phase {
    ($($name:path),*) => {$(
        impl $name {
            pub fn at(&self) -> cycle::PhaseAt<'_> {
                cycle::PhaseAt { unit: &self.unit, label: &self.label, number: self.n }
            }
        }
    )*};
}
at_phase!(Phase, PhaseEvidence, EvidenceFile, api::Phase);

/// What an address below an objective's card names of it: the card, and the unit and label
/// the use cases find the objective by.
macro_rules! objective_part {
    ($($name:path),*) => {$(
        impl $name {
            /// The objective's card.
            pub fn objective(&self) -> ObjectivePage {
                ObjectivePage {
                    plan: self.plan.clone(),
                    unit: self.unit.clone(),
                    label: self.label.clone(),
                }
            }

            /// The objective's unit and label.
            pub fn unit_label(&self) -> (&str, &str) {
                (&self.unit, &self.label)
            }
        }
    )*};
}
objective_part!(
    ObjectiveRequests,
    ObjectiveEvents,
    ObjectiveNeutralise,
    Indicator
);

impl ObjectivePage {
    /// The card's section with id `anchor`.
    pub fn section(&self, anchor: &str) -> String {
        format!("{self}#{anchor}")
    }
}

impl Phase {
    /// Phase `index` (from 0) of objective `o`.
    pub fn of(plan: &PlanId, o: &Objective, index: usize) -> Self {
        Phase {
            plan: plan.clone(),
            unit: o.unit.to_string(),
            label: o.label.to_string(),
            n: Position::of_index(index),
        }
    }

    /// Where this phase's evidence files are sent.
    pub fn uploads(&self) -> PhaseEvidence {
        PhaseEvidence {
            plan: self.plan.clone(),
            unit: self.unit.clone(),
            label: self.label.clone(),
            n: self.n,
        }
    }

    /// This phase's evidence file `id`, named by `file_name` (the id finds it; the name tells
    /// browsers and people what it is).
    pub fn evidence(&self, id: i64, file_name: &str) -> EvidenceFile {
        EvidenceFile {
            plan: self.plan.clone(),
            unit: self.unit.clone(),
            label: self.label.clone(),
            n: self.n,
            file: format!("{id}-{}", ascii_name(file_name)),
        }
    }
}

/// A file's name as letters, digits and `.-_` (anything else `_`), safe in an address and in a
/// header's plain `filename`.
pub fn ascii_name(file_name: &str) -> String {
    file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// A plan-wide page's link: `paths::plan(id)`, `paths::scores(id)`…
macro_rules! plan_links {
    ($($fn:ident => $name:ident),*) => {$(
        pub fn $fn(plan: &PlanId) -> String {
            $name { plan: plan.clone() }.to_string()
        }
    )*};
}
plan_links!(
    plan => Plan,
    matrix => Matrix,
    piao => Piao,
    search => Search,
    diagnostics => Diagnostics,
    scores => Scores,
    rounds => Rounds,
    requests => Requests,
    versions => Versions,
    acts => Acts,
    new_year => NewYear,
    evaluation => Evaluation
);

pub fn unit(plan: &PlanId, unit: &UnitId) -> String {
    Unit {
        plan: plan.clone(),
        unit: unit.to_string(),
    }
    .to_string()
}

/// The unit's deadlines as an iCalendar feed.
pub fn unit_calendar(plan: &PlanId, unit: &UnitId) -> String {
    UnitCalendar {
        plan: plan.clone(),
        unit: format!("{unit}.ics"),
    }
    .to_string()
}

pub fn objective(plan: &PlanId, o: &Objective) -> String {
    ObjectivePage::of(plan, o).to_string()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn links_fill_the_patterns_and_encode_what_would_break_them() {
        let p = Phase {
            plan: PlanId::parse("roma-2021").unwrap(),
            unit: "1.2".into(),
            label: "OB 1".into(),
            n: "3".parse().unwrap(),
        };
        assert_eq!(
            p.to_string(),
            "/piani/roma-2021/obiettivi/1.2/OB%201/fasi/3"
        );
        assert_eq!(
            p.evidence(7, "Relazione finale (v2).pdf").to_string(),
            "/piani/roma-2021/obiettivi/1.2/OB%201/fasi/3/allegati/7-Relazione_finale__v2_.pdf"
        );
        assert_eq!(
            p.uploads().to_string(),
            "/piani/roma-2021/obiettivi/1.2/OB%201/fasi/3/allegati"
        );
        assert_eq!(plan(&p.plan), "/piani/roma-2021");
    }
}
