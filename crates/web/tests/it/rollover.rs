//! «Nuovo piano dall'anno precedente»: the planning office previews the next year's draft from
//! the demo plan, ticks the objectives and makes it; a head of unit and the public may not.

use domain::Role;
use domain::rollover;

use crate::{PLAN, TestApp, demo, head_name, headed_unit};

#[tokio::test]
async fn the_planning_office_makes_next_years_draft_from_the_plans_page() {
    let plan = demo();
    let next = plan.year + 1;
    let preview = rollover::preview(&plan, next);
    let ticked = rollover::ticked(&preview);
    // One finished objective kept as well: the form sends what is ticked, not the default.
    let extra = preview.objectives.iter().find(|o| !o.ticked()).unwrap();
    let (unit, _) = headed_unit(&plan);
    let page = format!("/piani/{PLAN}/nuovo-anno");
    for app in TestApp::each().await {
        let b = app.backend;
        let admin = app.signed_in_as(Role::Admin).await;
        let tree = admin.text(&format!("/piani/{PLAN}")).await;
        assert!(tree.contains(&format!("href=\"{page}\"")), "{b}: no link");

        let r = admin.get(&page).await;
        assert_eq!(r.status(), 200, "{b}");
        let html = r.text().await.unwrap();
        assert_eq!(
            html.matches("type=\"checkbox\" name=\"keep\"").count(),
            plan.objectives.len(),
            "{b}: one checkbox per objective"
        );
        assert_eq!(
            html.matches(" checked>").count(),
            ticked.len(),
            "{b}: ticked as the preview"
        );
        let units_with_objectives = plan
            .units
            .iter()
            .filter(|u| plan.objectives.iter().any(|o| o.unit == u.id))
            .count();
        assert_eq!(
            html.matches("<legend>").count(),
            units_with_objectives,
            "{b}"
        );
        for i in 0..plan.objectives.len() {
            assert!(
                html.contains(&format!("<label for=\"obiettivo-{i}\">")),
                "{b}: label {i}"
            );
        }
        let moved = preview
            .objectives
            .iter()
            .flat_map(|o| &o.moved)
            .next()
            .unwrap();
        assert!(
            html.contains(&domain::messages::date(moved.to)) && html.contains("th scope=\"row\""),
            "{b}: the moved dates' table"
        );

        // A head of unit and the public may not.
        let head = app.signed_in("capo", &head_name(unit), &[], &[]).await;
        assert_eq!(head.get(&page).await.status(), 403, "{b}");
        let r = head.post(&page, &[("year", &next.to_string())]).await;
        assert_eq!(r.status(), 403, "{b}");
        assert_eq!(
            app.get(&page).await.status(),
            404,
            "{b}: a draft is not public"
        );

        // The draft, with the ticked objectives and one more.
        let year = next.to_string();
        let mut fields = vec![("year", year.as_str())];
        fields.extend(ticked.iter().map(|id| ("keep", id.as_str())));
        fields.push(("keep", extra.id.as_str()));
        let r = admin.post(&page, &fields).await;
        assert_eq!(r.status(), 303, "{b}: {}", r.text().await.unwrap());
        let to = format!("/piani/{}-{next}", plan.entity_slug());
        assert_eq!(crate::header(&r, "location"), to, "{b}");
        let made = admin.text(&to).await;
        assert!(made.contains(&format!("Anno {next}")), "{b}");
        let id = domain::PlanId::parse(format!("{}-{next}", plan.entity_slug())).unwrap();
        let stored = app.store.plan(&id).await.unwrap();
        let kept: Vec<_> = stored.objectives.iter().map(|o| o.id.clone()).collect();
        let wanted: Vec<_> = plan
            .objectives
            .iter()
            .map(|o| o.id.clone())
            .filter(|id| ticked.contains(id) || id == &extra.id)
            .collect();
        assert_eq!(kept, wanted, "{b}");
        app.assert_audited(&["plan.rollover"]).await;

        // Only once.
        let r = admin.post(&page, &fields).await;
        assert_eq!(r.status(), 409, "{b}");
        app.stop().await;
    }
}
