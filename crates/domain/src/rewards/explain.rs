//! Why each person gets what they get, in Italian (issue 15, point 4: «every payout says how it
//! was computed»): the positive or negative evaluation against the threshold, the formula's
//! weight (score, class or percentage of the full bonus), the parameter and the presence
//! factor; the amounts are the result's.

use rust_decimal::Decimal;
use serde_json::Value;

use super::input::{self, Formula};
use super::{formulas, presence};

fn n(d: Decimal) -> String {
    d.normalize().to_string().replace('.', ",")
}

/// One sentence per person of `case`, in its order.
pub fn explain(case: &Value) -> Result<Vec<String>, String> {
    let case = input::read(case)?;
    let rules = &case.rules;
    let t = rules.threshold;
    let mut out = Vec::new();
    for person in &case.people {
        let s = person.score;
        if s < t {
            out.push(format!(
                "Valutazione negativa (punteggio {} sotto la soglia di {}): nessun premio.",
                n(s),
                n(t)
            ));
            continue;
        }
        let (p, g) = presence::shown(person, rules)?;
        let presence = if rules.presence.apply {
            format!(
                "presenza {} (giorni utili per part-time su giorni dell'anno)",
                n(g)
            )
        } else {
            "presenza non considerata".to_string()
        };
        let weight = match &rules.formula {
            Formula::Proportional => format!("punteggio {}", n(s)),
            Formula::Classes(classes) => match formulas::class_of(classes, s) {
                Some(c) => format!(
                    "fascia da {} a {} (coefficiente {})",
                    n(c.from),
                    n(c.thru),
                    n(c.coefficient)
                ),
                None => "nessuna fascia".to_string(),
            },
            Formula::ThresholdStep(steps) => format!(
                "{}% del premio pieno (punteggio {})",
                n(formulas::percent_of(steps, s, t)?),
                n(s)
            ),
        };
        let share = match rules.formula {
            Formula::ThresholdStep(_) => "del premio pieno",
            _ => "in proporzione sul fondo ripartito",
        };
        out.push(format!(
            "Valutazione positiva: {weight} × parametro {} × {presence}, {share}.",
            n(p)
        ));
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use serde_json::json;

    #[test]
    fn each_payout_says_its_weight_parameter_and_presence() {
        // The worked example of evaluation.md §2.4, C part-time with leave that counts.
        let person = |id: &str, cluster: &str, score: u32, part_time: u32| {
            json!({ "id": id, "cluster": cluster, "score": score, "part_time": part_time,
                    "absences": [{ "kind": "sickness", "days": 73 }, { "kind": "parental", "days": 30 }] })
        };
        let case = json!({ "id": "c", "budget": "comparto_individual", "budget_cents": 1000000,
            "fund_variable_cents": 3000000,
            "rules": { "formula": "proportional", "threshold": 60,
                "parameters": { "operatore": 1.0, "istruttore": 1.2 } },
            "people": [person("A", "operatore", 95, 100), person("C", "istruttore", 70, 50), person("D", "operatore", 55, 100)] });
        let lines = super::explain(&case).unwrap();
        assert_eq!(lines.len(), 3);
        // (365 − 73) × 100 / (365 × 100) = 0.8: parental leave counts as presence.
        assert!(
            lines[0].contains("punteggio 95") && lines[0].contains("presenza 0,8"),
            "{}",
            lines[0]
        );
        assert!(
            lines[1].contains("parametro 1,2") && lines[1].contains("presenza 0,4"),
            "{}",
            lines[1]
        );
        assert!(lines[2].contains("negativa"), "{}", lines[2]);
        let steps = json!({ "id": "q", "budget": "comparto_individual", "budget_cents": 1000000,
            "fund_variable_cents": 3000000,
            "rules": { "formula": "threshold_step", "threshold": 60,
                "steps": { "base_percent": 60, "step_percent": 1, "full_from": 95 } },
            "people": [{ "id": "A", "cluster": "operatore", "score": 70 }, { "id": "B", "cluster": "operatore", "score": 96 }] });
        let lines = super::explain(&steps).unwrap();
        assert!(lines[0].contains("70% del premio pieno"), "{}", lines[0]);
        assert!(lines[1].contains("100% del premio pieno"), "{}", lines[1]);
    }
}
