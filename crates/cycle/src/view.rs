//! A plan as the pages, the API and the use cases read it: its facts (read from the store in
//! one snapshot) with the indexes that answer "who is involved in what", its JSON text, its
//! scores for each day asked (computed once), and each objective's card as the pages render
//! it (memoised: a card is a function of the plan's revision alone).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use bytes::Bytes;
use chrono::NaiveDate;
use domain::facts::{Facts, Monitoring, PhaseRecord, PlanSummary};
use domain::scoring::engine::{self, PlanScores, Settings, Subject};
use domain::{Objective, Plan, PlanId, Unit, messages};
use store::StoreError;

/// How many days' scores a view keeps.
const SCORED_DAYS: usize = 8;

/// A part of a page (its name), the objective it is about, the day it shows, and, for a part
/// that depends on who reads it, today and who they are.
type ByDay = (
    &'static str,
    usize,
    NaiveDate,
    Option<(NaiveDate, domain::Actor)>,
);

/// One plan ready to show.
#[derive(Debug)]
pub struct View {
    pub summary: PlanSummary,
    pub plan: Plan,
    /// The administration's slug (people of another administration have no role here).
    pub entity: String,
    /// What was recorded on each phase (version, completion), by objective and phase position.
    pub records: Vec<Vec<PhaseRecord>>,
    /// The plan's own recorded acts and imports (its audit entries about the plan itself).
    pub history: Vec<domain::audit::Entry>,
    /// Every audit entry of the plan, oldest first.
    pub log: Vec<domain::audit::Entry>,
    /// What monitoring recorded: rounds, actuals, evidence, neutralisations, events.
    pub monitoring: Monitoring,
    /// The plan's scoring settings (the defaults when none are stored, or when the stored
    /// ones no longer fit: `settings_error` says why).
    pub settings: Settings,
    pub settings_error: Option<String>,
    /// The change requests of the plan, oldest first.
    pub requests: Vec<domain::facts::ChangeRequest>,
    /// The plan's versions (none until a change is approved).
    pub versions: Vec<domain::facts::VersionInfo>,
    /// The plan as approved (version 1), once a change made another version.
    pub original: Option<Plan>,
    /// The scores of the days asked for so far (a few), computed once each: the facts do not
    /// change while this view lives.
    scores: Mutex<Vec<(NaiveDate, Arc<PlanScores>)>>,
    /// Parts of pages that depend on an objective and a day, not on who reads (an objective's
    /// score and its explanation, its history), rendered once each, by the part's name.
    by_day: Mutex<HashMap<ByDay, Arc<str>>>,
    /// The day this view shows the plan as it stood on (its facts recorded by the end of
    /// it); `None` for the plan as it is now.
    pub day: Option<NaiveDate>,
    /// Views of earlier days asked for so far (a few), built once each from this revision.
    past: Mutex<Vec<(NaiveDate, Arc<View>)>>,
    /// Units by the responsibility code that names them.
    by_code: HashMap<String, usize>,
    /// The plan as `pegaso.plan/1` text (`json()`), made on first use.
    json: OnceLock<Bytes>,
    /// Each objective's card as HTML, rendered on first request: a card is a function of the
    /// plan's revision alone, and this view lives exactly as long as its revision.
    cards: Vec<OnceLock<String>>,
    /// For each unit (by position), the objectives of other units whose phases name it.
    involved: Vec<Vec<usize>>,
    /// For each objective (by position), its phases' planned dates (before any fact).
    planned: Vec<Vec<domain::schedule::Planned>>,
    /// For each objective (by position), the units its phases name, in plan order.
    involves: Vec<Vec<usize>>,
    /// Who heads which unit: a person's grants are a lookup.
    pub grants: domain::access::Grants,
}

impl View {
    /// The view of a plan's facts, with its indexes.
    pub fn new(facts: Facts) -> Result<Self, StoreError> {
        let Facts {
            summary,
            plan,
            records,
            history,
            log,
            monitoring,
            requests,
            versions,
            original,
        } = facts;
        let (settings, settings_error) = match monitoring.scoring.as_deref() {
            None => (Settings::default(), None),
            Some(json) => match Settings::parse(json, &plan) {
                Ok(s) => (s, None),
                Err(e) => {
                    tracing::warn!(plan = %summary.id, "stored scoring settings unusable: {e}");
                    (Settings::default(), Some(messages::settings_error(&e)))
                }
            },
        };
        let by_code: HashMap<String, usize> = plan
            .units
            .iter()
            .enumerate()
            .filter_map(|(i, u)| Some((u.responsible_code.clone()?, i)))
            .collect();
        let mut involved = vec![Vec::new(); plan.units.len()];
        let mut involves = Vec::with_capacity(plan.objectives.len());
        for (oi, o) in plan.objectives.iter().enumerate() {
            let mut units: Vec<usize> = o
                .phases
                .iter()
                .flat_map(|p| p.responsible.iter())
                .filter_map(|code| by_code.get(code.as_str()).copied())
                .collect();
            units.sort_unstable();
            units.dedup();
            for &u in &units {
                if plan.units[u].id != o.unit {
                    involved[u].push(oi);
                }
            }
            involves.push(units);
        }
        let planned = plan
            .objectives
            .iter()
            .map(|o| domain::schedule::planned(o, plan.year))
            .collect();
        Ok(View {
            summary,
            monitoring,
            requests,
            versions,
            original,
            settings,
            settings_error,
            scores: Mutex::new(Vec::new()),
            by_day: Mutex::new(HashMap::new()),
            day: None,
            past: Mutex::new(Vec::new()),
            cards: (0..plan.objectives.len())
                .map(|_| OnceLock::new())
                .collect(),
            entity: plan.entity_slug(),
            grants: domain::access::Grants::of_plan(&plan),
            plan,
            records,
            history,
            log,
            by_code,
            json: OnceLock::new(),
            involved,
            involves,
            planned,
        })
    }

    /// The history of objective `objective` (by position): the entries of its phases, oldest
    /// first.
    pub fn objective_history(&self, objective: usize) -> Vec<&domain::audit::Entry> {
        let Some(o) = self.plan.objectives.get(objective) else {
            return Vec::new();
        };
        let prefix = format!("{}/{}/{}/", self.id(), o.unit, o.label);
        self.log
            .iter()
            .filter(|e| e.subject.starts_with(&prefix))
            .collect()
    }

    /// The part of a page about objective `objective` on `day`, rendered by `render` the first
    /// time it is asked.
    pub fn by_day(
        &self,
        part: (&'static str, usize),
        day: NaiveDate,
        render: impl FnOnce() -> String,
    ) -> Arc<str> {
        self.for_reader(part, day, None, render)
    }

    /// `by_day` for a part that also depends on who reads and on today (the edits open to
    /// them): `reader` is today and who they are in the plan.
    pub fn for_reader(
        &self,
        (part, objective): (&'static str, usize),
        day: NaiveDate,
        reader: Option<(NaiveDate, domain::Actor)>,
        render: impl FnOnce() -> String,
    ) -> Arc<str> {
        let key = (part, objective, day, reader);
        if let Some(s) = self.lock_by_day().get(&key) {
            return s.clone();
        }
        let rendered: Arc<str> = render().into();
        let mut memo = self.lock_by_day();
        // Bounded: a crawler asking every day of every objective, or many readers, empty it.
        if memo.len() >= 4096 {
            memo.clear();
        }
        memo.insert(key, rendered.clone());
        rendered
    }

    fn lock_by_day(&self) -> std::sync::MutexGuard<'_, HashMap<ByDay, Arc<str>>> {
        self.by_day
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The planned dates of objective `objective`'s phases (by positions).
    pub fn planned(&self, objective: usize) -> &[domain::schedule::Planned] {
        self.planned.get(objective).map_or(&[], Vec::as_slice)
    }

    /// The plan as `pegaso.plan/1` text, exactly as `pegaso export` writes it: made on first
    /// use, then shared (not copied) by every answer.
    pub fn json(&self) -> Bytes {
        self.json
            .get_or_init(|| {
                let mut json = serde_json::to_string_pretty(&self.plan).unwrap_or_default();
                json.push('\n');
                Bytes::from(json)
            })
            .clone()
    }

    /// The facts this view was made from.
    pub fn facts(&self) -> Facts {
        Facts {
            summary: self.summary.clone(),
            plan: self.plan.clone(),
            records: self.records.clone(),
            history: self.history.clone(),
            log: self.log.clone(),
            monitoring: self.monitoring.clone(),
            requests: self.requests.clone(),
            versions: self.versions.clone(),
            original: self.original.clone(),
        }
    }

    /// The view of `day` built before from this one, if any.
    pub(crate) fn past(&self, day: NaiveDate) -> Option<Arc<View>> {
        let memo = self
            .past
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        memo.iter().find(|(d, _)| *d == day).map(|(_, v)| v.clone())
    }

    /// Keeps the view of `day`, built from this one.
    pub(crate) fn keep_past(&self, day: NaiveDate, view: Arc<View>) {
        let mut memo = self
            .past
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if memo.len() >= SCORED_DAYS {
            memo.remove(0);
        }
        memo.push((day, view));
    }

    /// The day the situation is shown for: this view's, or `today` for the plan as it is.
    pub fn situation_day(&self, today: NaiveDate) -> NaiveDate {
        self.day.unwrap_or(today)
    }

    /// The plan scored as of `day`, computed once for each day asked.
    pub fn scores(&self, day: NaiveDate) -> Arc<PlanScores> {
        let mut memo = self
            .scores
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((_, s)) = memo.iter().find(|(d, _)| *d == day) {
            return s.clone();
        }
        let s = Arc::new(compute(
            &self.plan,
            &self.settings,
            &self.records,
            &self.monitoring,
            day,
        ));
        // Today and a few days looked back at: the oldest asked goes first.
        if memo.len() >= SCORED_DAYS {
            memo.remove(0);
        }
        memo.push((day, s.clone()));
        s
    }

    /// The neutralisation key of a part of objective `objective` (by position).
    pub fn subject(&self, objective: usize, part: Part) -> Option<String> {
        let subject = match part {
            Part::Whole => Subject::Objective(objective),
            Part::Phase(p) => Subject::Phase(objective, p),
            Part::Indicator(i) => Subject::Indicator(objective, i),
        };
        subject.key(&self.plan)
    }

    /// What changed on objective `objective` (by position) since the plan was approved.
    pub fn revised(&self, objective: usize) -> Vec<domain::change::Difference> {
        let (Some(original), Some(o)) = (&self.original, self.plan.objectives.get(objective))
        else {
            return Vec::new();
        };
        original
            .objectives
            .iter()
            .find(|x| x.id == o.id)
            .map(|before| domain::change::diff_objective(before, o))
            .unwrap_or_default()
    }

    /// What was recorded on phase `phase` of objective `objective` (both by position).
    pub fn record(&self, objective: usize, phase: usize) -> Option<&PhaseRecord> {
        self.records.get(objective)?.get(phase)
    }

    /// The units a phase names by its codes.
    pub fn phase_units(&self, phase: &domain::Phase) -> Vec<domain::UnitId> {
        phase
            .responsible
            .iter()
            .filter_map(|c| self.by_code.get(c))
            .filter_map(|&u| self.plan.units.get(u))
            .map(|u| u.id.clone())
            .collect()
    }

    pub fn id(&self) -> &PlanId {
        &self.summary.id
    }

    pub fn unit(&self, id: &str) -> Option<(usize, &Unit)> {
        self.plan
            .units
            .iter()
            .enumerate()
            .find(|(_, u)| u.id.as_str() == id)
    }

    pub fn objective(&self, unit: &str, label: &str) -> Option<&Objective> {
        self.objective_index(unit, label)
            .and_then(|i| self.plan.objectives.get(i))
    }

    pub fn objective_index(&self, unit: &str, label: &str) -> Option<usize> {
        self.plan
            .objectives
            .iter()
            .position(|o| o.unit.as_str() == unit && o.label.as_str() == label)
    }

    /// The HTML of objective `index`'s card, rendered by `render` the first time.
    pub fn card(&self, index: usize, render: impl FnOnce() -> String) -> Option<&str> {
        self.cards
            .get(index)
            .map(|c| c.get_or_init(render).as_str())
    }

    pub fn objectives_of<'a>(&'a self, unit: &'a Unit) -> impl Iterator<Item = &'a Objective> {
        self.plan
            .objectives
            .iter()
            .filter(move |o| o.unit == unit.id)
    }

    /// The objectives of other units that name unit `index` in their phases.
    pub fn involved_in(&self, index: usize) -> impl Iterator<Item = &Objective> {
        self.involved
            .get(index)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.plan.objectives.get(i))
    }

    /// Whether objective `objective` (by position) names unit `unit` (by position).
    pub fn involves(&self, objective: usize, unit: usize) -> bool {
        self.involves
            .get(objective)
            .is_some_and(|units| units.binary_search(&unit).is_ok())
    }

    /// The units (by position) that own an objective or take part in one.
    pub fn units_at_work(&self) -> Vec<usize> {
        (0..self.plan.units.len())
            .filter(|&u| {
                let id = &self.plan.units[u].id;
                self.plan.objectives.iter().any(|o| &o.unit == id) || !self.involved[u].is_empty()
            })
            .collect()
    }
}

/// A part of an objective the evaluator can neutralise (positions from 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Whole,
    Phase(usize),
    Indicator(usize),
}

/// Scores a plan from what was recorded on it.
fn compute(
    plan: &Plan,
    settings: &Settings,
    records: &[Vec<PhaseRecord>],
    monitoring: &Monitoring,
    today: NaiveDate,
) -> PlanScores {
    let done: Vec<Vec<Option<NaiveDate>>> = records
        .iter()
        .map(|r| r.iter().map(|p| p.completed_on).collect())
        .collect();
    let actuals: Vec<Vec<Option<rust_decimal::Decimal>>> = monitoring
        .actuals
        .iter()
        .map(|o| o.iter().map(|a| a.as_ref().map(|a| a.value)).collect())
        .collect();
    let neutralised = monitoring.neutralised(plan);
    let facts = engine::Facts {
        done: &done,
        actuals: &actuals,
        events: &monitoring.events,
        neutralised: Some(&neutralised),
    };
    // Settings and actuals are bounded where they come in; should arithmetic still fail, the
    // plan stays readable, scored by its phases under the default rules.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        engine::score(plan, settings, &facts, today)
    }))
    .unwrap_or_else(|_| {
        tracing::error!("scoring failed: scored with the default rules instead");
        let phases_only = engine::Facts {
            actuals: &[],
            ..facts
        };
        engine::score(plan, &Settings::default(), &phases_only, today)
    })
}

/// An objective's phases against the facts: each one's deadline (counted from what was
/// done), completion and standing on `today`.
#[derive(Debug, Clone)]
pub struct Calendar {
    pub due: Vec<Option<chrono::NaiveDate>>,
    pub done: Vec<Option<chrono::NaiveDate>>,
    pub standings: Vec<domain::schedule::Standing>,
}

impl View {
    /// The calendar of objective `objective` (by position) of the plan.
    pub fn calendar(&self, objective: usize, today: NaiveDate) -> Calendar {
        let Some(o) = self.plan.objectives.get(objective) else {
            return Calendar {
                due: vec![],
                done: vec![],
                standings: vec![],
            };
        };
        // A phase counted from another moves with the other's actual completion.
        let done: Vec<Option<NaiveDate>> = (0..o.phases.len())
            .map(|i| self.record(objective, i).and_then(|r| r.completed_on))
            .collect();
        let facts = domain::schedule::Facts {
            done: &done,
            events: &self.monitoring.events,
        };
        let due: Vec<Option<NaiveDate>> = domain::schedule::resolved(o, self.plan.year, &facts)
            .iter()
            .map(|p| p.due)
            .collect();
        let standings = due
            .iter()
            .zip(&done)
            .map(|(due, done)| {
                domain::schedule::standing(*due, *done, today, self.settings.warn_days)
            })
            .collect();
        Calendar {
            due,
            done,
            standings,
        }
    }
}
