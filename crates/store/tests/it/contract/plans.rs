//! The plans' contract: saved, listed and read back with their summary; replaced only when
//! asked and only while a draft, keeping scoring settings that still fit; each phase starting
//! at its plan's revision; no versions until a change is approved.

use domain::facts::PlanSummary;
use domain::{ActKind, Plan, PlanState};

use super::{At, Refused, Run, on_every_backend, sample};
use crate::json;

impl Run {
    /// Saves `plan`, new or replacing a draft: its summary says what was saved, at the next
    /// revision.
    pub async fn save(&self, plan: &Plan, replace: bool) -> PlanSummary {
        let id = plan.id().unwrap();
        let before = self.store.revision(&id).await.ok();
        let action = if before.is_some() {
            "plan.replace"
        } else {
            "plan.import"
        };
        let stamp = self.stamp("cli");
        let save = self.store.save_plan(plan, &[], replace, &stamp);
        let saved = self.write(action, |_| id.to_string(), save).await;
        let expected = PlanSummary {
            id: id.clone(),
            entity: plan.entity.name.clone(),
            year: plan.year,
            title: plan.title.clone(),
            revision: before.map_or(1, |r| r + 1),
            state: PlanState::Draft,
        };
        assert_eq!(saved, expected, "{}", self.backend);
        saved
    }

    /// Saves the draft of year `year` made from `plan` (`domain::rollover`), as a new plan; a
    /// second time is a conflict, with nothing written.
    pub async fn rollover(&self, plan: &Plan, year: i32) -> PlanSummary {
        let from = plan.id().unwrap();
        let (draft, carried) = domain::rollover::make(plan, year, &[]).unwrap();
        let id = draft.id().unwrap();
        let stamp = self.stamp("ada");
        let details = serde_json::json!({ "left_behind": carried.left_behind.len() });
        let save =
            self.store
                .save_rollover(&draft, &carried.diagnostics, &from, details.clone(), &stamp);
        let saved = self.write("plan.rollover", |_| id.to_string(), save).await;
        assert_eq!((saved.year, saved.revision), (year, 1), "{}", self.backend);
        assert_eq!(
            self.store.plan(&id).await.unwrap(),
            draft,
            "{}",
            self.backend
        );
        let again = self
            .store
            .save_rollover(&draft, &[], &from, details, &stamp);
        self.refuse(Refused::Conflict, again).await;
        saved
    }

    /// Edits draft `plan` (saved at `revision`) in place: its title changed, its last
    /// objective gone and a PIAO around it, read back as written at the next revision, the first phase's version
    /// with it; the same edit on the old revision, or on a plan no longer a draft, is a
    /// conflict with nothing written.
    pub async fn edit_draft(&self, plan: &Plan, revision: i64, not_draft: &Plan) {
        let id = plan.id().unwrap();
        let mut next = plan.clone();
        next.title = format!("{} (rivisto)", plan.title);
        next.objectives.pop();
        // The administration's code, set from the draft's header.
        next.entity.code = Some("c_t001".into());
        // The PIAO around the plan, kept whole with it.
        next.piao = Some(domain::piao::Piao {
            layout: domain::piao::Layout::Semplificato,
            monitoring: Some("Ogni semestre, con un'indagine di gradimento.".into()),
            organisation: domain::piao::Organisation {
                staff: vec![domain::piao::StaffRow {
                    profile: "Istruttore (C)".into(),
                    staff: 12,
                    hires: 1,
                }],
                ..Default::default()
            },
            ..Default::default()
        });
        let change = serde_json::json!({ "edit": "header" });
        let stamp = self.stamp("ada");
        let edit = self
            .store
            .edit_draft(&id, &next, revision, change.clone(), &stamp);
        let saved = self.write("plan.edit", |_| id.to_string(), edit).await;
        assert_eq!(saved.revision, revision + 1, "{}", self.backend);
        assert_eq!(
            self.store.plan(&id).await.unwrap(),
            next,
            "{}",
            self.backend
        );
        if !next.objectives.is_empty() {
            self.phases_start_at(&next, revision + 1).await;
        }
        let stale = self
            .store
            .edit_draft(&id, &next, revision, change.clone(), &stamp);
        self.refuse(Refused::Conflict, stale).await;
        let other = not_draft.id().unwrap();
        let locked = self.store.edit_draft(
            &other,
            not_draft,
            self.store.revision(&other).await.unwrap(),
            change,
            &stamp,
        );
        self.refuse(Refused::Conflict, locked).await;
    }

    /// Saves `plan` with year `year` as a new plan made by a person: from nothing (its units
    /// and objectives dropped: `plan.create`) or from the document named (`plan.import`, the
    /// name in the entry); read back equal; a second time is a conflict, with nothing written.
    pub async fn create(&self, plan: &Plan, year: i32, document: Option<&str>) -> PlanSummary {
        let mut new = plan.clone();
        new.year = year;
        if document.is_none() {
            new.units.clear();
            new.objectives.clear();
            new.strategy.clear();
            new.responsibles.clear();
            new.customer_satisfaction.clear();
        }
        let id = new.id().unwrap();
        let stamp = self.stamp("ada");
        let save = self.store.save_new(&new, &[], document, &stamp);
        let action = if document.is_some() {
            "plan.import"
        } else {
            "plan.create"
        };
        let saved = self.write(action, |_| id.to_string(), save).await;
        assert_eq!((saved.year, saved.revision), (year, 1), "{}", self.backend);
        assert_eq!(saved.state, PlanState::Draft, "{}", self.backend);
        assert_eq!(json(&self.store.plan(&id).await.unwrap()), json(&new));
        let after = self.entry().after.unwrap();
        let said: serde_json::Value = serde_json::from_str(&after).unwrap();
        assert_eq!(
            said.get("document").and_then(|d| d.as_str()),
            document,
            "{}",
            self.backend
        );
        let again = self.store.save_new(&new, &[], document, &stamp);
        self.refuse(Refused::Conflict, again).await;
        saved
    }

    /// The version of the first phase of the first objective is the plan's revision, and its
    /// fields are the document's.
    async fn phases_start_at(&self, plan: &Plan, revision: i64) {
        let id = plan.id().unwrap();
        let at = At::new(&id, plan, 0, 1);
        let (version, fields) = self.read("phase", self.store.phase_fields(at.key())).await;
        let phase = &plan.objectives[0].phases[0];
        assert_eq!(
            (version, &fields.description, fields.weight_pct),
            (revision, &phase.description, phase.weight_pct),
            "{}",
            self.backend
        );
    }
}

#[tokio::test]
async fn plans_are_saved_listed_read_and_replaced_only_while_drafts() {
    on_every_backend(async |run: &Run| {
        let s = &run.store;
        let plan = sample();
        let id = plan.id().unwrap();
        assert!(run.read("plans", s.plans()).await.is_empty());
        run.refuse(Refused::NotFound, s.plan(&id)).await;
        run.refuse(Refused::NotFound, s.revision(&id)).await;
        run.refuse(Refused::NotFound, s.plan_state(&id)).await;
        run.refuse(Refused::NotFound, s.facts(&id)).await;

        let first = run.save(&plan, false).await;
        let mut next_year = sample();
        next_year.year += 1;
        next_year.objectives.truncate(2);
        let second = run.save(&next_year, false).await;
        assert_eq!(
            run.read("plans", s.plans()).await,
            [first.clone(), second.clone()]
        );
        assert_eq!(
            run.read("entities", s.entities()).await,
            [plan.entity_slug()]
        );
        let (summary, back) = run.read("plan", s.plan_with_summary(&id)).await;
        assert_eq!((summary, json(&back)), (first.clone(), json(&plan)));
        assert_eq!(run.read("state", s.plan_state(&id)).await, PlanState::Draft);
        run.phases_start_at(&plan, first.revision).await;

        // Settings that name the first objective: kept by a replacement that still has it.
        let o = plan.objectives[0].id.as_str();
        let settings =
            serde_json::json!({ "objective_weights": [{ "objective": o, "weight": 2 }] });
        let settings = settings.to_string();
        run.scoring(&id, Some(&settings)).await;
        run.refuse(
            Refused::Conflict,
            s.save_plan(&plan, &[], false, &run.stamp("cli")),
        )
        .await;
        let mut revised = sample();
        revised.title = "Piano rivisto".into();
        let replaced = run.save(&revised, true).await;
        run.phases_start_at(&revised, replaced.revision).await;
        let kept = run.read("monitoring", s.monitoring(&id)).await.scoring;
        assert_eq!(kept.as_ref(), Some(&settings), "{}", run.backend);
        // ... and dropped by one without it.
        revised.objectives.remove(0);
        let replaced = run.save(&revised, true).await;
        run.phases_start_at(&revised, replaced.revision).await;
        let dropped = run.read("monitoring", s.monitoring(&id)).await.scoring;
        assert_eq!(dropped, None, "{}", run.backend);
        assert_eq!(run.read("plans", s.plans()).await, [replaced, second]);

        // Past its draft a plan is not replaced, asked or not.
        run.act(&id, ActKind::Validate).await;
        for replace in [true, false] {
            let stamp = run.stamp("cli");
            run.refuse(Refused::Conflict, s.save_plan(&plan, &[], replace, &stamp))
                .await;
        }
        assert_eq!(json(&s.plan(&id).await.unwrap()), json(&revised));
        // No versions before a change is approved.
        assert!(run.read("facts", s.facts(&id)).await.versions.is_empty());
        run.refuse(Refused::NotFound, s.version(&id, 1)).await;
    })
    .await;
}
