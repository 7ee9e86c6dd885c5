//! The rules a plan must follow, checked all at once: `validate(&plan)` lists every finding.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::Datelike;
use rust_decimal::Decimal;

use crate::deadline::{Anchor, Deadline, When};
use crate::diagnostic::{Code, Diagnostic};
use crate::limits::{self, Field};
use crate::messages as msg;
use crate::plan::{Entity, Objective, Plan};
use crate::values::{ObjectiveId, PhaseLabel};

/// Checks every rule of the plan and returns what it found, in document order.
pub fn validate(plan: &Plan) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    check_period(plan, &mut out);
    check_texts(plan, &mut out);
    if let Some(code) = plan
        .entity
        .code
        .as_deref()
        .filter(|c| !Entity::code_fits(c))
    {
        out.push(Diagnostic::error(
            Code::EntityCode,
            "entity.code",
            msg::entity_code(code),
        ));
    }
    check_units(plan, &mut out);
    check_responsibles(plan, &mut out);
    let codes: HashSet<&str> = plan.responsibles.iter().map(|r| r.code.as_str()).collect();
    let mut seen = HashSet::new();
    for (i, objective) in plan.objectives.iter().enumerate() {
        let path = format!("objectives[{i}]");
        if !seen.insert(objective.id.as_str()) {
            out.push(Diagnostic::error(
                Code::DuplicateId,
                &path,
                msg::duplicate_id("obiettivi", objective.id.as_str()),
            ));
        }
        check_objective(plan, objective, &path, &codes, &mut out);
    }
    if let Some(piao) = &plan.piao {
        crate::piao::check(plan, piao, &mut out);
    }
    for (i, s) in plan.customer_satisfaction.iter().enumerate() {
        let sum = s.positive_pct.value() + s.neutral_pct.value() + s.negative_pct.value();
        // Published shares are rounded to whole points: a point either way is rounding.
        if (sum - Decimal::ONE_HUNDRED).abs() > Decimal::ONE {
            out.push(Diagnostic::warning(
                Code::SurveySum,
                format!("customer_satisfaction[{i}]"),
                msg::survey_sum(&s.service, sum),
            ));
        }
    }
    out
}

fn check_period(plan: &Plan, out: &mut Vec<Diagnostic>) {
    // A warning, as the importer's missing period is: its dates are then not checked against
    // it (they would all be far from a year of 0).
    if !limits::PLAN_YEARS.contains(&plan.year) {
        out.push(Diagnostic::warning(
            Code::DateImplausible,
            "year",
            msg::plan_year_implausible(plan.year),
        ));
    }
    let p = plan.period;
    if p.from > p.to {
        out.push(Diagnostic::error(
            Code::PeriodInvalid,
            "period",
            msg::period_invalid(p.from, p.to),
        ));
    } else if !p.contains(plan.year) {
        out.push(Diagnostic::error(
            Code::YearOutsidePeriod,
            "year",
            msg::year_outside_period(plan.year, p.from, p.to),
        ));
    }
}

fn check_units(plan: &Plan, out: &mut Vec<Diagnostic>) {
    let ids: HashSet<&str> = plan.units.iter().map(|u| u.id.as_str()).collect();
    let codes: HashSet<&str> = plan.responsibles.iter().map(|r| r.code.as_str()).collect();
    let mut seen = HashSet::new();
    for (i, unit) in plan.units.iter().enumerate() {
        let path = format!("units[{i}]");
        if !seen.insert(unit.id.as_str()) {
            out.push(Diagnostic::error(
                Code::DuplicateId,
                &path,
                msg::duplicate_id("unità", unit.id.as_str()),
            ));
        }
        if let Some(parent) = &unit.parent
            && !ids.contains(parent.as_str())
        {
            let place = format!("L'unità {}", unit.id);
            out.push(Diagnostic::error(
                Code::UnknownUnit,
                format!("{path}.parent"),
                msg::unknown_unit(&place, parent.as_str()),
            ));
        }
        if let Some(code) = &unit.responsible_code
            && !codes.contains(code.as_str())
        {
            let place = format!("Unità {}", unit.id);
            out.push(Diagnostic::warning(
                Code::UnknownResponsible,
                format!("{path}.responsible_code"),
                msg::unknown_responsible(&place, code),
            ));
        }
        for (h, head) in unit.heads.iter().enumerate() {
            for day in [head.from, head.until].into_iter().flatten() {
                if limits::PLAN_YEARS.contains(&plan.year)
                    && let Err(e) = limits::plausible(day, plan.year)
                {
                    out.push(Diagnostic::error(
                        Code::DateImplausible,
                        format!("{path}.heads[{h}]"),
                        msg::date_out_of_range(&format!("{}, {}", unit.id, head.name), &e),
                    ));
                }
            }
            if let (Some(from), Some(until)) = (head.from, head.until)
                && from > until
            {
                out.push(Diagnostic::error(
                    Code::HeadPeriod,
                    format!("{path}.heads[{h}]"),
                    msg::head_period(unit.id.as_str(), &head.name),
                ));
            }
        }
    }
}

fn check_responsibles(plan: &Plan, out: &mut Vec<Diagnostic>) {
    let mut seen = HashSet::new();
    for (i, r) in plan.responsibles.iter().enumerate() {
        if !seen.insert(r.code.as_str()) {
            out.push(Diagnostic::warning(
                Code::DuplicateCode,
                format!("responsibles[{i}]"),
                msg::duplicate_code(&r.code),
            ));
        }
    }
}

fn check_objective(
    plan: &Plan,
    o: &Objective,
    path: &str,
    codes: &HashSet<&str>,
    out: &mut Vec<Diagnostic>,
) {
    let id = o.id.as_str();
    let expected = ObjectiveId::new(&o.unit, &o.label);
    if o.id != expected {
        out.push(Diagnostic::error(
            Code::ObjectiveIdMismatch,
            format!("{path}.id"),
            msg::objective_id_mismatch(id, expected.as_str()),
        ));
    }
    if plan.unit(&o.unit).is_none() {
        let place = format!("L'obiettivo {id}");
        out.push(Diagnostic::error(
            Code::UnknownUnit,
            format!("{path}.unit"),
            msg::unknown_unit(&place, o.unit.as_str()),
        ));
    }
    if o.phases.is_empty() {
        out.push(Diagnostic::warning(
            Code::NoPhases,
            format!("{path}.phases"),
            msg::no_phases(id),
        ));
    }

    let mut labels = HashSet::new();
    let mut slice_sum = Decimal::ZERO;
    for (j, phase) in o.phases.iter().enumerate() {
        let ppath = format!("{path}.phases[{j}]");
        let place = msg::phase_place(id, phase.label.as_str());
        if !labels.insert(&phase.label) {
            out.push(Diagnostic::error(
                Code::DuplicateLabel,
                format!("{ppath}.label"),
                msg::duplicate_phase_label(id, phase.label.as_str()),
            ));
        }
        match phase.weight_pct {
            None => out.push(Diagnostic::warning(
                Code::WeightMissing,
                format!("{ppath}.weight_pct"),
                msg::weight_missing(id, phase.label.as_str()),
            )),
            Some(w) if o.in_year_slice(phase) => slice_sum += w.value(),
            Some(_) => {}
        }
        for code in &phase.responsible {
            // Items that start with a digit are codes; others are names of outside parties.
            // Without a codifica table there is nothing to check codes against.
            if !codes.is_empty()
                && code.starts_with(|c: char| c.is_ascii_digit())
                && !codes.contains(code.as_str())
            {
                out.push(Diagnostic::warning(
                    Code::UnknownResponsible,
                    format!("{ppath}.responsible"),
                    msg::unknown_responsible(&capitalise(&place), code),
                ));
            }
        }
        if let Some(target) = phase.deadline.after_phase()
            && !has_phase(o, target)
        {
            out.push(Diagnostic::error(
                Code::UnknownPhase,
                format!("{ppath}.deadline"),
                msg::unknown_phase(id, phase.label.as_str(), target.as_str()),
            ));
        }
        check_in_period(
            plan,
            &phase.deadline,
            &format!("{ppath}.deadline"),
            &place,
            out,
        );
    }
    let has_slice_weights = o
        .phases
        .iter()
        .any(|p| p.weight_pct.is_some() && o.in_year_slice(p));
    // An error: the card cannot be measured as written, and a plan with errors does not go
    // to the Nucleo until the drafters mend it.
    if has_slice_weights && slice_sum != Decimal::ONE_HUNDRED {
        out.push(Diagnostic::error(
            Code::WeightsSum,
            format!("{path}.phases"),
            msg::weights_sum(id, plan.year, slice_sum),
        ));
    }
    let place = format!("Obiettivo {id}");
    check_in_period(
        plan,
        &o.final_deadline,
        &format!("{path}.final_deadline"),
        &place,
        out,
    );
    if let Some(d) = &o.year_deadline {
        check_in_period(plan, d, &format!("{path}.year_deadline"), &place, out);
    }
    check_cycles(o, path, out);
}

/// A relative deadline may name a phase by its number when the table splits it into
/// sub-rows (`fase 1` for rows `1a`, `1b`).
fn has_phase(o: &Objective, label: &PhaseLabel) -> bool {
    o.phases
        .iter()
        .any(|p| &p.label == label || p.label.number() == label.as_str())
}

fn check_in_period(plan: &Plan, d: &Deadline, path: &str, place: &str, out: &mut Vec<Diagnostic>) {
    if let Some(day) = d.fixed_date()
        && limits::PLAN_YEARS.contains(&plan.year)
        && let Err(e) = limits::plausible(day, plan.year)
    {
        out.push(Diagnostic::error(
            Code::DateImplausible,
            path,
            msg::date_out_of_range(&capitalise(place), &e),
        ));
        return;
    }
    // With an incoherent period every date would be outside it: that is one error, reported once.
    if let Some(day) = d.fixed_date()
        && plan.period.from <= plan.period.to
        && !plan.period.contains(day.year())
    {
        out.push(Diagnostic::warning(
            Code::DeadlineOutsidePeriod,
            path,
            msg::deadline_outside_period(&capitalise(place), day, plan.period.from, plan.period.to),
        ));
    }
}

/// Finds phases whose deadlines depend on each other in a circle. A phase counted from a
/// numbered point of itself is not a circle: the point comes before the phase ends.
fn check_cycles(o: &Objective, path: &str, out: &mut Vec<Diagnostic>) {
    let mut edges: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for p in &o.phases {
        if let When::Relative(r) = &p.deadline.when
            && let Anchor::Phase { phase, point } = &r.anchor
        {
            let from = p.label.as_str();
            if phase.as_str() == from && point.is_some() {
                continue;
            }
            // A reference to a phase number points at all its sub-rows.
            for target in o
                .phases
                .iter()
                .filter(|t| &t.label == phase || t.label.number() == phase.as_str())
            {
                edges.entry(from).or_default().push(target.label.as_str());
            }
        }
    }
    let mut state: HashMap<&str, u8> = HashMap::new(); // 1 = on the stack, 2 = done
    let mut reported = HashSet::new();
    for start in edges.keys() {
        let mut stack: Vec<&str> = Vec::new();
        visit(start, &edges, &mut state, &mut stack, &mut |cycle: Vec<
            &str,
        >| {
            let mut key = cycle.clone();
            key.sort_unstable();
            if reported.insert(key) {
                let names: Vec<String> = cycle.iter().map(|s| s.to_string()).collect();
                out.push(Diagnostic::error(
                    Code::DeadlineCycle,
                    format!("{path}.phases"),
                    msg::deadline_cycle(o.id.as_str(), &names),
                ));
            }
        });
    }
}

fn visit<'a>(
    node: &'a str,
    edges: &BTreeMap<&'a str, Vec<&'a str>>,
    state: &mut HashMap<&'a str, u8>,
    stack: &mut Vec<&'a str>,
    found: &mut dyn FnMut(Vec<&'a str>),
) {
    match state.get(node) {
        Some(2) => return,
        Some(1) => {
            if let Some(pos) = stack.iter().position(|n| *n == node) {
                let mut cycle = stack[pos..].to_vec();
                cycle.push(node);
                found(cycle);
            }
            return;
        }
        _ => {}
    }
    state.insert(node, 1);
    stack.push(node);
    for next in edges.get(node).into_iter().flatten() {
        visit(next, edges, state, stack, found);
    }
    stack.pop();
    state.insert(node, 2);
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Every text of the plan within its field's limit (`limits`), so that a document cannot bring
/// what a form would refuse.
fn check_texts(plan: &Plan, out: &mut Vec<Diagnostic>) {
    let mut check = |field: Field, path: String, text: &str| {
        if let Err(e) = limits::fits(field, text) {
            out.push(Diagnostic::error(
                Code::TextTooLong,
                path,
                msg::text_error(&e),
            ));
        }
    };
    check(Field::PlanTitle, "title".into(), &plan.title);
    check(Field::EntityName, "entity.name".into(), &plan.entity.name);
    for (i, l) in plan.strategy.iter().enumerate() {
        check(
            Field::StrategyTitle,
            format!("strategy[{i}].title"),
            &l.title,
        );
        for (j, a) in l.axes.iter().enumerate() {
            check(
                Field::AxisText,
                format!("strategy[{i}].axes[{j}].text"),
                &a.text,
            );
        }
    }
    for (i, r) in plan.responsibles.iter().enumerate() {
        check(
            Field::ResponsibleTitle,
            format!("responsibles[{i}].title"),
            &r.title,
        );
    }
    for (i, u) in plan.units.iter().enumerate() {
        check(Field::UnitName, format!("units[{i}].name"), &u.name);
        for (h, head) in u.heads.iter().enumerate() {
            check(
                Field::HeadName,
                format!("units[{i}].heads[{h}].name"),
                &head.name,
            );
            if let Some(role) = &head.role {
                check(Field::HeadRole, format!("units[{i}].heads[{h}].role"), role);
            }
        }
        for (f, text) in u.functions.iter().enumerate() {
            check(
                Field::UnitFunction,
                format!("units[{i}].functions[{f}]"),
                text,
            );
        }
    }
    for (i, o) in plan.objectives.iter().enumerate() {
        let path = format!("objectives[{i}]");
        check(Field::ObjectiveTitle, format!("{path}.title"), &o.title);
        let paragraphs = [
            ("strategic_purpose", &o.strategic_purpose),
            ("directives", &o.directives),
            ("timing", &o.timing),
            ("expected_result", &o.expected_result),
            ("full_achievement", &o.full_achievement),
            ("not_achieved", &o.not_achieved),
            ("constraints", &o.constraints),
            ("human_resources", &o.human_resources),
            ("financial_resources", &o.financial_resources),
        ];
        for (name, text) in paragraphs {
            if let Some(text) = text {
                check(Field::ObjectiveText, format!("{path}.{name}"), text);
            }
        }
        check(
            Field::DeadlineText,
            format!("{path}.final_deadline_text"),
            &o.final_deadline_text,
        );
        if let Some(text) = &o.year_deadline_text {
            check(
                Field::DeadlineText,
                format!("{path}.year_deadline_text"),
                text,
            );
        }
        for (n, text) in o.indicators.iter().enumerate() {
            check(
                Field::IndicatorText,
                format!("{path}.indicators[{n}]"),
                text,
            );
        }
        for (p, phase) in o.phases.iter().enumerate() {
            let at = format!("{path}.phases[{p}]");
            check(
                Field::PhaseDescription,
                format!("{at}.description"),
                &phase.description,
            );
            check(
                Field::DeadlineText,
                format!("{at}.deadline_text"),
                &phase.deadline_text,
            );
        }
    }
    for (i, s) in plan.customer_satisfaction.iter().enumerate() {
        check(
            Field::ServiceName,
            format!("customer_satisfaction[{i}].service"),
            &s.service,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    /// A small plan that breaks no rule; each case below breaks one.
    fn base() -> Value {
        json!({
            "format": "pegaso.plan/1",
            "entity": {"name": "Comune di Prova", "kind": "comune"},
            "title": "Piano della Performance 2021-2023",
            "period": {"from": 2021, "to": 2023},
            "year": 2021,
            "responsibles": [{"code": "100", "title": "RESPONSABILE SETTORE A"}],
            "units": [
                {"id": "area-a", "kind": "area", "name": "Area A", "parent": null, "heads": [],
                 "responsible_code": null, "functions": [], "staff": null},
                {"id": "settore-a", "kind": "settore", "name": "Settore A", "parent": "area-a",
                 "heads": [{"name": "Dott. X", "role": "Dirigente", "from": "2021-01-01", "until": "2021-12-31"}],
                 "responsible_code": "100", "functions": [], "staff": 3}
            ],
            "objectives": [{
                "id": "settore-a/A", "unit": "settore-a", "label": "A", "title": "T",
                "strategic_purpose": null, "directives": null,
                "phases": [
                    {"label": "1", "description": "uno", "weight_pct": 40, "responsible": ["100", "DITTA SPA"],
                     "deadline": {"kind": "date", "date": "2021-06-30"}, "deadline_text": "30/06/2021"},
                    {"label": "2", "description": "due", "weight_pct": 60, "responsible": [],
                     "deadline": {"kind": "relative", "after": "phase", "phase": "1", "months": 2}, "deadline_text": "2 mesi da fase 1)"},
                    {"label": "3", "description": "altro anno", "weight_pct": 0, "responsible": [],
                     "deadline": {"kind": "completed"}, "deadline_text": "Conclusa"}
                ],
                "final_deadline": {"kind": "date", "date": "2021-12-31"}, "final_deadline_text": "31/12/2021",
                "expected_result": null, "full_achievement": null, "not_achieved": null, "indicators": [],
                "constraints": null, "human_resources": null, "financial_resources": null
            }],
            "customer_satisfaction": [{"service": "URP", "year": 2020, "positive_pct": 76, "neutral_pct": 17, "negative_pct": 7}]
        })
    }

    /// Applies `change` to the base plan and checks the codes of what `validate` finds.
    fn check(change: impl FnOnce(&mut Value), expect: &[Code]) {
        let mut v = base();
        change(&mut v);
        let plan: Plan =
            serde_json::from_value(v).expect("the case must still be a well-formed plan");
        let got: Vec<Code> = validate(&plan).iter().map(|d| d.code).collect();
        assert_eq!(got, expect);
    }

    fn phase(v: &mut Value, i: usize) -> &mut Value {
        &mut v["objectives"][0]["phases"][i]
    }

    #[test]
    fn a_year_no_plan_can_have_is_said_once() {
        let mut v = base();
        v["year"] = json!(262142);
        v["period"] = json!({"from": 262142, "to": 262144});
        let plan: Plan = serde_json::from_value(v).expect("well-formed");
        let found = validate(&plan);
        // Said once, as a warning (the importer's unknown year is 0): its dates are not
        // measured against it (the period's own rule still speaks).
        let implausible: Vec<_> = found
            .iter()
            .filter(|d| d.code == Code::DateImplausible)
            .collect();
        assert_eq!(implausible.len(), 1, "{found:?}");
        assert_eq!(found[0].code, Code::DateImplausible);
        assert_eq!(found[0].severity, crate::Severity::Warning);
        assert_eq!(found[0].location.path, "year");
    }

    #[test]
    fn the_base_plan_is_clean() {
        check(|_| {}, &[]);
    }

    #[test]
    fn each_rule_reports_its_code() {
        check(|v| v["period"]["to"] = json!(2020), &[Code::PeriodInvalid]);
        check(|v| v["year"] = json!(2024), &[Code::YearOutsidePeriod]);
        check(|v| v["entity"]["code"] = json!("c_a182"), &[]);
        check(
            |v| v["entity"]["code"] = json!("c a182!"),
            &[Code::EntityCode],
        );
        check(
            |v| phase(v, 1)["weight_pct"] = json!(50),
            &[Code::WeightsSum],
        );
        check(
            |v| phase(v, 1)["weight_pct"] = Value::Null,
            &[Code::WeightMissing, Code::WeightsSum],
        );
        check(
            |v| phase(v, 0)["responsible"] = json!(["999"]),
            &[Code::UnknownResponsible],
        );
        check(
            |v| v["units"][1]["responsible_code"] = json!("999"),
            &[Code::UnknownResponsible],
        );
        check(
            |v| phase(v, 1)["label"] = json!("1"),
            &[Code::DuplicateLabel, Code::DeadlineCycle],
        );
        check(
            |v| phase(v, 1)["deadline"]["phase"] = json!("7"),
            &[Code::UnknownPhase],
        );
        check(
            |v| phase(v, 1)["deadline"]["phase"] = json!("2"),
            &[Code::DeadlineCycle],
        );
        check(
            |v| {
                phase(v, 0)["deadline"] =
                    json!({"kind": "relative", "after": "phase", "phase": "2", "days": 5})
            },
            &[Code::DeadlineCycle],
        );
        check(
            |v| phase(v, 0)["deadline"]["date"] = json!("2025-01-31"),
            &[Code::DeadlineOutsidePeriod],
        );
        check(
            |v| v["objectives"][0]["final_deadline"]["date"] = json!("2020-12-31"),
            &[Code::DeadlineOutsidePeriod],
        );
        check(
            |v| phase(v, 0)["deadline"]["date"] = json!("2999-01-31"),
            &[Code::DateImplausible],
        );
        check(
            |v| v["units"][1]["heads"][0]["from"] = json!("0001-01-01"),
            &[Code::DateImplausible],
        );
        check(
            |v| phase(v, 0)["description"] = json!("x".repeat(5_001)),
            &[Code::TextTooLong],
        );
        check(
            |v| v["title"] = json!("x".repeat(1_001)),
            &[Code::TextTooLong],
        );
        check(
            |v| v["objectives"][0]["phases"] = json!([]),
            &[Code::NoPhases],
        );
        check(
            |v| v["objectives"][0]["id"] = json!("settore-a/B"),
            &[Code::ObjectiveIdMismatch],
        );
        check(
            |v| {
                v["objectives"][0]["unit"] = json!("nessuno");
                v["objectives"][0]["id"] = json!("nessuno/A");
            },
            &[Code::UnknownUnit],
        );
        check(
            |v| v["units"][1]["parent"] = json!("area-x"),
            &[Code::UnknownUnit],
        );
        check(
            |v| v["units"][1]["id"] = json!("area-a"),
            &[Code::DuplicateId, Code::UnknownUnit],
        );
        check(
            |v| v["units"][1]["heads"][0]["from"] = json!("2022-01-01"),
            &[Code::HeadPeriod],
        );
        check(
            |v| {
                v["responsibles"] =
                    json!([{"code": "100", "title": "A"}, {"code": "100", "title": "B"}])
            },
            &[Code::DuplicateCode],
        );
        check(
            |v| v["customer_satisfaction"][0]["negative_pct"] = json!(20),
            &[Code::SurveySum],
        );
        check(
            |v| {
                let copy = v["objectives"][0].clone();
                v["objectives"].as_array_mut().unwrap().push(copy);
            },
            &[Code::DuplicateId],
        );
    }

    #[test]
    fn untidy_but_legitimate_cards_pass() {
        // A phase counted from a numbered point of itself is not a circle.
        check(
            |v| phase(v, 1)["deadline"] = json!({"kind": "relative", "after": "phase", "phase": "2", "point": "09", "days": 30}),
            &[],
        );
        // A deadline after "fase 1" when the table splits it into 1a and 1b.
        check(
            |v| {
                phase(v, 0)["label"] = json!("1a");
                let mut b = phase(v, 0).clone();
                b["label"] = json!("1b");
                b["weight_pct"] = json!(0);
                v["objectives"][0]["phases"]
                    .as_array_mut()
                    .unwrap()
                    .insert(1, b);
            },
            &[],
        );
        // Phases after the year-slice deadline belong to the next year's slice.
        check(
            |v| {
                v["objectives"][0]["year_deadline"] = json!({"kind": "date", "date": "2021-12-31"});
                let mut later = phase(v, 0).clone();
                later["label"] = json!("4");
                later["weight_pct"] = json!(100);
                later["deadline"] = json!({"kind": "date", "date": "2022-06-30"});
                v["objectives"][0]["phases"]
                    .as_array_mut()
                    .unwrap()
                    .push(later);
            },
            &[],
        );
        // Codes are checked, names of outside parties are not; nor codes without a codifica table.
        check(|v| phase(v, 0)["responsible"] = json!(["AMAG RETI"]), &[]);
        check(
            |v| {
                v["responsibles"] = json!([]);
                v["units"][1]["responsible_code"] = Value::Null;
                phase(v, 0)["responsible"] = json!(["999"]);
            },
            &[],
        );
        // Rounded survey shares may miss 100 by a point.
        check(
            |v| v["customer_satisfaction"][0]["negative_pct"] = json!(8),
            &[],
        );
    }

    #[test]
    fn messages_are_italian_and_name_the_place() {
        let mut v = base();
        v["objectives"][0]["phases"][1]["weight_pct"] = json!(50);
        let plan: Plan = serde_json::from_value(v).unwrap();
        let d = &validate(&plan)[0];
        assert_eq!(d.location.path, "objectives[0].phases");
        assert_eq!(
            d.message,
            "Nell'obiettivo settore-a/A le incidenze delle fasi dell'annualità 2021 sommano a 90% invece che a 100%."
        );
        assert_eq!(d.to_string(), "error weights-sum at objectives[0].phases");
    }
}
