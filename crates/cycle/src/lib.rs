//! The use cases of the performance cycle: one function per thing a person does (report a
//! phase, record an indicator's value, perform an act, open a round, ask for a change…). Each
//! takes typed input, the person and a `Stamp`, decides through `domain`, writes through
//! `store` in one transaction and returns a typed outcome or a typed `Refusal`. The pages, the
//! API and the command line are adapters over these calls; none holds a rule of its own.

pub mod accounts;
mod acts;
mod changes;
pub mod creation;
pub mod demo;
pub mod documents;
mod drafting;
pub mod entity;
pub mod evaluation;
mod monitoring;
pub mod papers;
mod phases;
mod plans;
mod refusal;
pub mod relazione;
pub mod reminders;
mod rollover;
pub mod transparency;
mod view;

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use domain::{Action, Actor, PlanId};
use store::{Person, Stamp, Store, StoreError};

pub use acts::ActRequest;
pub use changes::proposal;
pub use changes::{DecisionRequest, OpinionRequest};
pub use drafting::{DraftOutcome, Drafted, Stale};
pub use monitoring::events_of;
pub use monitoring::{Neutralising, PartChoice};
pub use phases::{
    EVIDENCE_MAX_BYTES, Located, PhaseAt, PhaseEdit, PhaseForm, evidence_name, evidence_type,
};
pub use refusal::{Outcome, Refusal};
pub use rollover::{Keep, Rolled};
pub use view::{Calendar, Part, View};

/// Where the present comes from: the clock where the application runs, or a fixed day in
/// tests and in the demo. The use cases never read the clock themselves.
pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> DateTime<Utc>;
    /// Today where the administration works.
    fn today(&self) -> NaiveDate;
    /// The day an instant falls on where the administration works (UTC's, unless told).
    fn day_of(&self, at: DateTime<Utc>) -> NaiveDate {
        at.date_naive()
    }
    /// The instant `day` ends (the next begins) where the administration works.
    fn day_end(&self, day: NaiveDate) -> DateTime<Utc> {
        day.succ_opt()
            .unwrap_or(day)
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default()
            .and_utc()
    }
}

/// The use cases over one store, with the plans read from it kept in memory.
#[derive(Debug, Clone)]
pub struct Cycle {
    store: Store,
    plans: Arc<plans::Plans>,
    clock: Arc<dyn Clock>,
}

impl Cycle {
    pub fn new(store: Store, clock: Arc<dyn Clock>) -> Self {
        Cycle {
            plans: Arc::new(plans::Plans::new(store.clone())),
            store,
            clock,
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn today(&self) -> NaiveDate {
        self.clock.today()
    }

    /// The day a change is made on, for the rules that depend on it (a head acts in their own
    /// period), where the administration works.
    pub fn day_of(&self, stamp: &Stamp) -> NaiveDate {
        self.clock.day_of(stamp.at)
    }

    /// The stamp of a change `person` makes now.
    pub fn stamp(&self, person: &Person) -> Stamp {
        Stamp {
            actor: person.username.to_string(),
            at: self.now(),
        }
    }

    /// The plan with this id if `person` (`None`: the public) may read it, with who they are
    /// in it. A plan they may not read does not exist for them: the same refusal as an
    /// unknown id. `fresh` asks the store for the plan's revision first (for writes).
    pub async fn view(
        &self,
        id: &PlanId,
        person: Option<&Person>,
        fresh: bool,
    ) -> Outcome<(Arc<View>, Option<Actor>)> {
        let missing = || Refusal::NotFound(format!("il piano «{id}»"));
        let view = self.plans.get(id, fresh).await.map_err(|e| match e {
            StoreError::NotFound(_) => missing(),
            other => other.into(),
        })?;
        let actor = person.and_then(|p| actor(p, &view));
        match domain::access::decide(actor.as_ref(), Action::ReadPlan, view.summary.state) {
            Ok(()) => Ok((view, actor)),
            Err(_) => Err(missing()),
        }
    }

    /// `view`, as the plan stood at the end of `day` (facts recorded by then, the version in
    /// force then); the plan as it is for today, a later day or none.
    pub async fn view_on(
        &self,
        id: &PlanId,
        person: Option<&Person>,
        day: Option<NaiveDate>,
    ) -> Outcome<(Arc<View>, Option<Actor>)> {
        let (view, actor) = self.view(id, person, false).await?;
        let Some(day) = day.filter(|d| *d < self.today()) else {
            return Ok((view, actor));
        };
        if let Some(past) = view.past(day) {
            return Ok((past, actor));
        }
        let at = self.clock.day_end(day);
        let facts = view.facts();
        let last = facts.versions.iter().map(|v| v.number).max();
        let plan = match (domain::facts::version_at(&facts, at), &facts.original) {
            (None, Some(original)) => original.clone(),
            (Some(n), _) if Some(n) != last => self.store.version(id, n).await?,
            _ => facts.plan.clone(),
        };
        let mut then = View::new(domain::facts::as_of(&facts, &facts.log, at, plan))?;
        then.day = Some(day);
        let then = Arc::new(then);
        view.keep_past(day, then.clone());
        Ok((then, actor))
    }

    /// Forgets a plan this process changed, so that the next read sees it as stored.
    pub async fn changed(&self, id: &PlanId) {
        self.plans.invalidate(id).await;
    }

    /// A plan for a write by `person`: read fresh, and only for a person of its
    /// administration (another one's people read it as the public does, and act on nothing).
    async fn for_write(&self, id: &PlanId, person: &Person) -> Outcome<(Arc<View>, Actor)> {
        let (view, actor) = self.view(id, Some(person), true).await?;
        let actor = actor.ok_or(Refusal::Denied(domain::Refusal::OtherAdministration))?;
        Ok((view, actor))
    }

    /// `for_write`, for a person who may do `action` on the plan in its state.
    async fn for_action(
        &self,
        id: &PlanId,
        person: &Person,
        action: domain::access::Action<'_>,
    ) -> Outcome<Arc<View>> {
        let (view, actor) = self.for_write(id, person).await?;
        domain::access::decide(Some(&actor), action, view.summary.state)?;
        Ok(view)
    }

    /// `for_write`, with the position of objective `unit`/`label` in the plan.
    async fn for_objective_write(
        &self,
        id: &PlanId,
        person: &Person,
        (unit, label): (&str, &str),
    ) -> Outcome<(Arc<View>, Actor, usize)> {
        let (view, actor) = self.for_write(id, person).await?;
        let index = view.find_objective(unit, label)?;
        Ok((view, actor, index))
    }
}

/// A person as the actor of a plan: none for a plan of another administration.
pub fn actor(person: &Person, view: &View) -> Option<Actor> {
    domain::access::actor(
        &view.grants,
        &view.entity,
        person.entity.as_deref(),
        &person.name,
        &person.roles,
        &person.units,
    )
}
