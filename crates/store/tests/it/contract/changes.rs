//! Change requests' contract: a request is asked, given the Nucleo's opinion and decided by
//! the Giunta, each step only in its turn and only on the revision the decision was computed
//! from. An approval changes the stored plan into exactly what `domain::change::apply` gives
//! for every kind of proposal (a changed phase at the plan's new revision, so an edit form
//! opened before conflicts), keeps the plan as approved as version 1 and the new one after
//! it, and leaves what monitoring recorded; a rejection changes nothing but the request.

use domain::change::{Proposal, RequestState, apply};
use domain::facts::{ChangeRequest, Decision, Opinion, VersionInfo};
use domain::{BoardAct, PlanId};
use serde_json::json;

use super::lifecycle::TO_EXECUTION;
use super::{At, Refused, Run, day, on_every_backend, sample};
use crate::json;

const REASON: &str = "Nuove risorse assegnate";

fn act(request: i64) -> BoardAct {
    BoardAct {
        number: format!("{request}/2021"),
        date: day(7, 10),
    }
}

impl Run {
    async fn request(&self, plan: &PlanId, id: i64) -> ChangeRequest {
        let requests = self.store.facts(plan).await.unwrap().requests;
        requests.into_iter().find(|r| r.id == id).unwrap()
    }

    /// Asks for `proposal` on objective `objective` (`unit/label`): the request waits for
    /// the Nucleo's opinion.
    pub async fn ask(&self, plan: &PlanId, objective: &str, proposal: &Proposal) -> i64 {
        let stamp = self.stamp("capo");
        let ask = self
            .store
            .request_change(plan, objective, proposal, REASON, &stamp);
        let id = self
            .write("change.request", |id| format!("{plan}/richieste/{id}"), ask)
            .await;
        let after = json!({ "objective": objective, "proposal": proposal, "reason": REASON });
        self.entry_says(None, Some(after));
        let expected = ChangeRequest {
            id,
            objective: objective.into(),
            proposal: proposal.clone(),
            reason: REASON.into(),
            state: RequestState::Requested,
            requested_at: stamp.at,
            requested_by: stamp.actor,
            opinion: None,
            decision: None,
            version: None,
        };
        assert_eq!(self.request(plan, id).await, expected, "{}", self.backend);
        id
    }

    /// The Nucleo's opinion on request `id`: the request waits for the Giunta.
    pub async fn opine(&self, plan: &PlanId, id: i64, favourable: bool) {
        let before = self.request(plan, id).await;
        let (stamp, text) = (self.stamp("nucleo"), "Motivata");
        let opine = self.store.give_opinion(plan, id, favourable, text, &stamp);
        self.write(
            "change.opinion",
            |_| format!("{plan}/richieste/{id}"),
            opine,
        )
        .await;
        self.entry_says(
            None,
            Some(json!({ "favourable": favourable, "opinion": text })),
        );
        let opinion = Opinion {
            favourable,
            text: text.into(),
            at: stamp.at,
            by: stamp.actor,
        };
        let expected = ChangeRequest {
            state: RequestState::Opined,
            opinion: Some(opinion),
            ..before
        };
        assert_eq!(self.request(plan, id).await, expected, "{}", self.backend);
    }

    /// A decision on request `id` computed from revision `seen`, refused as `refused`.
    async fn undecided(&self, plan: &PlanId, id: i64, seen: i64, refused: Refused) {
        let (board, stamp) = (act(id), self.stamp("giunta"));
        let decide = self
            .store
            .decide_change(plan, id, &board, None, seen, &stamp);
        self.refuse(refused, decide).await;
    }

    /// The Giunta's decision on request `id` about objective `objective` (its index).
    pub async fn decide(
        &self,
        plan: &PlanId,
        objective: usize,
        id: i64,
        approve: bool,
    ) -> Option<i64> {
        let (s, b) = (&self.store, self.backend);
        let (current, before) = (s.plan(plan).await.unwrap(), self.request(plan, id).await);
        let versions = s.facts(plan).await.unwrap().versions;
        let next = approve.then(|| apply(&current, objective, &before.proposal).unwrap());
        let text = serde_json::to_string_pretty(&current).unwrap();
        let approval = next
            .as_ref()
            .map(|n| (text.as_str(), n, &n.objectives[objective]));
        let seen = s.revision(plan).await.unwrap();
        let stamp = self.stamp("giunta");
        let board = act(id);
        let decide = s.decide_change(plan, id, &board, approval, seen, &stamp);
        let action = if approve {
            "change.approve"
        } else {
            "change.reject"
        };
        let version = self
            .write(action, |_| format!("{plan}/richieste/{id}"), decide)
            .await;
        let made = approve.then(|| versions.last().map_or(2, |v| v.number + 1));
        assert_eq!(version, made, "{b}");
        let said = json!({
            "act": { "number": board.number, "date": board.date.to_string() },
            "version": version,
        });
        self.entry_says(None, Some(said));
        let decision = Decision {
            act_number: board.number,
            act_date: board.date,
            at: stamp.at,
            by: stamp.actor.clone(),
        };
        let proposal = before.proposal.clone();
        let state = if approve {
            RequestState::Approved
        } else {
            RequestState::Rejected
        };
        let expected = ChangeRequest {
            state,
            decision: Some(decision),
            version,
            ..before
        };
        assert_eq!(self.request(plan, id).await, expected, "{b}");
        // The plan is what the proposal makes of it; versions keep the one before and after.
        let now = s.plan(plan).await.unwrap();
        assert_eq!(json(&now), json(next.as_ref().unwrap_or(&current)), "{b}");
        let mut kept = versions.clone();
        if let Some(number) = version {
            let made = |number, change_request| VersionInfo {
                number,
                created_at: stamp.at,
                created_by: stamp.actor.clone(),
                change_request,
            };
            if kept.is_empty() {
                kept.push(made(1, None));
                assert_eq!(
                    json(&s.version(plan, 1).await.unwrap()),
                    json(&current),
                    "{b}"
                );
            }
            kept.push(made(number, Some(id)));
            assert_eq!(
                json(&s.version(plan, number).await.unwrap()),
                json(&now),
                "{b}"
            );
        }
        assert_eq!(s.facts(plan).await.unwrap().versions, kept, "{b}");
        if let (Proposal::Deadline { phase, .. } | Proposal::Weight { phase, .. }, true) =
            (&proposal, approve)
        {
            let at = At::new(plan, &now, objective, phase + 1);
            let (v, _) = s.phase_fields(at.key()).await.unwrap();
            assert_eq!(
                v,
                s.revision(plan).await.unwrap(),
                "{b}: the changed phase's version"
            );
        }
        version
    }
}

#[tokio::test]
async fn change_requests_are_asked_opined_and_decided_in_turn() {
    on_every_backend(async |run: &Run| {
        let s = &run.store;
        let doc = sample();
        let id = run.demo_through(&TO_EXECUTION).await;
        let at = At::new(&id, &doc, 0, 1);
        let objective = at.objective_id();
        run.actual(at, "75", day(6, 30), None).await;
        let monitored = format!("{:?}", s.monitoring(&id).await.unwrap());

        let proposals = [
            Proposal::Target {
                text: "Un risultato più ambizioso".into(),
            },
            Proposal::Indicator {
                position: 0,
                text: "tempi medi di risposta".into(),
            },
            Proposal::Weight {
                phase: 1,
                weight: Some(domain::Percent::new(30.into()).unwrap()),
            },
            Proposal::Deadline {
                phase: 0,
                date: day(9, 30),
            },
        ];
        let mut approved = Vec::new();
        for proposal in &proposals {
            let request = run.ask(&id, objective, proposal).await;
            approved.push(request);
            let seen = s.revision(&id).await.unwrap();
            run.undecided(&id, request, seen, Refused::Conflict).await;
            run.opine(&id, request, true).await;
            run.refuse(
                Refused::Conflict,
                s.give_opinion(&id, request, true, "Ancora", &run.stamp("nucleo")),
            )
            .await;
            run.decide(&id, 0, request, true).await;
        }
        // A rejection leaves the plan and its versions as they are.
        let rejected = run.ask(&id, objective, &proposals[0]).await;
        run.opine(&id, rejected, false).await;
        run.decide(&id, 0, rejected, false).await;

        // Out of turn: a decided request, an unknown one, a decision on a stale revision.
        let seen = s.revision(&id).await.unwrap();
        for request in [approved[0], rejected] {
            run.undecided(&id, request, seen, Refused::Conflict).await;
            run.refuse(
                Refused::Conflict,
                s.give_opinion(&id, request, true, "x", &run.stamp("nucleo")),
            )
            .await;
        }
        run.undecided(&id, rejected + 1, seen, Refused::NotFound)
            .await;
        let late = run.ask(&id, objective, &proposals[0]).await;
        run.opine(&id, late, true).await;
        let stale = s.revision(&id).await.unwrap() - 1;
        run.undecided(&id, late, stale, Refused::Conflict).await;
        run.refuse(
            Refused::NotFound,
            s.request_change(
                &crate::plan_id("nessuno-2021"),
                objective,
                &proposals[0],
                REASON,
                &run.stamp("capo"),
            ),
        )
        .await;

        // What monitoring recorded stays through every approval.
        assert_eq!(
            format!("{:?}", s.monitoring(&id).await.unwrap()),
            monitored,
            "{}",
            run.backend
        );
        let versions = run.read("facts", s.facts(&id)).await.versions;
        let numbers: Vec<i64> = versions.iter().map(|v| v.number).collect();
        assert_eq!(
            numbers,
            (1..=1 + proposals.len() as i64).collect::<Vec<_>>(),
            "{}",
            run.backend
        );
    })
    .await;
}
