//! The people evaluated in a year (issue 15, point 2): each with their matricola, name,
//! gender (for the Relazione's gender balance), cluster, unit and the period they served in
//! it, part-time share, days of service and leaves by kind; the account they sign in with, if
//! any; and, for the payment-times quota, whether they answer for payment times and whether the
//! revisore certified them met. Personal data: who sees it is decided in `sheet::access`.

use std::collections::HashSet;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::CLUSTERS;
use crate::plan::Plan;
use crate::values::UnitId;

named_enum! { serde "snake_case";
    /// As the Relazione counts people.
    pub enum Gender {
        F,
        M,
        /// Not stated.
        N,
    }
}

impl Gender {
    /// How a staff list may write it: `F`, `M`, `donna`, `uomo`, `femminile`… (any case);
    /// empty is not stated.
    pub fn read(text: &str) -> Option<Gender> {
        Some(match text.trim().to_lowercase().as_str() {
            "f" | "donna" | "femmina" | "femminile" => Gender::F,
            "m" | "uomo" | "maschio" | "maschile" => Gender::M,
            "" | "n" | "nd" | "non indicato" => Gender::N,
            _ => return None,
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            Gender::F => "donna",
            Gender::M => "uomo",
            Gender::N => "non indicato",
        }
    }
}

/// The kinds of absence, with their Italian names: the first three count as service
/// (evaluation.md §2.2's default `counted_as_present`).
pub const ABSENCES: [(&str, &str); 6] = [
    ("maternity", "maternità"),
    ("paternity", "paternità"),
    ("parental", "congedo parentale"),
    ("sickness", "malattia"),
    ("unpaid", "aspettativa non retribuita"),
    ("other", "altre assenze"),
];

/// The clusters with their Italian names.
pub const CLUSTER_NAMES: [(&str, &str); 7] = [
    ("dirigente", "Dirigente"),
    ("eq", "Elevata qualificazione"),
    ("funzionario", "Funzionario"),
    ("istruttore", "Istruttore"),
    ("operatore_esperto", "Operatore esperto"),
    ("operatore", "Operatore"),
    ("segretario", "Segretario generale"),
];

/// The Italian name of a cluster.
pub fn cluster_name(cluster: &str) -> &str {
    CLUSTER_NAMES
        .iter()
        .find(|(k, _)| *k == cluster)
        .map_or(cluster, |(_, name)| name)
}

/// Days of one kind of absence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Absence {
    pub kind: String,
    pub days: u32,
}

/// A person evaluated in the year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub matricola: String,
    pub name: String,
    pub gender: Gender,
    pub cluster: String,
    pub unit: UnitId,
    /// The period in the unit (both ends included; none: the whole year).
    #[serde(default)]
    pub from: Option<NaiveDate>,
    #[serde(default)]
    pub until: Option<NaiveDate>,
    /// Percent of full time, in (0, 100].
    #[serde(with = "crate::numbers::text")]
    pub part_time: Decimal,
    /// Days of service in the year; none: the whole year.
    #[serde(default)]
    pub days_employed: Option<u32>,
    #[serde(default)]
    pub absences: Vec<Absence>,
    /// The account this person signs in with, if they have one.
    #[serde(default)]
    pub username: Option<String>,
    /// Answers for payment times (DL 13/2023): part of their pay hangs on them.
    #[serde(default)]
    pub responsabile_pagamenti: bool,
    /// Whether the revisore certified the payment times met (none: not yet).
    #[serde(default)]
    pub payment_times_met: Option<bool>,
}

impl Member {
    /// What is wrong with this person's row in a plan of `plan`'s units, in Italian
    /// (nothing: the row may be kept); `days_in_year` bounds the days.
    pub fn problems(&self, plan: &Plan, days_in_year: u32) -> Vec<String> {
        let mut out = Vec::new();
        let m = self.matricola.trim();
        if m.is_empty() || m.chars().count() > 32 || m.chars().any(char::is_whitespace) {
            out.push("la matricola va scritta senza spazi, fino a 32 caratteri".into());
        }
        if self.name.trim().is_empty() || self.name.chars().count() > 200 {
            out.push("manca il nome (o supera i 200 caratteri)".into());
        }
        if !CLUSTERS.contains(&self.cluster.as_str()) {
            out.push(format!(
                "la categoria «{}» non è tra quelle del sistema ({})",
                self.cluster,
                CLUSTERS.join(", ")
            ));
        }
        if !plan.units.iter().any(|u| u.id == self.unit) {
            out.push(format!("l'unità «{}» non è nel piano", self.unit));
        }
        if let (Some(f), Some(u)) = (self.from, self.until)
            && f > u
        {
            out.push("il periodo finisce prima di cominciare".into());
        }
        for d in [self.from, self.until].into_iter().flatten() {
            if crate::limits::plausible(d, plan.year).is_err()
                || chrono::Datelike::year(&d) != plan.year
            {
                out.push(format!("la data {d} non è dell'anno {}", plan.year));
            }
        }
        if self.part_time <= Decimal::ZERO || self.part_time > Decimal::ONE_HUNDRED {
            out.push("il part-time va da più di 0 a 100 (per cento)".into());
        }
        let employed = self.days_employed.unwrap_or(days_in_year);
        if employed > days_in_year {
            out.push(format!(
                "i giorni di servizio superano i {days_in_year} dell'anno"
            ));
        }
        let mut kinds = HashSet::new();
        for a in &self.absences {
            if !ABSENCES.iter().any(|(k, _)| *k == a.kind) {
                out.push(format!("il tipo di assenza «{}» non è previsto", a.kind));
            }
            if !kinds.insert(a.kind.as_str()) {
                out.push(format!("le assenze «{}» sono scritte due volte", a.kind));
            }
        }
        let absent: u64 = self.absences.iter().map(|a| u64::from(a.days)).sum();
        if absent > u64::from(employed) {
            out.push("le assenze superano i giorni di servizio".into());
        }
        if self
            .username
            .as_deref()
            .is_some_and(|u| crate::values::Username::parse(u).is_err())
        {
            out.push("il nome utente non è valido".into());
        }
        if self.responsabile_pagamenti && !matches!(self.cluster.as_str(), "eq" | "dirigente") {
            out.push("la quota sui tempi di pagamento riguarda solo dirigenti ed EQ".into());
        }
        out
    }

    /// The days of an absence kind.
    pub fn absent(&self, kind: &str) -> u32 {
        self.absences
            .iter()
            .filter(|a| a.kind == kind)
            .map(|a| a.days)
            .sum()
    }
}

/// A staff list checked as a whole: each row's problems with its place (from 1), and a
/// matricola given twice.
pub fn problems(members: &[Member], plan: &Plan, days_in_year: u32) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for (i, m) in members.iter().enumerate() {
        for p in m.problems(plan, days_in_year) {
            out.push((i + 1, p));
        }
        if !seen.insert(m.matricola.trim().to_lowercase()) {
            out.push((
                i + 1,
                format!("la matricola {} compare due volte", m.matricola),
            ));
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) mod tests {
    use super::*;

    pub fn member(matricola: &str, cluster: &str, unit: &str) -> Member {
        Member {
            matricola: matricola.into(),
            name: format!("Persona {matricola}"),
            gender: Gender::F,
            cluster: cluster.into(),
            unit: UnitId::parse(unit).unwrap(),
            from: None,
            until: None,
            part_time: Decimal::ONE_HUNDRED,
            days_employed: None,
            absences: Vec::new(),
            username: None,
            responsabile_pagamenti: false,
            payment_times_met: None,
        }
    }

    /// A plan of 2025 with the units `servizi` (headed by Anna Neri) and `tributi`.
    pub fn plan() -> Plan {
        let unit = |id: &str, head: &str| {
            serde_json::json!({ "id": id, "kind": "settore", "name": id, "parent": null,
                "heads": [{ "name": head }], "responsible_code": null, "staff": 3 })
        };
        serde_json::from_value(serde_json::json!({
            "format": "pegaso.plan/1",
            "entity": { "name": "Comune di Prova", "kind": "comune" },
            "title": "Piano 2025", "period": { "from": 2025, "to": 2027 }, "year": 2025,
            "strategy": [], "responsibles": [],
            "units": [unit("servizi", "Anna Neri"), unit("tributi", "Bruno Bianchi")],
            "objectives": [], "customer_satisfaction": []
        }))
        .unwrap()
    }

    #[test]
    fn a_sound_row_has_no_problem_and_each_rule_is_said() {
        let plan = plan();
        assert!(
            member("A1", "istruttore", "servizi")
                .problems(&plan, 365)
                .is_empty()
        );
        let cases: Vec<(Member, &str)> = vec![
            (member("A 1", "istruttore", "servizi"), "matricola"),
            (member("A1", "usciere", "servizi"), "categoria"),
            (member("A1", "istruttore", "altrove"), "unità"),
            (
                Member {
                    part_time: Decimal::ZERO,
                    ..member("A1", "istruttore", "servizi")
                },
                "part-time",
            ),
            (
                Member {
                    days_employed: Some(366),
                    ..member("A1", "istruttore", "servizi")
                },
                "giorni",
            ),
            (
                Member {
                    days_employed: Some(100),
                    absences: vec![Absence {
                        kind: "sickness".into(),
                        days: 101,
                    }],
                    ..member("A1", "istruttore", "servizi")
                },
                "superano i giorni",
            ),
            (
                Member {
                    absences: vec![Absence {
                        kind: "ferie".into(),
                        days: 1,
                    }],
                    ..member("A1", "istruttore", "servizi")
                },
                "assenza",
            ),
            (
                Member {
                    responsabile_pagamenti: true,
                    ..member("A1", "istruttore", "servizi")
                },
                "tempi di pagamento",
            ),
            (
                Member {
                    from: NaiveDate::from_ymd_opt(2025, 6, 1),
                    until: NaiveDate::from_ymd_opt(2025, 5, 1),
                    ..member("A1", "istruttore", "servizi")
                },
                "periodo",
            ),
        ];
        for (m, words) in cases {
            let found = m.problems(&plan, 365);
            assert!(
                found.iter().any(|p| p.contains(words)),
                "{words}: {found:?}"
            );
        }
        let twice = problems(
            &[
                member("A1", "istruttore", "servizi"),
                member("a1", "operatore", "servizi"),
            ],
            &plan,
            365,
        );
        assert_eq!(
            twice,
            vec![(2, "la matricola a1 compare due volte".to_string())]
        );
    }

    #[test]
    fn genders_read_as_lists_write_them() {
        assert_eq!(Gender::read("Donna"), Some(Gender::F));
        assert_eq!(Gender::read(" m "), Some(Gender::M));
        assert_eq!(Gender::read(""), Some(Gender::N));
        assert_eq!(Gender::read("x"), None);
    }
}
