//! The papers as downloads, on each database: the public gets the plan's papers once the plan
//! is public, in the three formats; the Relazione only once published; the payout list only
//! the personnel office and the Nucleo, once shared; nothing for a name that is not there.

use domain::Role;

use crate::{PLAN, PLAN_ID, TestApp, demo};

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

/// A picture as a file of `format`, `width` × `height`, red on a transparent border.
fn picture(width: u32, height: u32, format: image::ImageFormat) -> Vec<u8> {
    let shield = image::RgbaImage::from_fn(width, height, |x, y| {
        let inside = x > 4 && y > 4 && x < width - 4 && y < height - 4;
        image::Rgba([190, 20, 30, if inside { 255 } else { 0 }])
    });
    let picture = match format {
        image::ImageFormat::Jpeg => {
            image::DynamicImage::ImageRgb8(image::DynamicImage::ImageRgba8(shield).to_rgb8())
        }
        _ => image::DynamicImage::ImageRgba8(shield),
    };
    let mut out = std::io::Cursor::new(Vec::new());
    picture.write_to(&mut out, format).unwrap();
    out.into_inner()
}

/// Whether a paper carries a picture: an image object in the PDF, a media file in the DOCX.
async fn pictured(app: &TestApp, file: &str) -> bool {
    let r = app.get(&format!("/piani/{PLAN}/documenti/{file}")).await;
    assert_eq!(r.status(), 200, "{file}");
    let bytes = r.bytes().await.unwrap();
    if file.ends_with(".pdf") {
        String::from_utf8_lossy(&bytes).contains("/Subtype /Image")
    } else {
        let zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        zip.file_names()
            .any(|n| n.is_ok_and(|n| n.contains("/media/")))
    }
}

#[tokio::test]
async fn the_planning_office_uploads_its_emblem_and_every_paper_carries_it() {
    let slug = PLAN_ID.entity();
    let image = format!("/stemmi/{slug}.png");
    for app in TestApp::each().await {
        let b = app.backend;
        app.approve_plan().await;
        let office = app.planning_office().await;
        let page = office.text("/ente").await;
        assert!(page.contains("non ha ancora caricato il suo stemma"), "{b}");
        assert_eq!(app.get(&image).await.status(), 404, "{b}");
        assert!(!pictured(&app, "piano.pdf").await, "{b}");

        // What is not a usable picture is refused on the page, in words; nothing is kept.
        for (file, bytes, words) in [
            (
                "stemma.gif",
                b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec(),
                "PNG o JPEG",
            ),
            (
                "stemma.png",
                picture(40, 40, image::ImageFormat::Png)[..60].to_vec(),
                "danneggiato",
            ),
            ("vuoto.png", Vec::new(), "Scegliere il file"),
        ] {
            let r = office.upload("/ente/stemma", file, &bytes).await;
            assert_eq!(r.status(), 422, "{b} {file}");
            assert!(r.text().await.unwrap().contains(words), "{b} {file}");
        }
        assert_eq!(app.get(&image).await.status(), 404, "{b}");
        // More than 2 MB is refused by its declared length, before the body is read.
        let big = vec![0u8; 3 << 20];
        let r = office.upload("/ente/stemma", "grande.png", &big).await;
        assert_eq!(r.status(), 413, "{b}");
        // Nobody else uploads it: another role, an account of the whole installation.
        let board = app.signed_in_as(Role::Board).await;
        let png = picture(60, 90, image::ImageFormat::Png);
        assert_eq!(
            board.upload("/ente/stemma", "s.png", &png).await.status(),
            403,
            "{b}"
        );
        let everyone = app.signed_in_as(Role::Admin).await;
        let r = everyone.upload("/ente/stemma", "s.png", &png).await;
        assert_eq!(r.status(), 422, "{b}");
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("dell'intera installazione"),
            "{b}"
        );

        // A large photograph: kept as a PNG no larger than 512 pixels, its proportions kept,
        // shown on the page and public at its address.
        let jpeg = picture(1200, 600, image::ImageFormat::Jpeg);
        assert_eq!(
            office
                .upload("/ente/stemma", "stemma.jpg", &jpeg)
                .await
                .status(),
            303,
            "{b}"
        );
        assert!(
            office
                .text("/ente")
                .await
                .contains(&format!("src=\"{image}\"")),
            "{b}"
        );
        let r = app.get(&image).await;
        assert_eq!(r.status(), 200, "{b}");
        assert_eq!(crate::header(&r, "content-type"), "image/png", "{b}");
        let kept = image::load_from_memory(&r.bytes().await.unwrap()).unwrap();
        assert_eq!((kept.width(), kept.height()), (512, 256), "{b}");
        for file in ["piano.pdf", "piano.docx"] {
            assert!(pictured(&app, file).await, "{b} {file}");
        }

        // Removed: the papers go without; removing it again is out of turn.
        assert_eq!(
            office.post("/ente/stemma/rimozione", &[]).await.status(),
            303,
            "{b}"
        );
        assert_eq!(app.get(&image).await.status(), 404, "{b}");
        assert!(!pictured(&app, "piano.docx").await, "{b}");
        assert_eq!(
            office.post("/ente/stemma/rimozione", &[]).await.status(),
            409,
            "{b}"
        );
        let entries = app.assert_audited(&["entity.emblem"]).await;
        assert_eq!(
            entries
                .iter()
                .filter(|e| e.action == "entity.emblem")
                .count(),
            2,
            "{b}: the upload and the removal, not the refusals"
        );
        app.stop().await;
    }
}
