//! The evaluation year of a plan (issue 15, points 1 and 4): the SMVP adopted for it — its
//! rules as `pegaso evaluate schede` reads them, the Giunta's act, the date of the Nucleo's
//! binding opinion, its version — with the procedure's settings (when schede are assigned by,
//! the appeal window, the days the body has to decide, the cap on the top band); whether the
//! year is open; the budgets of the result bonus, each with its act and its rules as
//! `pegaso rewards distribute` reads them; and the pool once shared. Stored whole as JSON.
//! Every change here is a function from the year as it is to the year it becomes, or the
//! reason (in Italian) why not.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{Smvp, read_smvp};
use crate::rewards;

/// How the procedure runs, as the SMVP sets it (evaluation.md §1.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Procedure {
    /// Schede are assigned by this day; none: the end of February of the plan's year.
    #[serde(default)]
    pub assign_by: Option<NaiveDate>,
    /// The appeal window: the last day to file is the notification's day plus these.
    pub appeal_days: u32,
    /// The days the body has to decide an appeal (past them the Nucleo is alerted).
    pub decision_days: u32,
    /// The body that decides appeals (never the evaluator alone).
    pub body: String,
    /// The largest share of a set of scores in the top band, in percent.
    pub top_band_cap: u32,
}

impl Default for Procedure {
    fn default() -> Self {
        Procedure {
            assign_by: None,
            appeal_days: 15,
            decision_days: 30,
            body: "Nucleo di Valutazione".into(),
            top_band_cap: 30,
        }
    }
}

impl Procedure {
    /// The day schede are due to be assigned by, in `year`.
    pub fn assign_deadline(&self, year: i32) -> Option<NaiveDate> {
        self.assign_by
            .or_else(|| NaiveDate::from_ymd_opt(year, 3, 1).and_then(|d| d.pred_opt()))
    }

    fn check(&self) -> Result<(), String> {
        if !(1..=90).contains(&self.appeal_days) {
            return Err("I giorni per la conciliazione vanno da 1 a 90.".into());
        }
        if !(1..=180).contains(&self.decision_days) {
            return Err("I giorni per decidere la conciliazione vanno da 1 a 180.".into());
        }
        if self.body.trim().is_empty() {
            return Err("Va indicato l'organo che decide le conciliazioni.".into());
        }
        if !(1..=100).contains(&self.top_band_cap) {
            return Err("Il tetto della fascia più alta va da 1 a 100 (per cento).".into());
        }
        Ok(())
    }
}

/// The SMVP as adopted for the year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Adoption {
    /// From 1; each adoption of the year is the next.
    pub version: u32,
    /// The rules of the schede, in the shape of evaluation.md §3's `smvp`.
    pub smvp: Value,
    pub procedure: Procedure,
    /// The Giunta's act that adopts it («Delibera G.C. n. 12 del 20/01/2025»).
    pub act: String,
    /// The day of the Nucleo's binding opinion.
    pub opinion_on: NaiveDate,
    /// The day it was recorded as adopted.
    pub adopted_on: NaiveDate,
}

impl Adoption {
    /// The rules, read (they were checked when adopted).
    pub fn rules(&self) -> Result<Smvp, String> {
        read_smvp(&self.smvp)
    }
}

/// A budget of the result bonus (evaluation.md §2.1), kept apart from the others.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Budget {
    /// `comparto_individual`, `comparto_organisational`, `eq_risultato`,
    /// `dirigenti_risultato`.
    pub kind: String,
    pub cents: i64,
    /// The act that constitutes it (the fund's determination, the CCDI).
    pub act: String,
    /// The distribution's rules, in the shape of evaluation.md §3's `rules`.
    pub rules: Value,
    #[serde(default)]
    pub fund_variable_cents: Option<i64>,
    #[serde(default)]
    pub eq_posizione_cents: Option<i64>,
}

/// The budget kinds, with their Italian names.
pub const BUDGETS: [(&str, &str); 4] = [
    (
        "comparto_individual",
        "Performance individuale del comparto",
    ),
    (
        "comparto_organisational",
        "Performance organizzativa del comparto",
    ),
    ("eq_risultato", "Retribuzione di risultato delle EQ"),
    (
        "dirigenti_risultato",
        "Retribuzione di risultato dei dirigenti",
    ),
];

/// The Italian name of a budget kind.
pub fn budget_name(kind: &str) -> &str {
    BUDGETS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or(kind, |(_, name)| name)
}

impl Budget {
    /// The case of `pegaso rewards distribute` for this budget and `people`.
    pub fn case(&self, people: Vec<Value>) -> Value {
        json!({
            "id": self.kind,
            "budget": self.kind,
            "budget_cents": self.cents,
            "fund_variable_cents": self.fund_variable_cents,
            "eq_posizione_cents": self.eq_posizione_cents,
            "rules": self.rules,
            "people": people,
        })
    }

    /// The budget's own checks (evaluation.md §2.1 and the rules' shapes), before anyone is
    /// in it.
    pub fn check(&self) -> Result<(), String> {
        if !BUDGETS.iter().any(|(k, _)| *k == self.kind) {
            return Err(format!("Il fondo «{}» non esiste.", self.kind));
        }
        if self.cents < 0 {
            return Err("L'importo del fondo non può essere negativo.".into());
        }
        if self.act.trim().is_empty() {
            return Err("Va indicato l'atto che costituisce il fondo.".into());
        }
        rewards::case(&self.case(Vec::new()))
            .map(|_| ())
            .map_err(|e| format!("Le regole del fondo non reggono: {e}."))
    }
}

/// One budget shared: the case given to the engine (its people included) and its result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SharedBudget {
    pub kind: String,
    pub case: Value,
    pub result: Value,
}

/// The pool as shared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shared {
    pub on: NaiveDate,
    pub budgets: Vec<SharedBudget>,
}

/// The evaluation year of a plan.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Year {
    #[serde(default)]
    pub smvp: Option<Adoption>,
    #[serde(default)]
    pub opened_on: Option<NaiveDate>,
    #[serde(default)]
    pub budgets: Vec<Budget>,
    #[serde(default)]
    pub shared: Option<Shared>,
}

impl Year {
    /// The year with `smvp` adopted by `act` after the Nucleo's opinion of `opinion_on`:
    /// the rules checked as a whole (a configuration that breaks the law is refused, naming
    /// the rule); before the year opens (schede are scored on the version they were
    /// assigned under).
    pub fn adopt(
        &self,
        smvp: Value,
        procedure: Procedure,
        act: &str,
        opinion_on: NaiveDate,
        day: NaiveDate,
    ) -> Result<Year, String> {
        if self.opened_on.is_some() {
            return Err(
                "L'anno di valutazione è già aperto: il sistema di misurazione non si cambia più per quest'anno."
                    .into(),
            );
        }
        let rules = read_smvp(&smvp).map_err(|e| format!("Il sistema non si legge: {e}."))?;
        rules
            .check()
            .map_err(|e| format!("Il sistema viola una regola: {e}."))?;
        if rules.clusters.is_empty() {
            return Err("Il sistema non dà i pesi di nessuna categoria.".into());
        }
        procedure.check()?;
        if act.trim().is_empty() {
            return Err("Va indicato l'atto della Giunta che adotta il sistema.".into());
        }
        if opinion_on > day {
            return Err("Il parere del Nucleo non può avere una data futura.".into());
        }
        let version = self.smvp.as_ref().map_or(1, |a| a.version + 1);
        Ok(Year {
            smvp: Some(Adoption {
                version,
                smvp,
                procedure,
                act: act.trim().to_owned(),
                opinion_on,
                adopted_on: day,
            }),
            ..self.clone()
        })
    }

    /// The year opened on `day`: only with an adopted SMVP, once.
    pub fn open(&self, day: NaiveDate) -> Result<Year, String> {
        if self.smvp.is_none() {
            return Err(
                "L'anno di valutazione si apre solo dopo che la Giunta ha adottato il sistema di misurazione e valutazione."
                    .into(),
            );
        }
        if self.opened_on.is_some() {
            return Err("L'anno di valutazione è già aperto.".into());
        }
        Ok(Year {
            opened_on: Some(day),
            ..self.clone()
        })
    }

    /// The year with `budget` set (replacing the one of its kind): checked, and only before
    /// the pool is shared.
    pub fn set_budget(&self, budget: Budget) -> Result<Year, String> {
        if self.shared.is_some() {
            return Err("Il fondo è già stato ripartito: i fondi non si cambiano più.".into());
        }
        budget.check()?;
        let mut next = self.clone();
        match next.budgets.iter_mut().find(|b| b.kind == budget.kind) {
            Some(b) => *b = budget,
            None => next.budgets.push(budget),
        }
        next.budgets
            .sort_by_key(|b| BUDGETS.iter().position(|(k, _)| *k == b.kind));
        Ok(next)
    }

    /// The procedure in force (the defaults before an adoption).
    pub fn procedure(&self) -> Procedure {
        self.smvp
            .as_ref()
            .map(|a| a.procedure.clone())
            .unwrap_or_default()
    }
}

/// The SMVP a new year starts from: the weights, scale and catalogue of evaluation.md's worked
/// examples (Cuneo's weights, a 1..5 scale), for the planning office to change before adopting.
pub fn starting_smvp() -> Value {
    let row = |o: u32, i: u32, b: u32| json!({ "organisational": o, "individual": i, "behaviours": b, "organisational_source": "unit" });
    let everyone: Vec<&str> = super::CLUSTERS.to_vec();
    let levels = json!({ "1": "non adeguato", "2": "in parte adeguato", "3": "adeguato", "4": "buono", "5": "eccellente" });
    json!({
        "prevalence": "relative",
        "threshold": 60,
        "achievement_cap": 100,
        "clusters": {
            "dirigente": row(70, 0, 30),
            "eq": row(60, 0, 40),
            "funzionario": row(40, 10, 50),
            "istruttore": row(30, 10, 60),
            "operatore_esperto": row(30, 10, 60),
            "operatore": row(30, 10, 60),
            "segretario": row(70, 0, 30),
        },
        "scale": { "kind": "numeric", "min": 1, "max": 5, "levels": null },
        "catalogue": [
            { "id": "C1", "name": "Orientamento all'utenza", "clusters": everyone, "staff_evaluation": false, "descriptors": levels },
            { "id": "C2", "name": "Collaborazione e lavoro di gruppo", "clusters": everyone, "staff_evaluation": false, "descriptors": levels },
            { "id": "C3", "name": "Precisione e affidabilità", "clusters": everyone, "staff_evaluation": false, "descriptors": levels },
            { "id": "C4", "name": "Capacità di valutazione dei collaboratori", "clusters": ["dirigente", "eq", "segretario"], "staff_evaluation": true, "descriptors": levels },
        ],
    })
}

/// The year a plan of year `year` evaluates: schede are of that year.
pub fn days_in(year: i32) -> u32 {
    if NaiveDate::from_ymd_opt(year, 2, 29).is_some() {
        366
    } else {
        365
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_year_opens_only_after_an_adopted_smvp_and_then_keeps_it() {
        let year = Year::default();
        assert!(year.open(day("2025-01-10")).unwrap_err().contains("Giunta"));
        let adopted = year
            .adopt(
                starting_smvp(),
                Procedure::default(),
                "Delibera G.C. n. 3",
                day("2025-01-05"),
                day("2025-01-09"),
            )
            .unwrap();
        assert_eq!(adopted.smvp.as_ref().unwrap().version, 1);
        let again = adopted
            .adopt(
                starting_smvp(),
                Procedure::default(),
                "Delibera G.C. n. 4",
                day("2025-01-05"),
                day("2025-01-09"),
            )
            .unwrap();
        assert_eq!(again.smvp.as_ref().unwrap().version, 2);
        let open = again.open(day("2025-01-10")).unwrap();
        assert_eq!(open.opened_on, Some(day("2025-01-10")));
        assert!(open.open(day("2025-01-11")).is_err());
        assert!(
            open.adopt(
                starting_smvp(),
                Procedure::default(),
                "x",
                day("2025-01-05"),
                day("2025-01-12")
            )
            .is_err()
        );
    }

    #[test]
    fn an_smvp_that_breaks_a_rule_or_lacks_its_act_is_refused() {
        let mut smvp = starting_smvp();
        smvp["clusters"]["dirigente"] =
            json!({ "organisational": 30, "individual": 40, "behaviours": 30 });
        let refused = Year::default()
            .adopt(
                smvp,
                Procedure::default(),
                "Delibera",
                day("2025-01-05"),
                day("2025-01-09"),
            )
            .unwrap_err();
        assert!(refused.contains("prevalente"), "{refused}");
        assert!(
            Year::default()
                .adopt(
                    starting_smvp(),
                    Procedure::default(),
                    "  ",
                    day("2025-01-05"),
                    day("2025-01-09")
                )
                .is_err()
        );
        // The opinion comes before the adoption.
        assert!(
            Year::default()
                .adopt(
                    starting_smvp(),
                    Procedure::default(),
                    "Delibera",
                    day("2025-01-10"),
                    day("2025-01-09")
                )
                .is_err()
        );
        let short = Procedure {
            appeal_days: 0,
            ..Procedure::default()
        };
        assert!(
            Year::default()
                .adopt(
                    starting_smvp(),
                    short,
                    "Delibera",
                    day("2025-01-05"),
                    day("2025-01-09")
                )
                .is_err()
        );
    }

    #[test]
    fn budgets_are_checked_by_the_engine_and_kept_apart() {
        let comparto = |cents: i64, variable: i64| Budget {
            kind: "comparto_individual".into(),
            cents,
            act: "Determina n. 1".into(),
            rules: json!({ "formula": "proportional" }),
            fund_variable_cents: Some(variable),
            eq_posizione_cents: None,
        };
        // 30% of the variable part passes, one cent less fails (evaluation.md §2.1).
        let year = Year::default()
            .set_budget(comparto(3_000_000, 10_000_000))
            .unwrap();
        assert!(
            Year::default()
                .set_budget(comparto(2_999_999, 10_000_000))
                .is_err()
        );
        let replaced = year.set_budget(comparto(4_000_000, 10_000_000)).unwrap();
        assert_eq!(replaced.budgets.len(), 1);
        assert_eq!(replaced.budgets[0].cents, 4_000_000);
        let unknown = Budget {
            kind: "altro".into(),
            ..comparto(1, 1)
        };
        assert!(year.set_budget(unknown).is_err());
        let no_act = Budget {
            act: String::new(),
            ..comparto(3_000_000, 10_000_000)
        };
        assert!(year.set_budget(no_act).is_err());
    }

    #[test]
    fn the_assignment_is_due_by_the_end_of_february_unless_set() {
        let p = Procedure::default();
        assert_eq!(p.assign_deadline(2024), Some(day("2024-02-29")));
        assert_eq!(p.assign_deadline(2025), Some(day("2025-02-28")));
        let set = Procedure {
            assign_by: Some(day("2025-03-15")),
            ..p
        };
        assert_eq!(set.assign_deadline(2025), Some(day("2025-03-15")));
        assert_eq!(days_in(2024), 366);
    }
}
