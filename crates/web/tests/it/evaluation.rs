//! The evaluation year through the pages, on each database: the planning office records the
//! SMVP and opens the year; the personnel office enters a member of a headed unit; the head
//! assigns and rates; the member acknowledges with an observation and appeals; the Nucleo
//! revises; the personnel office sets a budget and shares it once the measurement is
//! validated; the payouts and the payroll list follow. Along the way, who reads what: the
//! scheda and the payout only the person, the evaluator, the Nucleo and the personnel office.

use domain::{PlanState, Role};

use crate::{PLAN, PLAN_ID, TestApp, demo, head_name, headed_unit};

/// The SMVP form as the planning office fills it: istruttori weigh objectives and behaviours
/// only (the demo's units have nothing measured here), dirigenti the organisational part.
pub(crate) fn smvp_form() -> Vec<(String, String)> {
    let mut f: Vec<(String, String)> = [
        ("atto", "Delibera G.C. n. 7"),
        ("parere", "2021-01-15"),
        ("prevalenza", "relative"),
        ("soglia", "60"),
        ("tetto", "100"),
        ("scala", "numeric"),
        ("min", "1"),
        ("max", "5"),
        ("catalogo", "C1 | Orientamento all'utenza | tutte | no | 1: mai; 5: sempre\nC2 | Collaborazione | tutte | no |"),
        ("conciliazione", "15"),
        ("decisione", "30"),
        ("organo", "Nucleo di Valutazione"),
        ("tetto_fascia", "30"),
        ("o_istruttore", "0"),
        ("i_istruttore", "30"),
        ("b_istruttore", "70"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    for (k, v) in [
        ("o_dirigente", "70"),
        ("i_dirigente", "0"),
        ("b_dirigente", "30"),
    ] {
        f.push((k.into(), v.into()));
    }
    f
}

pub(crate) fn pairs(f: &[(String, String)]) -> Vec<(&str, &str)> {
    f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

#[tokio::test]
async fn a_year_goes_from_the_smvp_to_the_shared_pool_and_each_reads_only_their_own() {
    let plan = demo();
    let (unit, _) = headed_unit(&plan);
    for app in TestApp::each().await {
        let b = app.backend;
        app.approve_plan().await;
        let admin = app.signed_in_as(Role::Admin).await;
        let nucleo = app.signed_in_as(Role::Evaluator).await;
        let board = app.signed_in_as(Role::Board).await;
        let auditor = app.signed_in_as(Role::Auditor).await;
        let personnel = app.signed_in_as(Role::Personnel).await;
        let password = app.person("capo", &head_name(unit), &[], &[]).await;
        let head = app.login("capo", &password).await;
        let password = app.person("mara", "Mara Gialli", &[], &[]).await;
        let mara = app.login("mara", &password).await;
        let base = format!("/piani/{PLAN}/valutazione");
        let revision = |app: &TestApp| {
            let store = app.store.clone();
            async move {
                store
                    .evaluation(&PLAN_ID)
                    .await
                    .unwrap()
                    .revision
                    .to_string()
            }
        };

        // No year opens without an adopted SMVP.
        let seen = revision(&app).await;
        let r = admin
            .post(&format!("{base}/apertura"), &[("seen", &seen)])
            .await;
        assert_eq!(r.status(), 422, "{b}");
        // An SMVP that breaks prevalence is refused, naming the rule; then the sound one.
        let mut broken = smvp_form();
        broken.push(("o_eq".into(), "30".into()));
        broken.push(("i_eq".into(), "40".into()));
        broken.push(("b_eq".into(), "30".into()));
        broken.push(("seen".into(), seen.clone()));
        let r = admin
            .post(&format!("{base}/sistema"), &pairs(&broken))
            .await;
        assert_eq!(r.status(), 422, "{b}");
        assert!(r.text().await.unwrap().contains("non è prevalente"), "{b}");
        let mut form = smvp_form();
        form.push(("seen".into(), seen));
        let r = admin.post(&format!("{base}/sistema"), &pairs(&form)).await;
        assert_eq!(r.status(), 303, "{b}");
        let page = admin.text(&format!("{base}/sistema")).await;
        assert!(
            page.contains("Delibera G.C. n. 7") && page.contains("5: sempre"),
            "{b}"
        );

        // The personnel office enters Mara in the headed unit (by hand), with leave.
        let r = personnel
            .post(
                &format!("{base}/personale"),
                &[
                    ("matricola", "M001"),
                    ("nome", "Mara Gialli"),
                    ("genere", "F"),
                    ("categoria", "istruttore"),
                    ("unita", unit.id.as_str()),
                    ("part_time", "100"),
                    ("assenza_parental", "60"),
                    ("utente", "mara"),
                ],
            )
            .await;
        assert_eq!(r.status(), 303, "{b}");
        // A file with a row that cannot be read saves nobody and says where.
        let r = personnel
            .upload(
                &format!("{base}/personale/file"),
                "personale.csv",
                b"matricola;nome;categoria;unita\nX1;Ugo;usciere;nessuna\n",
            )
            .await;
        assert_eq!(r.status(), 422, "{b}");
        let text = r.text().await.unwrap();
        assert!(
            text.contains("categoria") && text.contains("Nessuna persona"),
            "{b}: {text}"
        );
        for (who, status) in [
            (&personnel, 200),
            (&nucleo, 200),
            (&admin, 403),
            (&head, 403),
            (&mara, 403),
        ] {
            assert_eq!(
                who.get(&format!("{base}/personale")).await.status(),
                status,
                "{b}"
            );
        }

        // The planning office opens the year: Mara's scheda is assigned, her head evaluates.
        let seen = revision(&app).await;
        let r = admin
            .post(&format!("{base}/apertura"), &[("seen", &seen)])
            .await;
        assert_eq!(r.status(), 303, "{b}");
        let sheet = format!("{base}/schede/M001");
        let page = head.text(&sheet).await;
        assert!(
            page.contains("Assegnata") && page.contains(&unit.heads[0].name),
            "{b}"
        );
        // Nobody else reads it: not the planning office, the Giunta, the auditor.
        for who in [&admin, &board, &auditor] {
            assert_eq!(who.get(&sheet).await.status(), 404, "{b}");
        }
        let version = |app: &TestApp| {
            let store = app.store.clone();
            async move {
                let e = store.evaluation(&PLAN_ID).await.unwrap();
                e.sheets
                    .iter()
                    .find(|(s, _)| s.matricola == "M001")
                    .unwrap()
                    .1
                    .to_string()
            }
        };
        let v = version(&app).await;
        let r = head
            .post(
                &sheet,
                &[
                    ("seen", &v),
                    ("passo", "assegna"),
                    ("ob_id_0", "O1"),
                    ("ob_titolo_0", "Pratiche"),
                    ("ob_peso_0", "100"),
                    ("cp_C1", "50"),
                    ("cp_C2", "50"),
                ],
            )
            .await;
        assert_eq!(r.status(), 303, "{b}");
        // Mara writes her self-evaluation (hers alone to write), which her head reads.
        let v = version(&app).await;
        assert_eq!(
            head.post(
                &sheet,
                &[
                    ("seen", &v),
                    ("passo", "autovalutazione"),
                    ("autovalutazione", "x")
                ]
            )
            .await
            .status(),
            422,
            "{b}"
        );
        let r = mara
            .post(
                &sheet,
                &[
                    ("seen", &v),
                    ("passo", "autovalutazione"),
                    ("autovalutazione", "Ho coperto lo sportello."),
                ],
            )
            .await;
        assert_eq!(r.status(), 303, "{b}");
        assert!(
            head.text(&sheet).await.contains("Ho coperto lo sportello."),
            "{b}"
        );
        // Mara cannot rate herself.
        let v = version(&app).await;
        let rating = [
            ("passo", "valuta"),
            ("ragg_O1", "80"),
            ("voto_C1", "4"),
            ("voto_C2", "3"),
        ];
        let mut fields = vec![("seen", v.as_str())];
        fields.extend(rating);
        assert_eq!(mara.post(&sheet, &fields).await.status(), 422, "{b}");
        assert_eq!(head.post(&sheet, &fields).await.status(), 303, "{b}");
        // (0 × O + 30 × 80 + 70 × (50 × 75 + 50 × 50) / 100) / 100 = 24 + 43.75 = 67.75
        let page = mara.text(&sheet).await;
        assert!(page.contains("67,75"), "{b}");
        let v = version(&app).await;
        assert_eq!(
            head.post(&sheet, &[("seen", &v), ("passo", "notifica")])
                .await
                .status(),
            303,
            "{b}"
        );
        let v = version(&app).await;
        let r = mara
            .post(
                &sheet,
                &[
                    ("seen", &v),
                    ("passo", "visione"),
                    ("osservazioni", "Osservazione riservata di Mara"),
                ],
            )
            .await;
        assert_eq!(r.status(), 303, "{b}");
        let v = version(&app).await;
        let r = mara
            .post(
                &sheet,
                &[
                    ("seen", &v),
                    ("passo", "conciliazione"),
                    ("richiesta", "La collaborazione è stata piena."),
                ],
            )
            .await;
        assert_eq!(r.status(), 303, "{b}");
        // The head does not decide the appeal on their own evaluation; the Nucleo does.
        let v = version(&app).await;
        let decision = [
            ("passo", "decisione"),
            ("esito", "rivista"),
            ("motivazione", "Documentata."),
            ("ragg_O1", "80"),
            ("voto_C1", "4"),
            ("voto_C2", "5"),
        ];
        let mut fields = vec![("seen", v.as_str())];
        fields.extend(decision);
        assert_eq!(head.post(&sheet, &fields).await.status(), 422, "{b}");
        assert_eq!(nucleo.post(&sheet, &fields).await.status(), 303, "{b}");
        let page = mara.text(&sheet).await;
        // Revised: (30 × 80 + 70 × (50 × 75 + 50 × 100) / 100) / 100 = 85.25, the old kept.
        assert!(
            page.contains("85,25") && page.contains("Definitiva") && page.contains("67,75"),
            "{b}"
        );

        // The pool waits for the measurement's validation.
        let budget = [
            ("fondo", "comparto_individual"),
            ("importo", "1.000,00"),
            ("atto", "Determina n. 5"),
            ("variabile", "3000"),
            ("formula", "proportional"),
        ];
        let seen = revision(&app).await;
        let mut fields = vec![("seen", seen.as_str())];
        fields.extend(budget);
        assert_eq!(
            personnel
                .post(&format!("{base}/premi"), &fields)
                .await
                .status(),
            303,
            "{b}"
        );
        let seen = revision(&app).await;
        let r = personnel
            .post(&format!("{base}/premi/ripartizione"), &[("seen", &seen)])
            .await;
        assert_eq!(r.status(), 422, "{b}");
        app.act(PlanState::Approved, "start", PlanState::InExecution)
            .await;
        app.act(
            PlanState::InExecution,
            "close_measurement",
            PlanState::Measured,
        )
        .await;
        app.act(
            PlanState::Measured,
            "validate_measurement",
            PlanState::MeasureValidated,
        )
        .await;
        // The premia wait for the Relazione's validation too.
        let r = personnel
            .post(&format!("{base}/premi/ripartizione"), &[("seen", &seen)])
            .await;
        assert_eq!(r.status(), 422, "{b}");
        assert!(r.text().await.unwrap().contains("Relazione"), "{b}");
        app.validate_relazione().await;
        let seen = revision(&app).await;
        let r = personnel
            .post(&format!("{base}/premi/ripartizione"), &[("seen", &seen)])
            .await;
        assert_eq!(r.status(), 303, "{b}");
        // Mara alone shares the whole budget; she reads her payout and why.
        let page = mara.text(&format!("{base}/premi")).await;
        assert!(
            page.contains("1.000,00 €") && page.contains("presenza 1"),
            "{b}"
        );
        let page = admin.text(&format!("{base}/premi")).await;
        assert!(
            !page.contains("Mara Gialli"),
            "{b}: the planning office reads no payout"
        );
        let csv = personnel.text(&format!("{base}/premi/cedolini.csv")).await;
        assert!(
            csv.contains("M001;Mara Gialli;istruttore;comparto_individual")
                && csv.contains("1000,00"),
            "{b}: {csv}"
        );
        assert_eq!(
            admin
                .get(&format!("{base}/premi/cedolini.csv"))
                .await
                .status(),
            403,
            "{b}"
        );
        let xlsx = personnel.get(&format!("{base}/premi/cedolini.xlsx")).await;
        assert_eq!(xlsx.status(), 200, "{b}");
        assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"), "{b}");

        // Every step is in the log, and nothing of what the schede say.
        let log = app
            .assert_audited(&[
                "evaluation.smvp",
                "evaluation.staff",
                "evaluation.open",
                "scheda.step",
                "pool.budget",
                "pool.share",
            ])
            .await;
        let all = serde_json::to_string(&log).unwrap();
        assert!(
            !all.contains("Osservazione riservata")
                && !all.contains("collaborazione è stata piena"),
            "{b}"
        );
        app.stop().await;
    }
}
