//! Plans as the pages and the API read them: loaded from the store once, kept in memory with
//! their indexes and their JSON, and read again when the stored revision changes (another
//! process may replace a plan: entries older than a second ask the store for its revision).

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use chrono::NaiveDate;
use domain::scoring::engine::{self, PlanScores, Settings, Subject};
use domain::{Objective, Plan, Unit, messages};
use store::{Monitoring, PhaseRecord, PlanSummary, Store, StoreError};
use tokio::sync::RwLock;

const FRESH_FOR: Duration = Duration::from_secs(1);

/// One plan ready to show.
#[derive(Debug)]
pub struct PlanView {
    pub summary: PlanSummary,
    pub plan: Plan,
    /// The administration's slug (people of another administration have no role here).
    pub entity: String,
    /// What was recorded on each phase (version, completion), by objective and phase position.
    pub records: Vec<Vec<PhaseRecord>>,
    /// The plan's own recorded acts and imports (its audit entries about the plan itself).
    pub history: Vec<domain::audit::Entry>,
    /// What monitoring recorded: rounds, actuals, evidence, neutralisations, events.
    pub monitoring: Monitoring,
    /// The plan's scoring settings (the defaults when none are stored, or when the stored
    /// ones no longer fit: `settings_error` says why).
    pub settings: Settings,
    pub settings_error: Option<String>,
    /// The change requests of the plan, oldest first.
    pub requests: Vec<store::ChangeRequest>,
    /// The plan's versions (none until a change is approved).
    pub versions: Vec<store::VersionInfo>,
    /// The plan as approved (version 1), once a change made another version.
    pub original: Option<Plan>,
    /// The scores as of the day they were computed.
    scores: (NaiveDate, Arc<PlanScores>),
    /// Units by the responsibility code that names them.
    by_code: HashMap<String, usize>,
    /// The plan as `pegaso.plan/1` text, exactly as `pegaso export` writes it (shared by
    /// every response, not copied).
    pub json: Bytes,
    /// Each objective's card as HTML, rendered on first request: a card is a function of the
    /// plan's revision alone, and this view lives exactly as long as its revision.
    cards: Vec<OnceLock<String>>,
    /// For each unit (by position), the objectives of other units whose phases name it.
    involved: Vec<Vec<usize>>,
    /// For each objective (by position), the units its phases name, in plan order.
    involves: Vec<Vec<usize>>,
}

impl PlanView {
    fn new(
        summary: PlanSummary,
        plan: Plan,
        records: Vec<Vec<PhaseRecord>>,
        history: Vec<domain::audit::Entry>,
        monitoring: Monitoring,
        changes: Changes,
    ) -> Result<Self, StoreError> {
        let (settings, settings_error) = match monitoring.scoring.as_deref() {
            None => (Settings::default(), None),
            Some(json) => match Settings::parse(json, &plan) {
                Ok(s) => (s, None),
                Err(e) => {
                    tracing::warn!(plan = summary.id, "stored scoring settings unusable: {e}");
                    (Settings::default(), Some(messages::settings_error(&e)))
                }
            },
        };
        let mut json = serde_json::to_string_pretty(&plan)
            .map_err(|e| StoreError::Corrupt(format!("plan JSON: {e}")))?;
        json.push('\n');
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
        let today = crate::today();
        let scores = Arc::new(compute(&plan, &settings, &records, &monitoring, today));
        Ok(PlanView {
            summary,
            monitoring,
            requests: changes.requests,
            versions: changes.versions,
            original: changes.original,
            settings,
            settings_error,
            scores: (today, scores),
            cards: (0..plan.objectives.len())
                .map(|_| OnceLock::new())
                .collect(),
            entity: store::entity_slug(&plan),
            plan,
            records,
            history,
            by_code,
            json: Bytes::from(json),
            involved,
            involves,
        })
    }

    /// The plan scored as of today (computed again when the day has changed).
    pub fn scores(&self) -> Arc<PlanScores> {
        let today = crate::today();
        if self.scores.0 == today {
            return self.scores.1.clone();
        }
        Arc::new(compute(
            &self.plan,
            &self.settings,
            &self.records,
            &self.monitoring,
            today,
        ))
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

    pub fn id(&self) -> &str {
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

/// Change requests and versions, read with the plan.
struct Changes {
    requests: Vec<store::ChangeRequest>,
    versions: Vec<store::VersionInfo>,
    original: Option<Plan>,
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

struct Entry {
    view: Arc<PlanView>,
    checked: Instant,
}

/// The plans read so far, by id.
pub struct Plans {
    store: Store,
    entries: RwLock<HashMap<String, Entry>>,
}

impl std::fmt::Debug for Plans {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Plans").finish_non_exhaustive()
    }
}

impl Plans {
    pub fn new(store: Store) -> Self {
        Plans {
            store,
            entries: RwLock::new(HashMap::new()),
        }
    }

    /// Forgets a plan this process just changed, so that the next request reads it again.
    pub async fn invalidate(&self, id: &str) {
        self.entries.write().await.remove(id);
    }

    /// The plan with this id, from memory when it is still the stored revision. `fresh` asks
    /// the store for the revision even when it was checked less than a second ago: writes act
    /// on the plan as it is now, not as another process left it a moment ago.
    pub async fn get(&self, id: &str, fresh: bool) -> Result<Arc<PlanView>, StoreError> {
        let stale = {
            let entries = self.entries.read().await;
            match entries.get(id) {
                Some(e) if !fresh && e.checked.elapsed() < FRESH_FOR => return Ok(e.view.clone()),
                Some(e) => Some(e.view.clone()),
                None => None,
            }
        };
        if let Some(view) = stale
            && self.store.revision(id).await? == view.summary.revision
        {
            if let Some(e) = self.entries.write().await.get_mut(id) {
                e.checked = Instant::now();
            }
            return Ok(view);
        }
        let (summary, plan) = self.store.plan_with_summary(id).await?;
        let records = self.store.phase_records(id).await?;
        // Acts and imports change the revision, so the plan's history lives as long as the view.
        let filter = store::AuditFilter {
            plan: Some(id.to_owned()),
            subject: Some(id.to_owned()),
            ..store::AuditFilter::default()
        };
        let history = self.store.audit_log(&filter).await?;
        let monitoring = self.store.monitoring(id).await?;
        let versions = self.store.versions(id).await?;
        let original = match versions.first() {
            Some(v) => Some(self.store.version(id, v.number).await?),
            None => None,
        };
        let changes = Changes {
            requests: self.store.change_requests(id).await?,
            versions,
            original,
        };
        let view = Arc::new(PlanView::new(
            summary, plan, records, history, monitoring, changes,
        )?);
        self.entries.write().await.insert(
            id.to_owned(),
            Entry {
                view: view.clone(),
                checked: Instant::now(),
            },
        );
        Ok(view)
    }
}
