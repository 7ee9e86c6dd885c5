//! The Relazione sulla Performance through the pages, on each database: made from the
//! measured plan (every objective, its target, actual and deviation); the Giunta cannot
//! approve it while a shortfall beyond the tolerance is unexplained; the Nucleo answers its
//! checklist, may refuse it, and validates it after a new approval; the planning office
//! publishes it, and only then does the public read it. The home page warns while it is late.

use domain::{PlanState, Role};

use crate::{PLAN, PLAN_ID, TestApp, demo};

/// The Nucleo's checklist with every criterion answered `answer`, and `esito`.
fn checklist(answer: &str, esito: &str, act: &str) -> Vec<(String, String)> {
    let mut f: Vec<(String, String)> = domain::relazione::CRITERIA
        .iter()
        .flat_map(|(key, _)| {
            [
                (format!("criterio_{key}"), answer.to_owned()),
                (
                    format!("nota_{key}"),
                    "Verificato sui dati del piano.".to_owned(),
                ),
            ]
        })
        .collect();
    f.push(("passo".into(), "validazione".into()));
    f.push(("esito".into(), esito.into()));
    f.push(("atto".into(), act.into()));
    f
}

#[tokio::test]
async fn the_relazione_goes_from_the_measured_plan_to_publication() {
    let plan = demo();
    for app in TestApp::each().await {
        let b = app.backend;
        app.run_plan().await;
        let admin = app.signed_in_as(Role::Admin).await;
        let nucleo = app.signed_in_as(Role::Evaluator).await;
        let board = app.signed_in_as(Role::Board).await;
        let personnel = app.signed_in_as(Role::Personnel).await;
        let here = format!("/piani/{PLAN}/relazione");
        let seen = || async { app.store.relazione(&PLAN_ID).await.unwrap().1.to_string() };

        // Every objective of the plan is reported, none dropped.
        let page = admin.text(&here).await;
        for o in &plan.objectives {
            assert!(
                page.contains(&format!(">{} ", o.id)),
                "{b}: {} missing",
                o.id
            );
        }
        assert!(page.contains("Motivazione da scrivere"), "{b}");
        // The year's plan is past 30 June of the next year: late, on the home page too.
        assert!(page.contains("in ritardo"), "{b}");
        assert!(app.text("/").await.contains("in ritardo"), "{b}");
        // Personal-data roles and the public do not read the draft.
        assert_eq!(personnel.get(&here).await.status(), 404, "{b}");
        assert_eq!(app.get(&here).await.status(), 404, "{b}");

        // The Giunta may not approve before the measurement, nor with shortfalls unexplained.
        let approve = |act: &'static str| [("passo", "approvazione"), ("atto", act)];
        let s = seen().await;
        let mut f = vec![("seen", s.as_str())];
        f.extend(approve("Delibera G.C. n. 80"));
        assert_eq!(board.post(&here, &f).await.status(), 409, "{b}");
        app.act(
            PlanState::InExecution,
            "close_measurement",
            PlanState::Measured,
        )
        .await;
        let r = board.post(&here, &f).await;
        assert_eq!(r.status(), 422, "{b}");
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("motivato ogni scostamento"),
            "{b}"
        );

        // The planning office explains the first objective's shortfall …
        let first = plan.objectives[0].id.to_string();
        let s = seen().await;
        let f = [
            ("seen", s.as_str()),
            ("passo", "motivazione"),
            ("obiettivo", first.as_str()),
            ("testo", "Il fornitore ha consegnato in ritardo."),
            ("causa", "exogenous"),
        ];
        assert_eq!(admin.post(&here, &f).await.status(), 303, "{b}");
        // (only the planning office writes)
        let s = seen().await;
        let mut f2 = f.to_vec();
        f2[0].1 = s.as_str();
        assert_eq!(board.post(&here, &f2).await.status(), 403, "{b}");
        let page = admin.text(&here).await;
        assert!(
            page.contains("Causa esogena: Il fornitore ha consegnato in ritardo."),
            "{b}"
        );
        // … and, for the rest, sets the tolerance so that nothing else needs a reason.
        let f = [
            ("seen", s.as_str()),
            ("passo", "testo"),
            ("introduzione", "Un anno di lavoro."),
            ("tolleranza", "100"),
        ];
        assert_eq!(admin.post(&here, &f).await.status(), 303, "{b}");
        // A form opened before that change cannot undo it.
        assert_eq!(admin.post(&here, &f).await.status(), 409, "{b}");
        let s = seen().await;
        let mut f = vec![("seen", s.as_str())];
        f.extend(approve("Delibera G.C. n. 80"));
        assert_eq!(board.post(&here, &f).await.status(), 303, "{b}");

        // The Nucleo refuses to validate with a «no»: not validated, with its document.
        let s = seen().await;
        let mut f = checklist("no", "validata", "Verbale n. 3");
        f.push(("seen".into(), s.clone()));
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(nucleo.post(&here, &pairs).await.status(), 422, "{b}");
        let mut f = checklist("no", "non_validata", "Verbale n. 3");
        f.push(("seen".into(), s.clone()));
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(admin.post(&here, &pairs).await.status(), 403, "{b}");
        assert_eq!(nucleo.post(&here, &pairs).await.status(), 303, "{b}");
        let page = nucleo.text(&here).await;
        assert!(
            page.contains("non validata dal Nucleo") && page.contains("Verbale n. 3"),
            "{b}"
        );

        // Approved again, validated, published: the public reads it, and no one is named.
        let s = seen().await;
        let mut f = vec![("seen", s.as_str())];
        f.extend(approve("Delibera G.C. n. 95"));
        assert_eq!(board.post(&here, &f).await.status(), 303, "{b}");
        let s = seen().await;
        let mut f = checklist("si", "validata", "Verbale n. 4");
        f.push(("seen".into(), s));
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(nucleo.post(&here, &pairs).await.status(), 303, "{b}");
        assert!(!app.text("/").await.contains("in ritardo"), "{b}");
        assert_eq!(app.get(&here).await.status(), 404, "{b}");
        let s = seen().await;
        let f = [("seen", s.as_str()), ("passo", "pubblicazione")];
        assert_eq!(admin.post(&here, &f).await.status(), 303, "{b}");
        let public = app.text(&here).await;
        assert!(
            public.contains("Documento di validazione")
                && public.contains("Verbale n. 4")
                && public.contains("Delibera G.C. n. 95")
                && public.contains("pubblicata"),
            "{b}"
        );
        assert!(
            !public.contains("Nino Verdi") && !public.contains("Ada Rossi"),
            "{b}"
        );
        app.assert_audited(&[
            "relazione.edit",
            "relazione.approve",
            "relazione.validate",
            "relazione.publish",
        ])
        .await;
        app.stop().await;
    }
}
