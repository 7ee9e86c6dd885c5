//! Plans as the pages and the API read them: loaded from the store once, kept in memory with
//! their indexes and their JSON, and read again when the stored revision changes (another
//! process may replace a plan: entries older than a second ask the store for its revision).

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use domain::{Objective, Plan, Unit};
use store::{PhaseRecord, PlanSummary, Store, StoreError};
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
    ) -> Result<Self, StoreError> {
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
        Ok(PlanView {
            summary,
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
        let view = Arc::new(PlanView::new(summary, plan, records, history)?);
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
