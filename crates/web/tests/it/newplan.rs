//! «Nuovo piano»: the planning office of the demo's administration starts a plan from nothing
//! and finds it; a second one of that year is out of turn, one of another administration not
//! theirs; a head of unit and the public may not; an installation's planning office uploads a
//! workbook and finds the plan it holds; a form without a name and files without a plan are
//! refused, said beside the field or with their findings, and make nothing.

use domain::{PlanId, PlanState, Role, UnitId};
use store::NewPerson;
use store::testing::stamp;

use crate::{PLAN, TestApp, demo, head_name, headed_unit};

const PAGE: &str = "/piani/nuovo";
const UPLOAD: &str = "/piani/nuovo/documento";

#[tokio::test]
async fn the_planning_office_starts_plans_from_nothing_and_from_documents() {
    let plan = demo();
    let (unit, _) = headed_unit(&plan);
    let entity = plan.entity_slug();
    for app in TestApp::each().await {
        let b = app.backend;
        // The planning office of the demo's administration.
        let password = "programmazione-password-1234";
        let office = NewPerson {
            username: domain::Username::parse("programmazione").unwrap(),
            name: "Ufficio Programmazione".into(),
            entity: Some(entity.clone()),
            roles: vec![Role::Admin],
            units: vec![],
            password_hash: Some(web::auth::hash_password(password).unwrap()),
        };
        app.store.add_person(&office, &stamp("test")).await.unwrap();
        let office = app.login("programmazione", password).await;

        let home = office.text("/").await;
        assert!(
            home.contains(&format!("href=\"{PAGE}\">Nuovo piano</a>")),
            "{b}: {home}"
        );
        let html = office.text(PAGE).await;
        for wanted in [
            "<h1>Nuovo piano</h1>",
            "<label for=\"ente\">",
            "<label for=\"tipo\">",
            "<label for=\"anno\">",
            "<label for=\"documento\">",
            "<legend>Il triennio</legend>",
            "<option value=\"citta_metropolitana\">Città metropolitana</option>",
            // The administration of its plans, to start from.
            format!("value=\"{}\"", plan.entity.name).as_str(),
            format!("href=\"/piani/{PLAN}/nuovo-anno\"").as_str(),
            format!("action=\"{UPLOAD}?csrf={}\"", office.csrf).as_str(),
        ] {
            assert!(html.contains(wanted), "{b}: {wanted}");
        }

        // A form without the administration's name: said beside the field, the rest kept.
        let mut fields = vec![
            ("entity", ""),
            ("kind", "comune"),
            ("code", "c a182!"),
            ("title", "Il piano nuovo"),
            ("year", "2030"),
            ("from", ""),
            ("to", ""),
        ];
        let r = office.post(PAGE, &fields).await;
        assert_eq!(r.status(), 422, "{b}");
        let html = r.text().await.unwrap();
        assert!(
            html.contains("aria-describedby=\"ente-aiuto ente-errore\" aria-invalid=\"true\""),
            "{b}: {html}"
        );
        assert!(
            html.contains("<p id=\"ente-errore\" class=\"errore-campo\">Il nome dell'amministrazione: campo obbligatorio.</p>"),
            "{b}"
        );
        assert!(
            html.contains("value=\"Il piano nuovo\""),
            "{b}: the title kept"
        );
        assert!(
            !html.contains("id=\"anno-errore\""),
            "{b}: the year is fine"
        );
        assert!(
            html.contains("<p id=\"codice-errore\" class=\"errore-campo\">Il codice IPA «c a182!» non è valido"),
            "{b}: the code's problem beside it"
        );
        let before = app.store.plans().await.unwrap().len();
        assert_eq!(before, 1, "{b}: nothing made");

        // From nothing: an empty draft, with the default title and triennium.
        fields[0].1 = &plan.entity.name;
        fields[2].1 = "c_a182";
        fields[3].1 = "";
        let r = office.post(PAGE, &fields).await;
        assert_eq!(r.status(), 303, "{b}: {}", r.text().await.unwrap());
        let id = PlanId::parse(format!("{entity}-2030")).unwrap();
        assert_eq!(crate::header(&r, "location"), format!("/piani/{id}"), "{b}");
        let made = app.store.plan(&id).await.unwrap();
        assert_eq!(made.title, "Piano della Performance 2030-2032", "{b}");
        assert_eq!((made.period.from, made.period.to), (2030, 2032), "{b}");
        assert_eq!(
            (
                &made.entity.name,
                made.entity.kind,
                made.entity.code.as_deref()
            ),
            (&plan.entity.name, plan.entity.kind, Some("c_a182")),
            "{b}"
        );
        assert!(made.units.is_empty() && made.objectives.is_empty(), "{b}");
        assert_eq!(app.store.plan_state(&id).await.unwrap(), PlanState::Draft);
        let page = office.text(&format!("/piani/{id}")).await;
        assert!(
            page.contains("<h1>Piano della Performance 2030-2032</h1>"),
            "{b}"
        );
        assert!(page.contains("in bozza"), "{b}: its state");
        let home = office.text("/").await;
        assert!(
            home.contains(&format!("href=\"/piani/{id}\"")),
            "{b}: on the home page"
        );
        let log = app.assert_audited(&["plan.create"]).await;
        let entry = log.iter().find(|e| e.action == "plan.create").unwrap();
        assert_eq!(
            (entry.actor.as_str(), entry.plan.as_deref()),
            ("programmazione", Some(id.as_str())),
            "{b}"
        );

        // Only once: the plan of that year is not replaced.
        let r = office.post(PAGE, &fields).await;
        assert_eq!(r.status(), 409, "{b}");
        assert!(
            r.text().await.unwrap().contains("Esiste già il piano 2030"),
            "{b}"
        );
        // Another administration's plan is not theirs to make.
        fields[0].1 = "Comune di Altrove";
        assert_eq!(office.post(PAGE, &fields).await.status(), 403, "{b}");

        // A head of unit may not, nor the public.
        let head = app.signed_in("capo", &head_name(unit), &[], &[]).await;
        assert_eq!(head.get(PAGE).await.status(), 403, "{b}");
        assert_eq!(head.post(PAGE, &fields).await.status(), 403, "{b}");
        let bytes = workbook::write(&plan).unwrap();
        let r = head.upload(UPLOAD, "piano.xlsx", &bytes).await;
        assert_eq!(r.status(), 403, "{b}");
        assert!(!head.text("/").await.contains("Nuovo piano</a>"), "{b}");
        assert_eq!(app.get(PAGE).await.status(), 401, "{b}");

        // From a workbook: the plan it holds, as it was written.
        let admin = app.signed_in_as(Role::Admin).await;
        let mut other = demo();
        other.entity.name = "Comune di Altrove".into();
        other.year = 2022;
        let bytes = workbook::write(&other).unwrap();
        let r = admin.upload(UPLOAD, "altrove.xlsx", &bytes).await;
        assert_eq!(r.status(), 303, "{b}: {}", r.text().await.unwrap());
        let id = PlanId::parse("comune-di-altrove-2022").unwrap();
        assert_eq!(crate::header(&r, "location"), format!("/piani/{id}"), "{b}");
        let stored = app.store.plan(&id).await.unwrap();
        assert_eq!(
            serde_json::to_value(&stored).unwrap(),
            serde_json::to_value(&other).unwrap(),
            "{b}"
        );
        assert_eq!(
            stored.units[0].id,
            UnitId::parse(plan.units[0].id.as_str()).unwrap()
        );
        let log = app.assert_audited(&["plan.import"]).await;
        let entry = log
            .iter()
            .rfind(|e| e.action == "plan.import")
            .and_then(|e| e.after.clone())
            .unwrap();
        assert!(
            entry.contains("\"document\":\"altrove.xlsx\""),
            "{b}: {entry}"
        );
        // Twice: out of turn.
        let r = admin.upload(UPLOAD, "altrove.xlsx", &bytes).await;
        assert_eq!(r.status(), 409, "{b}");

        // Files without a plan: refused with the Italian findings, nothing made.
        let count = app.store.plans().await.unwrap().len();
        let r = admin
            .upload(
                UPLOAD,
                "piano.xlsx",
                b"\x00\x01\x02 niente di leggibile \xff",
            )
            .await;
        assert_eq!(r.status(), 422, "{b}");
        let html = r.text().await.unwrap();
        assert!(
            html.contains("Il foglio di calcolo non contiene un piano leggibile."),
            "{b}: {html}"
        );
        assert!(html.contains("role=\"alert\""), "{b}");
        assert!(
            html.contains("aria-describedby=\"documento-errore\""),
            "{b}: the file's field points to why"
        );
        let r = admin
            .upload(
                UPLOAD,
                "note.txt",
                "lista della spesa: pane, latte".as_bytes(),
            )
            .await;
        assert_eq!(r.status(), 422, "{b}");
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("Il documento non dice di quale amministrazione è il piano"),
            "{b}"
        );
        let r = admin.upload(UPLOAD, "p.json", b"{ \"format\": ").await;
        assert_eq!(r.status(), 422, "{b}");
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("Il file non è un piano pegaso.plan/1 valido."),
            "{b}"
        );
        // Over the limit: refused as it arrives, or, when the form announces more than it
        // may hold, as it is announced, before it is read.
        let max = cycle::documents::MAX_BYTES;
        let r = admin
            .upload(UPLOAD, "grande.txt", &vec![b'a'; max + 1])
            .await;
        assert_eq!(r.status(), 422, "{b}");
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("Il file supera i 20,0 MB."),
            "{b}"
        );
        let r = admin
            .upload(UPLOAD, "grande.txt", &vec![b'a'; max + 70 * 1024])
            .await;
        assert_eq!(r.status(), 413, "{b}");
        assert!(
            r.text().await.unwrap().contains("supera il limite di 20"),
            "{b}"
        );
        assert_eq!(app.store.plans().await.unwrap().len(), count, "{b}");
        app.stop().await;
    }
}
