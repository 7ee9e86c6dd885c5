//! Changes to an approved plan: the head of a unit asks to move a deadline or change a weight,
//! the target or an indicator, with a reason; the Nucleo gives its opinion; the Giunta approves
//! (a new version of the plan) or rejects, with its deliberation.

use domain::access::{Action, decide};
use domain::change::{self, Proposal};
use domain::limits::{self, Field};
use domain::{BoardAct, Objective, Percent, PlanId, messages};
use store::{Person, Stamp, StoreError};

use crate::monitoring::{date, text};
use crate::{Cycle, Outcome, Refusal, View};

/// The Nucleo's opinion on a request: favourable or not, with its reasons.
#[derive(Debug, Clone, Copy)]
pub struct OpinionRequest<'a> {
    /// `None`: neither was chosen.
    pub favourable: Option<bool>,
    pub text: &'a str,
}

/// The Giunta's decision on a request, with its deliberation's number and date (as typed).
#[derive(Debug, Clone, Copy)]
pub struct DecisionRequest<'a> {
    /// `None`: neither was chosen.
    pub approve: Option<bool>,
    pub act_number: &'a str,
    pub act_date: &'a str,
}

/// The proposal a form asks for, or why it cannot be read (in Italian).
pub fn proposal(o: &Objective, year: i32, what: &str, value: &str) -> Outcome<Proposal> {
    let bad = |m: &str| Refusal::Invalid(m.into());
    let phase = |label: &str| {
        o.phases
            .iter()
            .position(|p| p.label.as_str() == label)
            .ok_or_else(|| bad("La fase scelta non c'è nell'obiettivo."))
    };
    let value = value.trim();
    if let Some(label) = what.strip_prefix("scadenza-") {
        let date = limits::parse_date(value)
            .ok_or_else(|| bad("La nuova scadenza è una data: GG/MM/AAAA."))?;
        let date = limits::plausible(date, year)
            .map_err(|e| Refusal::Invalid(messages::date_out_of_range("La nuova scadenza", &e)))?;
        return Ok(Proposal::Deadline {
            phase: phase(label)?,
            date,
        });
    }
    if let Some(label) = what.strip_prefix("incidenza-") {
        let weight = match value {
            "" => None,
            v => Some(
                v.replace(',', ".")
                    .parse()
                    .ok()
                    .and_then(|d| Percent::new(d).ok())
                    .ok_or_else(|| bad("La nuova incidenza è un numero da 0 a 100."))?,
            ),
        };
        return Ok(Proposal::Weight {
            phase: phase(label)?,
            weight,
        });
    }
    if what == "risultato" {
        return Ok(Proposal::Target { text: value.into() });
    }
    if let Some(n) = what.strip_prefix("indicatore-") {
        let position = n
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1))
            .ok_or_else(|| bad("L'indicatore scelto non c'è nell'obiettivo."))?;
        return Ok(Proposal::Indicator {
            position,
            text: value.into(),
        });
    }
    Err(bad("Scegliere che cosa cambiare."))
}

impl View {
    /// Request `id` (as typed) of this plan.
    pub fn find_request(&self, id: &str) -> Outcome<i64> {
        id.parse::<i64>()
            .ok()
            .filter(|id| self.requests.iter().any(|r| r.id == *id))
            .ok_or_else(|| Refusal::NotFound(format!("una richiesta n. «{id}» in questo piano")))
    }
}

/// A store conflict on a request, in words: the plan changed meanwhile, or `what`.
fn conflict(e: StoreError, what: &str) -> Refusal {
    match e {
        StoreError::Conflict(m) if m.starts_with("plan changed") => Refusal::OutOfTurn(
            "Nel frattempo il piano è cambiato: ricaricare la pagina e decidere di nuovo.".into(),
        ),
        StoreError::Conflict(_) => Refusal::OutOfTurn(what.into()),
        other => other.into(),
    }
}

impl Cycle {
    /// The head of the objective's unit asks for a change (`what` and `value` as the form
    /// names them), with a reason. Returns the request's id.
    #[allow(clippy::too_many_arguments)]
    pub async fn ask_change(
        &self,
        plan: &PlanId,
        person: &Person,
        objective: (&str, &str),
        what: &str,
        value: &str,
        reason: &str,
        stamp: &Stamp,
    ) -> Outcome<i64> {
        let (v, actor, index) = self.for_objective_write(plan, person, objective).await?;
        let o = &v.plan.objectives[index];
        decide(
            Some(&actor),
            Action::RequestChange {
                unit: &o.unit,
                day: Some(self.day_of(stamp)),
            },
            v.summary.state,
        )?;
        let reason = text(Field::Reason, reason)?;
        if reason.is_empty() {
            return Err(Refusal::Invalid(
                "Il motivo della richiesta è obbligatorio.".into(),
            ));
        }
        let value = text(Field::ProposedValue, value)?;
        let proposal = proposal(o, v.plan.year, what, &value)?;
        change::apply(&v.plan, index, &proposal)
            .map_err(|e| Refusal::Invalid(messages::change_error(&e)))?;
        let id = self
            .store
            .request_change(v.id(), o.id.as_str(), &proposal, &reason, stamp)
            .await?;
        self.changed(v.id()).await;
        Ok(id)
    }

    /// The Nucleo's opinion on request `request` (as typed).
    pub async fn give_opinion(
        &self,
        plan: &PlanId,
        person: &Person,
        request: &str,
        opinion: OpinionRequest<'_>,
        stamp: &Stamp,
    ) -> Outcome<i64> {
        let v = self.for_action(plan, person, Action::GiveOpinion).await?;
        let request = v.find_request(request)?;
        let favourable = opinion
            .favourable
            .ok_or_else(|| Refusal::Invalid("Scegliere parere favorevole o contrario.".into()))?;
        let text = text(Field::Opinion, opinion.text)?;
        if text.is_empty() {
            return Err(Refusal::Invalid(
                "La motivazione del parere è obbligatoria.".into(),
            ));
        }
        self.store
            .give_opinion(v.id(), request, favourable, &text, stamp)
            .await
            .map_err(|e| conflict(e, "La richiesta ha già il parere del Nucleo."))?;
        self.changed(v.id()).await;
        Ok(request)
    }

    /// The Giunta's decision on request `request` (as typed): an approval makes a new version
    /// of the plan (returned).
    pub async fn decide_change(
        &self,
        plan: &PlanId,
        person: &Person,
        request: &str,
        decision: DecisionRequest<'_>,
        stamp: &Stamp,
    ) -> Outcome<(i64, Option<i64>)> {
        let v = self.for_action(plan, person, Action::DecideChange).await?;
        let request = v.find_request(request)?;
        let number = text(Field::BoardActNumber, decision.act_number)?;
        let on = match decision.act_date.trim() {
            "" => None,
            d => Some(date(d, v.plan.year, "La data della deliberazione")?),
        };
        let (false, Some(on)) = (number.is_empty(), on) else {
            return Err(Refusal::Invalid(
                "Servono il numero e la data della deliberazione della Giunta.".into(),
            ));
        };
        let act = BoardAct { number, date: on };
        let r = v
            .requests
            .iter()
            .find(|r| r.id == request)
            .ok_or_else(|| Refusal::NotFound("questa richiesta".into()))?;
        let approve = decision
            .approve
            .ok_or_else(|| Refusal::Malformed("Scegliere «Approva» o «Respingi».".into()))?;
        let version = if approve {
            let index = v
                .plan
                .objectives
                .iter()
                .position(|o| o.id.as_str() == r.objective)
                .ok_or_else(|| Refusal::OutOfTurn("L'obiettivo non c'è più nel piano.".into()))?;
            let next = change::apply(&v.plan, index, &r.proposal)
                .map_err(|e| Refusal::OutOfTurn(messages::change_error(&e)))?;
            let json = v.json();
            let current = std::str::from_utf8(&json)
                .map_err(|e| StoreError::Corrupt(format!("plan JSON: {e}")))?;
            self.store
                .decide_change(
                    v.id(),
                    request,
                    &act,
                    Some((current, &next, &next.objectives[index])),
                    v.summary.revision,
                    stamp,
                )
                .await
        } else {
            self.store
                .decide_change(v.id(), request, &act, None, v.summary.revision, stamp)
                .await
        }
        .map_err(|e| conflict(e, "La richiesta non attende la decisione della Giunta."))?;
        self.changed(v.id()).await;
        Ok((request, version))
    }
}
