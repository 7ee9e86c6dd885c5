//! Next year from this year: the planning office makes the draft of the next year from the
//! demo plan; nobody else may, nor twice, nor for a year that is not after it.

use cycle::{Keep, Refusal};
use domain::rollover;
use domain::{Plan, PlanState};
use store::testing::fresh_databases;

use super::{DEMO, setup, stamp};

#[tokio::test]
async fn the_planning_office_makes_next_years_draft_once() {
    for db in fresh_databases().await {
        let b = db.backend;
        let (cycle, cast, plan) = setup(&db.url).await;
        let demo: Plan = serde_json::from_str(DEMO).unwrap();
        let next = demo.year + 1;
        let on = stamp("ada", 2021, 12, 20);

        // Heads, the Nucleo and the Giunta may not.
        for who in [&cast.heads[0], &cast.evaluator, &cast.board] {
            let refused = cycle
                .rollover(&plan, Some(who), next, Keep::Ticked, false, &on)
                .await;
            assert!(
                matches!(refused, Err(Refusal::Denied(_))),
                "{b}: {refused:?}"
            );
        }
        // A year not after the plan's is not a next year.
        let refused = cycle
            .rollover(
                &plan,
                Some(&cast.admin),
                demo.year,
                Keep::Ticked,
                false,
                &on,
            )
            .await;
        assert!(
            matches!(refused, Err(Refusal::Invalid(_))),
            "{b}: {refused:?}"
        );

        // A trial writes nothing.
        let trial = cycle
            .rollover(&plan, Some(&cast.admin), next, Keep::Ticked, true, &on)
            .await
            .unwrap();
        assert!(trial.saved.is_none());
        assert_eq!(cycle.store().plans().await.unwrap().len(), 1, "{b}");

        let (_, preview) = cycle
            .rollover_preview(&plan, Some(&cast.admin), next)
            .await
            .unwrap();
        let ticked = rollover::ticked(&preview);
        let rolled = cycle
            .rollover(&plan, Some(&cast.admin), next, Keep::Ticked, false, &on)
            .await
            .unwrap();
        let saved = rolled.saved.expect("saved");
        assert_eq!(saved.year, next);
        assert_eq!(saved.state, PlanState::Draft);
        assert_eq!(rolled.plan.objectives.len(), ticked.len(), "{b}");
        assert_eq!(
            cycle.store().plan(&saved.id).await.unwrap(),
            rolled.plan,
            "{b}"
        );

        // Audited as made from the old plan.
        let (view, _) = cycle
            .view(&saved.id, Some(&cast.admin), true)
            .await
            .unwrap();
        let entry = view
            .history
            .iter()
            .find(|e| e.action == "plan.rollover")
            .unwrap_or_else(|| panic!("{b}: no rollover entry"));
        assert_eq!(entry.actor, "ada");

        // Only once: the year's plan exists now.
        let again = cycle
            .rollover(&plan, Some(&cast.admin), next, Keep::All, false, &on)
            .await;
        assert!(
            matches!(again, Err(Refusal::OutOfTurn(_))),
            "{b}: {again:?}"
        );
        let again = cycle
            .rollover(&plan, None, next, Keep::All, true, &on)
            .await;
        assert!(
            matches!(again, Err(Refusal::OutOfTurn(_))),
            "{b}: {again:?}"
        );
    }
}
