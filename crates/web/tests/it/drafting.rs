//! «Scrivi il piano»: the planning office writes the draft in the browser — a unit with its
//! head, a card with phases of every kind of deadline — sees the plan's rules beside the fields
//! they concern, cannot send a plan with errors to the Nucleo, meets a save made on an older
//! version with both shown; a unit's head writes their own cards only.

use domain::{Anchor, Offset, Role, When};

use crate::{PLAN, PLAN_ID, TestApp, User, demo, head_name, headed_unit};

/// The fields of the new card, with phase 1's weight `weight`.
fn card_fields(version: &str, weight: &str) -> Vec<(&'static str, String)> {
    let mut f: Vec<(&str, String)> = vec![
        ("versione", version.into()),
        ("unita", "nuova-unita".into()),
        ("etichetta", "A".into()),
        ("titolo", "Sportello unico digitale".into()),
        ("risultato", "Pratiche tutte in rete".into()),
        ("finale-tipo", "in corso d'anno".into()),
        ("finale-testo", "in corso d'anno".into()),
        ("fasi", "0".into()),
        ("fase-0-etichetta", "1".into()),
        ("fase-0-descrizione", "Analisi dei procedimenti".into()),
        ("fase-0-incidenza", weight.into()),
        ("fase-0-responsabili", "NU1, 2249".into()),
        ("fase-0-tipo", "data".into()),
        ("fase-0-data", "2021-06-30".into()),
        ("fase-0-presunta", "si".into()),
        ("fase-1-etichetta", "2".into()),
        ("fase-1-descrizione", "Messa in rete".into()),
        ("fase-1-incidenza", "30".into()),
        ("fase-1-tipo", "dopo una fase".into()),
        ("fase-1-fase", "1".into()),
        ("fase-1-giorni", "90".into()),
        // Ordered before phase 2 by its number.
        ("fase-2-ordine", "0".into()),
        ("fase-2-etichetta", "0".into()),
        ("fase-2-descrizione", "Avvio".into()),
        ("fase-2-incidenza", "10".into()),
        ("fase-2-tipo", "dopo un evento".into()),
        ("fase-2-evento", "approvazione del bilancio".into()),
        ("fase-2-mesi", "2".into()),
        ("indicatori", "pratiche in rete\nrispetto dei tempi".into()),
    ];
    f.retain(|(_, v)| !v.is_empty());
    f
}

async fn post(user: &User, path: &str, fields: &[(&str, String)]) -> reqwest::Response {
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    user.post(path, &fields).await
}

/// Posts to `path` the form `html` shows, its fields named in `changes` changed (the token is
/// the user's own).
async fn resubmit(
    user: &User,
    path: &str,
    html: &str,
    changes: &[(&str, &str)],
) -> reqwest::Response {
    let fields: Vec<(String, String)> = hidden_and_values(html)
        .into_iter()
        .filter(|(k, _)| k != "csrf")
        .map(|(k, v)| {
            let changed = changes.iter().find(|(name, _)| *name == k);
            (k, changed.map_or(v, |(_, new)| (*new).to_owned()))
        })
        .collect();
    let fields: Vec<(&str, String)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    post(user, path, &fields).await
}

async fn revision(app: &TestApp) -> String {
    app.store.revision(&PLAN_ID).await.unwrap().to_string()
}

#[tokio::test]
async fn the_planning_office_writes_the_draft_and_a_head_their_own_cards() {
    let plan = demo();
    let (headed, their_card) = headed_unit(&plan);
    let other_card = plan
        .objectives
        .iter()
        .find(|o| o.unit != headed.id)
        .unwrap();
    let hub = format!("/piani/{PLAN}/bozza");
    for app in TestApp::each().await {
        let b = app.backend;
        let admin = app.signed_in_as(Role::Admin).await;
        let tree = admin.text(&format!("/piani/{PLAN}")).await;
        assert!(
            tree.contains(&format!("href=\"{hub}\"")),
            "{b}: no link to the draft"
        );
        let page = admin.text(&hub).await;
        assert!(page.contains("<h1>Scrivi il piano</h1>"), "{b}");

        // A unit with its head.
        let units = format!("/piani/{PLAN}/bozza/unita");
        let r = post(
            &admin,
            &units,
            &[
                ("versione", revision(&app).await),
                ("codice", "nuova-unita".into()),
                ("tipo", "servizio_autonomo".into()),
                ("nome", "Servizio Innovazione".into()),
                ("codice-responsabile", "NU1".into()),
                ("addetti", "7".into()),
                ("funzioni", "Transizione digitale\nSportelli".into()),
                ("righe", "0".into()),
                ("responsabile-0-nome", "Dott. Nuovo Capo".into()),
                ("responsabile-0-ruolo", "Dirigente".into()),
            ],
        )
        .await;
        assert_eq!(r.status(), 303, "{b}: {}", r.text().await.unwrap());
        let stored = app.store.plan(&PLAN_ID).await.unwrap();
        let unit = stored.units.last().unwrap();
        assert_eq!(
            (unit.id.as_str(), unit.staff, unit.functions.len()),
            ("nuova-unita", Some(7), 2),
            "{b}"
        );
        assert_eq!(unit.heads[0].role.as_deref(), Some("Dirigente"), "{b}");

        // Its code in the table, so that the phases may name it.
        let codes = format!("/piani/{PLAN}/bozza/codifica");
        let mut fields = vec![
            ("versione", revision(&app).await),
            ("righe", stored.responsibles.len().to_string()),
        ];
        for (i, r) in stored.responsibles.iter().enumerate() {
            fields.push((
                Box::leak(format!("codice-{i}-codice").into_boxed_str()),
                r.code.clone(),
            ));
            fields.push((
                Box::leak(format!("codice-{i}-ruolo").into_boxed_str()),
                r.title.clone(),
            ));
        }
        let n = stored.responsibles.len();
        fields.push((
            Box::leak(format!("codice-{n}-codice").into_boxed_str()),
            "NU1".into(),
        ));
        fields.push((
            Box::leak(format!("codice-{n}-ruolo").into_boxed_str()),
            "RESPONSABILE INNOVAZIONE".into(),
        ));
        let r = post(&admin, &codes, &fields).await;
        assert_eq!(r.status(), 303, "{b}: {}", r.text().await.unwrap());
        let stored = app.store.plan(&PLAN_ID).await.unwrap();
        assert_eq!(stored.responsibles.len(), n + 1, "{b}");
        assert_eq!(stored.responsibles.last().unwrap().code, "NU1", "{b}");

        // A card with phases of three kinds of deadline, ordered by their number.
        let cards = format!("/piani/{PLAN}/bozza/obiettivi");
        let r = post(&admin, &cards, &card_fields(&revision(&app).await, "60")).await;
        assert_eq!(r.status(), 303, "{b}: {}", r.text().await.unwrap());
        let card = format!("/piani/{PLAN}/bozza/obiettivi/nuova-unita/A");
        assert_eq!(crate::header(&r, "location"), card, "{b}");
        let stored = app.store.plan(&PLAN_ID).await.unwrap();
        let o = stored
            .objectives
            .iter()
            .find(|o| o.id.as_str() == "nuova-unita/A")
            .unwrap();
        let labels: Vec<&str> = o.phases.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["0", "1", "2"], "{b}");
        assert!(o.phases[1].deadline.tentative, "{b}");
        assert!(
            matches!(o.phases[1].deadline.when, When::Date { .. }),
            "{b}"
        );
        assert_eq!(o.phases[1].responsible, ["NU1", "2249"], "{b}");
        match &o.phases[0].deadline.when {
            When::Relative(r) => assert_eq!(
                (&r.anchor, r.offset),
                (
                    &Anchor::Event("approvazione del bilancio".into()),
                    Offset::Months(2)
                ),
                "{b}"
            ),
            other => panic!("{b}: {other:?}"),
        }
        assert_eq!(
            o.phases[2].deadline.after_phase().map(|p| p.as_str()),
            Some("1"),
            "{b}"
        );
        assert_eq!(o.indicators.len(), 2, "{b}");
        assert!(
            !admin.text(&card).await.contains("fasi-insieme-problema"),
            "{b}: the weights sum to 100"
        );

        // Weights that do not sum to 100 are saved, shown beside the phases, and keep the plan
        // from the Nucleo.
        let r = post(&admin, &card, &card_fields(&revision(&app).await, "50")).await;
        assert_eq!(r.status(), 303, "{b}");
        let form = admin.text(&card).await;
        assert!(form.contains("id=\"fasi-insieme-problema\""), "{b}: {form}");
        assert!(
            form.contains("aria-describedby=\"fasi-insieme-problema\""),
            "{b}"
        );
        let nucleo = app.signed_in_as(Role::Evaluator).await;
        let r = nucleo
            .post(
                &format!("/piani/{PLAN}/atti"),
                &[("kind", "validate"), ("from", "draft")],
            )
            .await;
        assert_eq!(r.status(), 422, "{b}");
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("da correggere prima della validazione"),
            "{b}"
        );

        // A value that is no number: nothing saved, the value kept, the problem beside it.
        let before = revision(&app).await;
        let r = post(&admin, &card, &card_fields(&before, "sessanta")).await;
        assert_eq!(r.status(), 422, "{b}");
        let html = r.text().await.unwrap();
        assert!(
            html.contains("aria-describedby=\"fase-0-incidenza-problema\""),
            "{b}"
        );
        assert!(html.contains("value=\"sessanta\""), "{b}");
        assert_eq!(revision(&app).await, before, "{b}");

        // Mended.
        let r = post(&admin, &card, &card_fields(&before, "60")).await;
        assert_eq!(r.status(), 303, "{b}");

        // A save made on an older version: both shown, nothing written.
        let r = post(&admin, &card, &card_fields(&before, "70")).await;
        assert_eq!(r.status(), 409, "{b}");
        let html = r.text().await.unwrap();
        assert!(
            html.contains("Nel frattempo il piano è stato modificato"),
            "{b}"
        );
        assert!(
            html.contains("Tuo valore") && html.contains("<td class=\"testo\">70</td>"),
            "{b}: {html}"
        );

        // The head of a unit writes that unit's cards, and nothing else.
        let head = app.signed_in("capo", &head_name(headed), &[], &[]).await;
        let theirs = format!(
            "/piani/{PLAN}/bozza/obiettivi/{}/{}",
            their_card.unit, their_card.label
        );
        let form = head.text(&theirs).await;
        assert!(form.contains("Salva la scheda"), "{b}");
        let mut fields: Vec<(&str, String)> = vec![("versione", revision(&app).await)];
        // The card's own fields as its form shows them, with a new title.
        for (k, v) in hidden_and_values(&form) {
            if k != "versione" && k != "csrf" {
                fields.push((Box::leak(k.into_boxed_str()), v));
            }
        }
        for f in fields.iter_mut().filter(|(k, _)| *k == "titolo") {
            f.1 = "Titolo riscritto dal dirigente".into();
        }
        let r = post(&head, &theirs, &fields).await;
        let status = r.status();
        let body = r.text().await.unwrap();
        let problems: Vec<&str> = body
            .split("class=\"problema\">")
            .skip(1)
            .map(|p| &p[..p.find('<').unwrap_or(0)])
            .collect();
        assert_eq!(status, 303, "{b}: {problems:#?}");
        let stored = app.store.plan(&PLAN_ID).await.unwrap();
        let mine = stored
            .objectives
            .iter()
            .find(|o| o.id == their_card.id)
            .unwrap();
        assert_eq!(mine.title, "Titolo riscritto dal dirigente", "{b}");
        assert_eq!(mine.phases, their_card.phases, "{b}: the rest as it was");
        let others = format!(
            "/piani/{PLAN}/bozza/obiettivi/{}/{}",
            other_card.unit, other_card.label
        );
        assert_eq!(head.get(&others).await.status(), 403, "{b}");
        assert_eq!(head.get(&units).await.status(), 403, "{b}");
        let r = post(&head, &cards, &card_fields(&revision(&app).await, "60")).await;
        assert_eq!(r.status(), 403, "{b}");

        // A card the measurement system names cannot go while the rules name it.
        let measured = plan
            .objectives
            .iter()
            .find(|o| !o.indicators.is_empty())
            .unwrap();
        let rules = format!(
            r#"{{"indicators": [{{"objective": "{}", "indicator": 1, "rule": {{"conversion": "percent_of_target", "target": 100, "band": "direct", "bands": "achievement", "no_actual": "exclude"}}}}]}}"#,
            measured.id
        );
        let r = admin
            .post(
                &format!("/piani/{PLAN}/punteggi"),
                &[("settings", rules.as_str())],
            )
            .await;
        assert_eq!(r.status(), 303, "{b}");
        let place = format!(
            "/piani/{PLAN}/bozza/obiettivi/{}/{}/posto",
            measured.unit, measured.label
        );
        let r = post(
            &admin,
            &place,
            &[
                ("versione", revision(&app).await),
                ("azione", "elimina".into()),
            ],
        )
        .await;
        let status = r.status();
        let body = r.text().await.unwrap();
        assert_eq!(status, 422, "{b}: {body}");
        assert!(body.contains("regole di misurazione"), "{b}");
        let stored = app.store.plan(&PLAN_ID).await.unwrap();
        assert!(stored.objectives.iter().any(|o| o.id == measured.id), "{b}");

        // Removed again: the card, then its unit.
        let r = post(
            &admin,
            &format!("{card}/posto"),
            &[
                ("versione", revision(&app).await),
                ("azione", "elimina".into()),
            ],
        )
        .await;
        assert_eq!(r.status(), 303, "{b}");
        let r = post(
            &admin,
            &format!("{units}/nuova-unita/posto"),
            &[
                ("versione", revision(&app).await),
                ("azione", "elimina".into()),
            ],
        )
        .await;
        assert_eq!(r.status(), 303, "{b}");
        let stored = app.store.plan(&PLAN_ID).await.unwrap();
        assert!(
            stored
                .unit(&domain::UnitId::parse("nuova-unita").unwrap())
                .is_none(),
            "{b}"
        );
        let log = app.assert_audited(&["plan.edit"]).await;
        assert!(
            log.iter().filter(|e| e.action == "plan.edit").count() >= 8,
            "{b}"
        );
        app.stop().await;
    }
}

/// The names and values of a form's inputs, text areas and chosen options, as a browser sends
/// them (unticked boxes left out).
fn hidden_and_values(html: &str) -> Vec<(String, String)> {
    let attr = |tag: &str, name: &str| -> Option<String> {
        let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        let end = tag[at..].find('"')?;
        Some(decode(&tag[at..at + end]))
    };
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        rest = &rest[start..];
        let Some(end) = rest.find('>') else { break };
        let tag = &rest[..=end];
        if tag.starts_with("<input") {
            let checkbox = tag.contains("type=\"checkbox\"");
            if let Some(name) = attr(tag, "name")
                && (!checkbox || tag.contains(" checked"))
            {
                out.push((name, attr(tag, "value").unwrap_or_default()));
            }
        } else if tag.starts_with("<textarea") {
            if let Some(name) = attr(tag, "name") {
                let body = &rest[end + 1..];
                let close = body.find("</textarea>").unwrap_or(0);
                out.push((name, decode(&body[..close])));
            }
        } else if tag.starts_with("<select")
            && let Some(name) = attr(tag, "name")
        {
            let body = &rest[end + 1..];
            let close = body.find("</select>").unwrap_or(0);
            let chosen = body[..close]
                .split("<option")
                .find(|o| o.contains(" selected"))
                .and_then(|o| attr(o, "value"))
                .unwrap_or_default();
            out.push((name, chosen));
        }
        rest = &rest[end + 1..];
    }
    out
}

fn decode(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The PIAO's form as the planning office fills it: the simplified layout, a risk, a measure
/// carried by a card (and one pointing at a card the plan lacks), a row of staff.
fn piao_fields(version: String, card: &str) -> Vec<(&'static str, String)> {
    vec![
        ("versione", version),
        ("modello", "semplificato".into()),
        ("cf", "00429440068".into()),
        ("rappresentante", "Il Sindaco".into()),
        ("dipendenti", "42".into()),
        ("rpct", "Il Segretario generale".into()),
        ("rischi-righe", "0".into()),
        ("rischio-0-area", "contratti".into()),
        ("rischio-0-processo", "Affidamenti diretti".into()),
        ("rischio-0-livello", "alto".into()),
        ("misure-righe", "0".into()),
        ("misura-0-tipo", "prevenzione".into()),
        ("misura-0-testo", "Rotazione degli affidatari".into()),
        ("misura-0-rischi", "r1".into()),
        ("misura-0-obiettivi", format!("{card}, nessuna/Z")),
        ("misura-0-scadenza", "2021-09-30".into()),
        ("struttura", "Settori e servizi autonomi.".into()),
        ("personale-righe", "0".into()),
        ("personale-0-profilo", "Istruttore amministrativo".into()),
        ("personale-0-dipendenti", "30".into()),
        ("personale-0-assunzioni", "2".into()),
    ]
}

#[tokio::test]
async fn the_planning_office_writes_the_piao_around_the_plan() {
    let plan = demo();
    let card = plan.objectives[0].id.to_string();
    let form = format!("/piani/{PLAN}/bozza/piao");
    let page = format!("/piani/{PLAN}/piao");
    for app in TestApp::each().await {
        let b = app.backend;
        let admin = app.signed_in_as(Role::Admin).await;
        assert!(
            admin
                .text(&page)
                .await
                .contains("non riporta le altre sezioni"),
            "{b}"
        );
        let r = post(&admin, &form, &piao_fields(revision(&app).await, &card)).await;
        assert_eq!(r.status(), 303, "{b}: {}", r.text().await.unwrap());
        let stored = app.store.plan(&PLAN_ID).await.unwrap();
        let piao = stored.piao.clone().expect("the PIAO is stored");
        assert_eq!(piao.layout, domain::piao::Layout::Semplificato, "{b}");
        assert_eq!(piao.registry.staff, Some(42), "{b}");
        let m = &piao.anticorruption.measures[0];
        assert_eq!(
            (m.id.as_str(), m.risks.clone()),
            ("m1", vec!["r1".to_owned()]),
            "{b}"
        );
        assert_eq!(m.objectives.len(), 2, "{b}");
        assert_eq!(piao.organisation.staff[0].hires, 2, "{b}");

        // The card the plan lacks, and the sections the simplified layout still needs, beside
        // their fields; the page shows the sections, their check and the card's link.
        let html = admin.text(&form).await;
        let problem = html
            .split("id=\"misura-0-obiettivi-problema\"")
            .nth(1)
            .unwrap_or_default();
        assert!(
            problem.contains("nessuna/Z"),
            "{b}: the unknown card is not shown beside its field"
        );
        assert!(
            html.contains("id=\"lavoro-agile-problema\""),
            "{b}: 3.2 is required"
        );
        let shown = admin.text(&page).await;
        assert!(
            shown.contains(&format!("href=\"/piani/{PLAN}/obiettivi/{card}\"")),
            "{b}"
        );
        assert!(shown.contains("Semplificato"), "{b}");
        assert!(shown.contains("manca"), "{b}: a required section is empty");
        let on_card = admin.text(&format!("/piani/{PLAN}/obiettivi/{card}")).await;
        let in_piao = on_card.split("id=\"piao\"").nth(1).unwrap_or_default();
        assert!(
            in_piao.contains("m1: Rotazione degli affidatari"),
            "{b}: the card tells its measure"
        );
        assert!(
            admin
                .text(&format!("/piani/{PLAN}"))
                .await
                .contains(&format!("href=\"{page}\"")),
            "{b}: the plan's menu offers the PIAO"
        );

        // Saved again as the form shows it, with a second risk: codes stay, the new one
        // takes the next.
        let r = resubmit(
            &admin,
            &form,
            &html,
            &[
                ("versione", &revision(&app).await),
                ("rischio-1-area", "selezioni"),
                ("rischio-1-processo", "Concorsi"),
                ("lavoro-agile", "Due giorni a settimana."),
            ],
        )
        .await;
        assert_eq!(r.status(), 303, "{b}: {}", r.text().await.unwrap());
        let again = app.store.plan(&PLAN_ID).await.unwrap().piao.unwrap();
        let ids: Vec<&str> = again
            .anticorruption
            .risks
            .iter()
            .map(|r| r.id.as_str())
            .collect();
        assert_eq!(ids, ["r1", "r2"], "{b}");
        assert_eq!(
            again.anticorruption.measures, piao.anticorruption.measures,
            "{b}"
        );
        assert_eq!(
            again.organisation.remote_work.as_deref(),
            Some("Due giorni a settimana."),
            "{b}"
        );

        // A form with a word no list has is refused beside its field, nothing saved.
        let mut bad = piao_fields(revision(&app).await, &card);
        bad.push(("personale-1-dipendenti", "molti".into()));
        let r = post(&admin, &form, &bad).await;
        assert_eq!(r.status(), 422, "{b}");
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("id=\"personale-1-dipendenti-problema\""),
            "{b}"
        );
    }
}

#[tokio::test]
async fn the_planning_office_says_how_each_indicator_is_measured() {
    let plan = demo();
    let o = plan
        .objectives
        .iter()
        .find(|o| o.indicators.len() >= 2)
        .unwrap();
    let card = format!("/piani/{PLAN}/bozza/obiettivi/{}", o.id);
    let rule = format!("{card}/indicatori/2");
    for app in TestApp::each().await {
        let b = app.backend;
        let admin = app.signed_in_as(Role::Admin).await;
        let form = admin.text(&card).await;
        assert_eq!(
            form.matches("id=\"indicatori\"").count(),
            1,
            "{b}: one element per id"
        );
        assert!(
            form.contains(&format!("href=\"{rule}\"")),
            "{b}: the card links the rule"
        );
        assert!(
            admin
                .text(&rule)
                .await
                .contains("Come si misura l'indicatore 2"),
            "{b}"
        );

        let fields = |version: String, conversion: &str| -> Vec<(&'static str, String)> {
            vec![
                ("versione", version),
                ("misurato", "si".into()),
                ("unita-misura", "giorni".into()),
                ("baseline", "45".into()),
                ("target", "30,5".into()),
                ("polarita", "lower_is_better".into()),
                ("peso", "2".into()),
                ("conversione", conversion.into()),
                ("fasce", "direct".into()),
                ("tabella", "achievement".into()),
                ("senza-valore", "exclude".into()),
            ]
        };
        let r = post(
            &admin,
            &rule,
            &fields(revision(&app).await, "percent_of_target"),
        )
        .await;
        assert_eq!(r.status(), 303, "{b}: {}", r.text().await.unwrap());
        let stored = app
            .store
            .monitoring(&PLAN_ID)
            .await
            .unwrap()
            .scoring
            .unwrap();
        let settings = domain::scoring::engine::Settings::parse(
            &stored,
            &app.store.plan(&PLAN_ID).await.unwrap(),
        )
        .unwrap();
        let s = settings
            .indicators
            .iter()
            .find(|s| s.objective == o.id.as_str() && s.indicator == 2)
            .unwrap();
        assert_eq!(s.unit.as_deref(), Some("giorni"), "{b}");
        assert_eq!(
            (s.rule.target, s.rule.prior_year),
            (Some("30.5".parse().unwrap()), Some("45".parse().unwrap())),
            "{b}"
        );
        assert_eq!(
            s.rule.polarity,
            domain::scoring::indicator::Polarity::LowerIsBetter,
            "{b}"
        );
        assert_eq!(
            s.rule.bands.0,
            domain::scoring::indicator::preset("achievement").unwrap(),
            "{b}"
        );
        // The form shows what is set; the card says it is measured.
        let shown = admin.text(&rule).await;
        assert!(shown.contains("value=\"30,5\""), "{b}: {shown}");
        assert!(admin.text(&card).await.contains("Indicatore 2: "), "{b}");

        // Limits without their limits cannot score: refused, nothing saved.
        let r = post(&admin, &rule, &fields(revision(&app).await, "limits")).await;
        assert_eq!(r.status(), 422, "{b}");
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("id=\"conversione-problema\""),
            "{b}"
        );
        assert_eq!(
            app.store
                .monitoring(&PLAN_ID)
                .await
                .unwrap()
                .scoring
                .unwrap(),
            stored,
            "{b}"
        );

        // Not measured any more: its rule goes, the rest stays.
        let r = post(&admin, &rule, &[("versione", revision(&app).await)]).await;
        assert_eq!(r.status(), 303, "{b}");
        let after = app.store.monitoring(&PLAN_ID).await.unwrap().scoring;
        let gone = after.as_deref().is_none_or(|t| {
            domain::scoring::engine::Settings::parse(t, &plan)
                .unwrap()
                .indicators
                .iter()
                .all(|s| !(s.objective == o.id.as_str() && s.indicator == 2))
        });
        assert!(gone, "{b}: {after:?}");
    }
}

#[tokio::test]
async fn the_header_sets_title_triennium_and_the_administrations_code() {
    let header = format!("/piani/{PLAN}/bozza/intestazione");
    for app in TestApp::each().await {
        let b = app.backend;
        let admin = app.signed_in_as(Role::Admin).await;
        let fields = |version: String, code: &str| -> Vec<(&'static str, String)> {
            vec![
                ("versione", version),
                (
                    "titolo",
                    "Piano della Performance 2021-2023 (rivisto)".into(),
                ),
                ("codice", code.into()),
                ("dal", "2021".into()),
                ("al", "2023".into()),
            ]
        };
        let r = post(&admin, &header, &fields(revision(&app).await, "c a182!")).await;
        assert_eq!(r.status(), 422, "{b}");
        assert!(
            r.text().await.unwrap().contains("id=\"codice-problema\""),
            "{b}"
        );
        let r = post(&admin, &header, &fields(revision(&app).await, " c_a182 ")).await;
        assert_eq!(r.status(), 303, "{b}: {}", r.text().await.unwrap());
        let stored = app.store.plan(&PLAN_ID).await.unwrap();
        assert_eq!(stored.entity.code.as_deref(), Some("c_a182"), "{b}");
        assert!(stored.title.ends_with("(rivisto)"), "{b}");
        assert!(
            admin
                .text(&format!("/piani/{PLAN}/bozza"))
                .await
                .contains("value=\"c_a182\""),
            "{b}"
        );
    }
}

#[tokio::test]
async fn strategy_lines_keep_their_codes_when_others_go_or_come() {
    let path = format!("/piani/{PLAN}/bozza/strategia");
    for app in TestApp::each().await {
        let b = app.backend;
        let admin = app.signed_in_as(Role::Admin).await;
        let before = app.store.plan(&PLAN_ID).await.unwrap().strategy;
        assert!(before.len() >= 2, "{b}");
        let n = before.len();
        let (title, axes) = (format!("linea-{n}-titolo"), format!("linea-{n}-assi"));
        let r = resubmit(
            &admin,
            &path,
            &admin.text(&path).await,
            &[
                ("versione", &revision(&app).await),
                ("linea-0-titolo", ""),
                (&title, "Una città digitale"),
                (&axes, "Servizi in rete\nDati aperti"),
            ],
        )
        .await;
        assert_eq!(r.status(), 303, "{b}: {}", r.text().await.unwrap());
        let after = app.store.plan(&PLAN_ID).await.unwrap().strategy;
        let ids: Vec<&str> = after.iter().map(|l| l.id.as_str()).collect();
        let mut expected: Vec<String> = before[1..].iter().map(|l| l.id.clone()).collect();
        expected.push(format!("s{}", n + 1));
        assert_eq!(
            ids, expected,
            "{b}: the others keep their codes, the new takes the next"
        );
        assert_eq!(
            after[1].axes, before[2].axes,
            "{b}: axes stay under their line"
        );
        let new = after.last().unwrap();
        let axes: Vec<&str> = new.axes.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(
            axes,
            [format!("s{}.1", n + 1), format!("s{}.2", n + 1)],
            "{b}"
        );
    }
}
