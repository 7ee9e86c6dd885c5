//! The lifecycle's contract: acts move a plan only from the state the caller saw, through
//! every move of the lifecycle; a phase is edited only from the version and in the plan's
//! state the form saw (a stale version is a conflict that shows what the phase holds now),
//! and the edit is the document's while drafting and a report (when, by whom, in which round)
//! while running.

use domain::facts::{PhaseFields, PhaseRecord};
use domain::{ActKind, Percent, PlanId, PlanState};
use store::{AuditFilter, EditConflict, Edited};

use super::{At, Refused, Run, on_every_backend, sample};

/// What an act carries beside its state: a reason to send back, the board's act to approve.
pub fn details(kind: ActKind) -> serde_json::Value {
    match kind {
        ActKind::SendBack => serde_json::json!({ "reason": "Mancano gli indicatori" }),
        ActKind::Approve => serde_json::json!({ "act": { "number": "12", "date": "2021-02-01" } }),
        _ => serde_json::json!({}),
    }
}

impl Run {
    /// Performs `kind` on `plan` from the state it is in, to the state the lifecycle's move
    /// table gives; the entry says both and the act's details.
    pub async fn act(&self, plan: &PlanId, kind: ActKind) -> PlanState {
        let from = self.store.plan_state(plan).await.unwrap();
        let to = domain::workflow::next(from, kind).unwrap();
        let subject = |_: &()| plan.to_string();
        let stamp = self.stamp("nucleo");
        let act = self
            .store
            .record_act(plan, kind, from, to, details(kind), &stamp);
        self.write(&format!("plan.act.{}", kind.as_str()), subject, act)
            .await;
        assert_eq!(
            self.store.plan_state(plan).await.unwrap(),
            to,
            "{}",
            self.backend
        );
        let mut after = details(kind);
        after["state"] = to.as_str().into();
        self.entry_says(
            Some(serde_json::json!({ "state": from.as_str() })),
            Some(after),
        );
        to
    }

    /// Saves the demonstration plan and takes it through `acts`; returns its id.
    pub async fn demo_through(&self, acts: &[ActKind]) -> PlanId {
        let saved = self.save(&super::sample(), false).await;
        for kind in acts {
            self.act(&saved.id, *kind).await;
        }
        saved.id
    }
}

/// The acts that take a draft into execution.
pub const TO_EXECUTION: [ActKind; 3] = [ActKind::Validate, ActKind::Approve, ActKind::Start];

/// Every move of the lifecycle from a draft to publication, sent back and reopened on the way.
pub const EVERY_MOVE: [ActKind; 12] = [
    ActKind::Validate,
    ActKind::SendBack,
    ActKind::Validate,
    ActKind::Approve,
    ActKind::Start,
    ActKind::CloseMeasurement,
    ActKind::SendBack,
    ActKind::CloseMeasurement,
    ActKind::ValidateMeasurement,
    ActKind::Reopen,
    ActKind::ValidateMeasurement,
    ActKind::Publish,
];

impl Run {
    /// Edits the phase at `at` from the version it holds, in `state`, as `change` says: saved
    /// at the plan's new revision, the entry says what it held and what was wished, the phase
    /// and the document hold the wish, and the record says who reported it unless drafting.
    pub async fn edit(
        &self,
        at: At<'_>,
        state: PlanState,
        change: impl FnOnce(&mut PhaseFields),
    ) -> i64 {
        let (s, b) = (&self.store, self.backend);
        let (version, current) = s.phase_fields(at.key()).await.unwrap();
        let record =
            async || s.phase_records(at.plan).await.unwrap()[at.objective][at.position - 1].clone();
        let before = record().await;
        let mut wished = current.clone();
        change(&mut wished);
        let stamp = self.stamp("capo");
        let edit = s.edit_phase(at.key(), version, state, &wished, &stamp);
        let edited = self.write("phase.edit", |_| at.key().subject(), edit).await;
        let revision = s.revision(at.plan).await.unwrap();
        assert_eq!(edited, Edited::Saved { version: revision }, "{b}");
        let json = |f: &PhaseFields| Some(serde_json::to_value(f).unwrap());
        self.entry_says(json(&current), json(&wished));
        assert_eq!(
            s.phase_fields(at.key()).await.unwrap(),
            (revision, wished.clone()),
            "{b}"
        );
        let doc = s.plan(at.plan).await.unwrap();
        let phase = &doc.objectives[at.objective].phases[at.position - 1];
        assert_eq!(
            (&phase.description, phase.weight_pct),
            (&wished.description, wished.weight_pct),
            "{b}"
        );
        let round = s
            .monitoring(at.plan)
            .await
            .unwrap()
            .open_round()
            .map(|r| r.id);
        let reported = state != PlanState::Draft;
        let expected = PhaseRecord {
            version: revision,
            completed_on: wished.completed_on,
            note: wished.note.clone(),
            status: wished.status,
            reported_at: if reported {
                Some(stamp.at)
            } else {
                before.reported_at
            },
            reported_by: if reported {
                Some(stamp.actor)
            } else {
                before.reported_by
            },
            reported_round: if reported {
                round.or(before.reported_round)
            } else {
                before.reported_round
            },
        };
        assert_eq!(record().await, expected, "{b}");
        revision
    }
}

#[tokio::test]
async fn acts_move_a_plan_from_the_state_seen_and_edits_save_from_the_version_seen() {
    on_every_backend(async |run: &Run| {
        let (s, b) = (&run.store, run.backend);
        let doc = sample();
        let id = run.demo_through(&[]).await;
        let at = At::new(&id, &doc, 0, 1);
        // Drafting: the phase's text and weight change in the document.
        let (opened, mut form) = s.phase_fields(at.key()).await.unwrap();
        let saved = run
            .edit(at, PlanState::Draft, |f| {
                f.description = "Ricognizione degli atti".into();
                f.weight_pct = Some(Percent::new(40.into()).unwrap());
            })
            .await;
        // A form opened before: a conflict showing what the phase holds now, nothing saved.
        form.note = Some("Da un modulo vecchio".into());
        let (version, current) = s.phase_fields(at.key()).await.unwrap();
        let stale = run
            .quiet(
                "stale edit",
                s.edit_phase(at.key(), opened, PlanState::Draft, &form, &run.stamp("ada")),
            )
            .await;
        let conflict = Edited::Conflict(Box::new(EditConflict { version, current }));
        assert_eq!((version, stale), (saved, conflict), "{b}");
        // A form of another state, or of a phase the plan does not have: refused.
        let missing = At { position: 99, ..at };
        for (refusal, phase, state) in [
            (Refused::Conflict, at, PlanState::InExecution),
            (Refused::NotFound, missing, PlanState::Draft),
        ] {
            let stamp = run.stamp("ada");
            run.refuse(
                refusal,
                s.edit_phase(phase.key(), saved, state, &form, &stamp),
            )
            .await;
        }
        run.refuse(Refused::NotFound, s.phase_fields(missing.key()))
            .await;

        // Every move of the lifecycle; the same act again, from the state it left, is refused.
        let every: std::collections::BTreeSet<_> = EVERY_MOVE.iter().map(|k| k.as_str()).collect();
        assert_eq!(
            every.len(),
            ActKind::ALL.len(),
            "the walk performs every kind of act"
        );
        for kind in EVERY_MOVE {
            let from = s.plan_state(&id).await.unwrap();
            let to = run.act(&id, kind).await;
            run.refuse(
                Refused::Conflict,
                s.record_act(&id, kind, from, to, details(kind), &run.stamp("nucleo")),
            )
            .await;
            assert_eq!(run.read("state", s.plan_state(&id)).await, to, "{b}");
            if to == PlanState::InExecution {
                // Running: a save is a report, here with no round open.
                run.edit(at, to, |f| f.completed_on = Some(super::day(6, 20)))
                    .await;
            }
        }
        run.refuse(
            Refused::Conflict,
            s.record_act(
                &crate::plan_id("nessuno-2021"),
                ActKind::Validate,
                PlanState::Draft,
                PlanState::Validated,
                details(ActKind::Validate),
                &run.stamp("nucleo"),
            ),
        )
        .await;
        // The plan's own history: its import and its acts, in order.
        let own = AuditFilter {
            subject: Some(id.to_string()),
            ..AuditFilter::default()
        };
        let history: Vec<String> = s
            .audit_log(&own)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        let mut expected = vec!["plan.import".to_owned()];
        expected.extend(
            EVERY_MOVE
                .iter()
                .map(|k| format!("plan.act.{}", k.as_str())),
        );
        assert_eq!(history, expected, "{b}");
    })
    .await;
}
