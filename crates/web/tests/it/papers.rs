//! The papers as downloads, on each database: the public gets the plan's papers once the plan
//! is public, in the three formats; the Relazione only once published; the payout list only
//! the personnel office and the Nucleo, once shared; nothing for a name that is not there.

use domain::Role;

use crate::{PLAN, TestApp, demo};

#[tokio::test]
async fn each_reader_downloads_the_papers_their_pages_show() {
    let plan = demo();
    let card = plan.objectives[0].id.to_string();
    for app in TestApp::each().await {
        let b = app.backend;
        app.approve_plan().await;
        let admin = app.signed_in_as(Role::Admin).await;
        let personnel = app.signed_in_as(Role::Personnel).await;
        let docs = format!("/piani/{PLAN}/documenti");
        for (file, magic, kind) in [
            ("piano.pdf", &b"%PDF-"[..], "application/pdf"),
            ("piano.docx", &b"PK"[..], "wordprocessingml"),
            ("piano.xlsx", &b"PK"[..], "spreadsheetml"),
        ] {
            let r = app.get(&format!("{docs}/{file}")).await;
            assert_eq!(r.status(), 200, "{b} {file}");
            let ct = r.headers()["content-type"].to_str().unwrap().to_owned();
            assert!(ct.contains(kind), "{b} {file}: {ct}");
            assert!(
                r.headers()["content-disposition"]
                    .to_str()
                    .unwrap()
                    .contains(&format!("{PLAN}-piano.")),
                "{b}"
            );
            assert!(r.bytes().await.unwrap().starts_with(magic), "{b} {file}");
        }
        let query = serde_urlencoded::to_string([("obiettivo", card.as_str())]).unwrap();
        assert_eq!(
            app.get(&format!("{docs}/obiettivo.pdf?{query}"))
                .await
                .status(),
            200,
            "{b}"
        );
        for missing in [
            "obiettivo.pdf?obiettivo=nessuna/Z",
            "obiettivo.pdf",
            "piano.odt",
            "qualcosa.pdf",
            "unita.docx?unita=nessuna",
        ] {
            assert_eq!(
                app.get(&format!("{docs}/{missing}")).await.status(),
                404,
                "{b} {missing}"
            );
        }
        // The Relazione: not yet published, so not for the public; the planning office has it.
        assert_eq!(
            app.get(&format!("{docs}/relazione.pdf")).await.status(),
            404,
            "{b}"
        );
        assert_eq!(
            admin.get(&format!("{docs}/relazione.docx")).await.status(),
            200,
            "{b}"
        );
        // Nothing examined by the Nucleo yet, nothing shared: no such paper.
        assert_eq!(
            admin.get(&format!("{docs}/validazione.pdf")).await.status(),
            404,
            "{b}"
        );
        assert_eq!(
            personnel.get(&format!("{docs}/premi.xlsx")).await.status(),
            404,
            "{b}"
        );
        // The payout list is personal data: not the planning office's.
        assert_eq!(
            admin.get(&format!("{docs}/premi.pdf")).await.status(),
            403,
            "{b}"
        );
        assert_eq!(
            admin
                .get(&format!("{docs}/scheda.pdf?matricola=X1"))
                .await
                .status(),
            404,
            "{b}"
        );
        app.stop().await;
    }
}
