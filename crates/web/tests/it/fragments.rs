//! Pages in-process: the real router called as a service (no socket), on a database where the
//! demonstration year was played as `pegaso serve` plays it; the part of each page that
//! matters, as text, held to a snapshot (`UPDATE_EXPECT=1` rewrites them). Every address names
//! its day (`?al=`, `?dal=`), so that no snapshot depends on today.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use expect_test::{Expect, expect};
use store::Store;
use store::testing::{TestDatabase, fresh_databases};
use tower::ServiceExt;

use crate::{cookie_in, field};

/// The part of a page a snapshot holds: from the first `from` to the first `to` after it.
type Part = (&'static str, &'static str);

/// The page's `main` element.
const MAIN: Part = ("<main", "</main>");

/// An objective card's progress section: its phases, their traffic lights and reports.
const PROGRESS: Part = ("<h2 id=\"avanzamento\"", "<h2");

/// An objective card's score and how it is computed.
const SCORE: Part = ("<h2 id=\"punteggio\"", "</details>");

/// A card with a phase never reported, one late and two on time, after the year's end.
const LATE_CARD: &str = "/piani/citta-di-alessandria-2021/obiettivi/risorse-umane/A?al=2022-04-30";

/// The same card as it stood at the first monitoring's day.
const MIDYEAR_CARD: &str =
    "/piani/citta-di-alessandria-2021/obiettivi/risorse-umane/A?al=2021-06-30";

/// A page to ask for, the status it answers with, the part that matters and what it says.
type Case = (&'static str, u16, Part, Expect);

/// The application on one database, with the demonstration's year played.
struct Site {
    backend: &'static str,
    router: Router,
    /// The accounts the demonstration printed, with their passwords.
    accounts: Vec<web::demo::DemoAccount>,
    _db: TestDatabase,
}

impl Site {
    /// One site per database the environment offers.
    async fn each() -> Vec<Site> {
        let mut sites = Vec::new();
        for db in fresh_databases().await {
            let store = Store::open(&db.url).await.unwrap();
            let year = web::load_demo_year(&store, &|_| {})
                .await
                .unwrap()
                .expect("an empty database");
            sites.push(Site {
                backend: db.backend,
                router: web::app(web::AppState::new(store).with_demo(true)),
                accounts: year.accounts,
                _db: db,
            });
        }
        sites
    }

    /// The answer to one request: status, headers and body as text.
    async fn answer(
        &self,
        method: Method,
        path: &str,
        cookie: &str,
        form: String,
    ) -> (StatusCode, HeaderMap, String) {
        let request = Request::builder()
            .method(method)
            .uri(path)
            .header(header::COOKIE, cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form))
            .unwrap();
        let response = self.router.clone().oneshot(request).await.unwrap();
        let (parts, body) = response.into_parts();
        let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
        (
            parts.status,
            parts.headers,
            String::from_utf8(bytes.to_vec()).unwrap(),
        )
    }

    /// The session cookie of a demonstration account, signed in through the login form.
    async fn sign_in(&self, username: &str) -> String {
        let account = self.accounts.iter().find(|a| a.username == username);
        let password = &account.expect("a demonstration account").password;
        let (_, headers, html) = self
            .answer(Method::GET, "/accesso", "", String::new())
            .await;
        let login = cookie_in(&headers, "pegaso_login").expect("login cookie");
        let form = serde_urlencoded::to_string([
            ("csrf", field(&html, "csrf").expect("csrf field").as_str()),
            ("username", username),
            ("password", password),
            ("dopo", "/"),
        ])
        .unwrap();
        let cookie = format!("pegaso_login={login}");
        let (status, headers, _) = self.answer(Method::POST, "/accesso", &cookie, form).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{} login", self.backend);
        let session = cookie_in(&headers, "pegaso_session").expect("session cookie");
        format!("pegaso_session={session}")
    }
}

/// Asks every case's page, as `who` (a demonstration account) or the public, on each database,
/// and holds its part to the snapshot.
async fn check(who: Option<&str>, cases: &[Case]) {
    for site in Site::each().await {
        let cookie = match who {
            Some(username) => site.sign_in(username).await,
            None => String::new(),
        };
        for (path, status, part, snapshot) in cases {
            let (got, _, html) = site.answer(Method::GET, path, &cookie, String::new()).await;
            assert_eq!(got.as_u16(), *status, "{} {path}", site.backend);
            snapshot.assert_eq(&text(*part, &html));
        }
    }
}

/// The text of `part` of a page: a line for each block (paragraph, heading, list item, row…),
/// cells apart with ` | `, white space collapsed, charts and attribute values (tokens, ids,
/// addresses) left out, today's date written `[oggi]`.
fn text((from, to): Part, html: &str) -> String {
    let start = html
        .find(from)
        .unwrap_or_else(|| panic!("no {from} in {html}"));
    let rest = &html[start..];
    let end = rest[from.len()..]
        .find(to)
        .map_or_else(|| panic!("no {to} after {from}"), |i| i + from.len());
    let mut out = String::new();
    let mut chunks = rest[..end].split('<');
    out.push_str(chunks.next().unwrap_or_default());
    let mut chart = false;
    for chunk in chunks {
        let (tag, after) = chunk.split_once('>').unwrap_or((chunk, ""));
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        match name.as_str() {
            "svg" => chart = !tag.starts_with('/'),
            "td" | "th" if !tag.starts_with('/') => out.push_str(" | "),
            "br" | "input" | "label" | "button" | "textarea" | "select" => out.push(' '),
            "p" | "div" | "li" | "tr" | "h1" | "h2" | "h3" | "dt" | "dd" | "caption"
            | "summary" | "ul" | "ol" | "dl" | "table" | "form" | "details" | "nav" | "main" => {
                out.push('\n');
            }
            _ => {}
        }
        if !chart {
            out.push_str(after);
        }
    }
    let today = web::today().format("%d/%m/%Y").to_string();
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
        .replace(&today, "[oggi]")
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .map(|l| l.trim_start_matches('|').trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn public_pages_say_what_the_demonstration_year_left() {
    check(
        None,
        &[
            ("/?dal=2021-06-15&al=2021-06-30", 200, MAIN, expect![[r#"
                I piani della performance
                Piani in preparazione
                Un piano è in preparazione: i piani sono pubblici dopo l'approvazione della Giunta. Chi vi lavora può accedere.
                Scadenze nei 30 giorni a partire dal Mostra
                Situazione dei piani al Mostra
                Comune · anno 2021
                Città di Alessandria: Piano della Performance 2021-2023
                Triennio 2021–2023, piano esecutivo dell'anno 2021.
                16 unità organizzative
                44 obiettivi
                181 fasi
                25 assi strategici
                Situazione degli obiettivi al 30/06/2021
                9 in ritardo
                5 a rischio
                26 nei tempi
                1 conclusa in ritardo
                3 conclusa nei tempi
                Punteggio organizzativo: 35,58 su 100.
                Scadenze dal 15/06/2021 al 15/07/2021
                Fasi e obiettivi in scadenza, per data
                Scadenza | Obiettivo | Che cosa | Unità
                15/06/2021 | Obiettivo A | Fase 2: Realizzazione di un software per il caricamento e la conseguente elaborazione dei dati | Servizio Autonomo Programmazione e Controllo
                15/06/2021 | Obiettivo A | Fase 3: Piano di comunicazione dell'indagine sul benessere organizzativo e conseguente campagna d'informazione interna all'Ente | Servizio Autonomo Programmazione e Controllo
                15/06/2021 | Obiettivo B | Fase 3: Predisposizione del materiale e avvio delle rilevazioni di customer satisfaction nell'ambito dei Servizi selezionati | Servizio Autonomo Programmazione e Controllo
                15/06/2021 | Obiettivo A | Fase 1: Definizione della Strategia di comunicazione, da attuarsi con i diversi soggetti coinvolti, previo avallo del Sindaco | Settore Ufficio Stampa, Cultura e Promozione della Città, Marketing Territoriale
                15/06/2021 | Obiettivo B | Fase 1: Presentazione alla Giunta comunale della programmazione degli eventi culturali estivi, da attuarsi in Cittadella | Settore Ufficio Stampa, Cultura e Promozione della Città, Marketing Territoriale
                15/06/2021 | Obiettivo C | Fase 1: Definizione della Campagna di comunicazione digitale e di media relations nazionali "di destinazione turistica", da attuarsi con i diversi soggetti coinvolti, previo avallo del Sindaco | Settore Ufficio Stampa, Cultura e Promozione della Città, Marketing Territoriale
                28/06/2021 | Obiettivo B | Fase 5: realizzazione dell'affidamento del Servizio in house | Settore Lavori Pubblici, Infrastrutture e Smart City
                30/06/2021 | Obiettivo A | Fase 1: Elaborazione e approvazione del nuovo sistema operativo relativo ai flussi | Settore Gabinetto del Sindaco, Segreterie particolari, Soggetti partecipati, Cerimoniale, Affari Generali e Disability Manager
                30/06/2021 | Obiettivo B | Fase 1: Progettazione del sistema di valutazione e risultato delle società del Gruppo AMAG e di ARAL S.p.A. | Settore Gabinetto del Sindaco, Segreterie particolari, Soggetti partecipati, Cerimoniale, Affari Generali e Disability Manager
                30/06/2021 | Obiettivo C | Fase 1: Progettazione del sistema operativo di flussi | Settore Gabinetto del Sindaco, Segreterie particolari, Soggetti partecipati, Cerimoniale, Affari Generali e Disability Manager
                30/06/2021 | Obiettivo C | Fase 4: Attivazione di almeno 1 sportello completamente on line | Settore Sistemi Informativi ed E-Government
                30/06/2021 | Obiettivo C | Fase 5: Redazione ed adozione del piano triennale ICT del Comune di Alessandria e del conseguente piano operativo annuale | Settore Sistemi Informativi ed E-Government
                30/06/2021 | Obiettivo A | Fase 2: Predisposizione bozza di disciplina organizzativa dell'attività degli Ispettori Ambientali | Servizio Autonomo Polizia Locale
                30/06/2021 | Obiettivo B | Fase 3: Attivazione supporto psicologico e ausilio operativo della rete delle Sentinelle di Quartiere – 3° REPORT ALLA PREFETTURA | Servizio Autonomo Polizia Locale
                30/06/2021 | Obiettivo A | Fase 1: (ri)definizione dei propri processi interni e individuazione dei metadati | Servizio Autonomo Gare, Appalti e Contratti
                30/06/2021 | Obiettivo C | Fase 3: Redazione del Progetto di Servizio per l'avvio delle procedure per l'acquisizione della piattaforma telematica tramite convenzionamento con altro soggetto o procedura di gara | Servizio Autonomo Gare, Appalti e Contratti
                30/06/2021 | Obiettivo A | Fase 2: Istituzione tavolo di lavoro per il coordinamento e collegamento fra i soggetti istituzionali attivi in città nei settori della cultura, promozione turistica, marketing territoriale | Settore Ufficio Stampa, Cultura e Promozione della Città, Marketing Territoriale
                30/06/2021 | Obiettivo 1 | Fase 7: Pubblicazione atto sulla home page dell'Azienda | Azienda Speciale Multiservizi Costruire Insieme
                30/06/2021 | Obiettivo 1 | Scadenza finale dell'obiettivo | Azienda Speciale Multiservizi Costruire Insieme
                30/06/2021 | Obiettivo C | Fase 2: Reportistica delle posizioni debitorie al 31/12/2019 ai Settori di riferimento | Settore Risorse Finanziarie e Tributi
                30/06/2021 | Obiettivo B | Fase 1: procedure di accreditamento presso la piattaforma telematica ANAC per gli affidamenti in house-providing del Comune di Alessandria | Settore Lavori Pubblici, Infrastrutture e Smart City
                30/06/2021 | Obiettivo C | Fase 4: Affidamento lavori (aggiudicazione) | Settore Lavori Pubblici, Infrastrutture e Smart City
                30/06/2021 | Obiettivo C | Scadenza finale dell'obiettivo | Settore Lavori Pubblici, Infrastrutture e Smart City
                30/06/2021 | Obiettivo B | Fase 3: erogazione contributi | Settore Sviluppo Economico, Sanità, Ambiente, Mobilità, Protezione Civile, Commercio e Turismo
                30/06/2021 | Obiettivo B | Scadenza finale dell'obiettivo | Settore Sviluppo Economico, Sanità, Ambiente, Mobilità, Protezione Civile, Commercio e Turismo
                15/07/2021 | Obiettivo A | Fase 4: Con il supporto del focus group, individuazione di un campione significativo di dipendenti cui somministrare la bozza del questionario, effettuazione del test per eventuali integrazioni e/o modifiche e conseguente somministrazione del testo definitivo del questionario | Servizio Autonomo Programmazione e Controllo
                15/07/2021 | Obiettivo D | Fase 4: Aggiudicazione lavori | Settore Lavori Pubblici, Infrastrutture e Smart City"#]]),
            (
                "/piani/citta-di-alessandria-2021",
                200,
                ("<main", "<h2>La strategia"),
                expect![[r#"
                    Anno 2021 · triennio 2021–2023
                    Piano della Performance 2021-2023
                    Stato del piano
                    Il piano è pubblicato con i suoi risultati. Approvato con deliberazione di Giunta n. 35 del 10/02/2021."#]],
            ),
            (
                "/piani/citta-di-alessandria-2021/unita/risorse-umane?al=2021-06-30",
                200,
                MAIN,
                expect![[r#"
                    Servizio autonomo
                    Servizio Autonomo Risorse Umane
                    Scarica le schede dell'unità: PDF · Word (DOCX) · foglio di calcolo (XLSX)
                    Situazione al Mostra Torna a oggi
                    Il piano com'era alla fine del 30/06/2021: si contano solo i fatti registrati entro quel giorno.
                    Responsabili
                    Dott.ssa Cinzia Maria Ines Colla, Responsabile in P.O.
                    Codice responsabile
                    2251
                    Personale assegnato
                    20 persone
                    Macrofunzioni
                    Amministrazione economica del personale dipendente e dei redditi assimilati
                    Gestione delle Risorse Umane
                    Lavoro, Orientamento professionale e Servizio Civile
                    Sistemi operativi di organizzazione e controllo – Relazioni sindacali
                    I suoi obiettivi
                    Le scadenze dell'unità nel tuo calendario (iCal)
                    Obiettivo A
                    Piano delle Azioni Positive (P.A.P.)
                    4 fasi · scadenza finale: 30/04/2021
                    Situazione: in ritardo
                    Obiettivo B
                    Regolamentazione trasferte personale dirigente e dipendente
                    4 fasi · scadenza finale: 31/10/2021
                    Situazione: nei tempi
                    Obiettivo C
                    Regolamento Lavoro Agile
                    5 fasi · scadenza finale: 31/12/2021
                    Situazione: nei tempi
                    Obiettivo D
                    Adeguamento del Regolamento di Reclutamento
                    3 fasi · scadenza finale: 31/05/2021
                    Situazione: conclusa nei tempi
                    Obiettivi di altre unità a cui partecipa
                    Obiettivo C di Settore Sistemi Informativi ed E-Government — Diffusione dei servizi pubblici digitali per Cittadini e Imprese
                    Obiettivo D di Settore Sistemi Informativi ed E-Government — Messa in sicurezza di processi e applicazioni
                    Obiettivo A di Servizio Autonomo Polizia Locale — Disciplina organizzativa dell'attività degli Ispettori Ambientali
                    Obiettivo B di Servizio Autonomo Gare, Appalti e Contratti — Definizione di procedure interne per un approccio sistematico alle gare e redazione delle relative Linee Guida per l'affidamento di contratti pubblici sotto la soglia di rilievo comunitaria
                    Obiettivo C di Servizio Autonomo Gare, Appalti e Contratti — Piattaforma telematica per la gestione delle gare
                    Obiettivo A di Servizio Autonomo Programmazione e Controllo — Rilevazione del Benessere Organizzativo
                    Obiettivo B di Servizio Autonomo Programmazione e Controllo — Attuazione del sistema di pianificazione del controllo della qualità dei servizi erogati dal Comune"#]],
            ),
            (LATE_CARD, 200, PROGRESS, expect![[r#"
                    Avanzamento e modifiche
                    Situazione dell'obiettivo al 30/04/2022: in ritardo
                    Che cosa ciascuna fase ha raggiunto, e chi può modificarla ora
                    Fase | Scadenza | Conclusa il | Situazione | Stato riferito | Nota | Documenti | Aggiornata
                    1 | 28/02/2021 | — | in ritardo | — | — | — | mai da aggiornare
                    2 | 31/03/2021 | 17/05/2021 | conclusa in ritardo | conclusa | Fase 2 conclusa il 17/05/2021. | verbale-fase-2.pdf | 17/05/2021 (cinzia.maria.ines.colla)
                    3 | 15/04/2021 | 04/04/2021 | conclusa nei tempi | conclusa | Fase 3 conclusa il 04/04/2021. | — | 06/04/2021 (cinzia.maria.ines.colla)
                    4 | 30/04/2021 | 28/04/2021 | conclusa nei tempi | conclusa | Fase 4 conclusa il 28/04/2021. | verbale-fase-4.pdf | 30/04/2021 (cinzia.maria.ines.colla)"#]],
            ),
            // A late phase earns a share of its weight: shown rounded, as the score is.
            (LATE_CARD, 200, SCORE, expect![[r#"
                Punteggio
                Punteggio dell'obiettivo al 30/04/2022: 64,72 su 100
                Come è calcolato
                Fasi
                Regola del piano: somma delle incidenze delle fasi concluse in tempo, sul totale; una fase in ritardo di g giorni vale incidenza × (1 − g / 90); tolleranza di 15 giorni; fasi senza incidenza: ripartiscono in parti uguali il peso mancante a 100.
                Ogni fase: incidenza usata, scadenza, conclusione, esito e peso guadagnato
                Fase | Incidenza | Scadenza | Conclusa il | Esito | Vale
                1 | 20 | 28/02/2021 | — | non conclusa | 0
                2 | 50 | 31/03/2021 | 17/05/2021 | conclusa con 47 giorni di ritardo | 23,89
                3 | 15 | 15/04/2021 | 04/04/2021 | conclusa in tempo | 15
                4 | 15 | 30/04/2021 | 28/04/2021 | conclusa in tempo | 15
                Punteggio delle fasi: 53,89 = 53,89 × 100 / 100
                Indicatori
                Ogni indicatore: valore effettivo, regola, valore convertito e punteggio
                Indicatore | Peso | Valore effettivo | Regola | Valore | Punteggio
                1. rispetto della tempistica | 1 | 77 | percentuale del target; target 100; fascia diretta: il fattore della prima fascia che contiene il valore | 77,00 | 90,00
                Media pesata degli indicatori: 90,00 su 100
                Obiettivo
                Pesi del piano: fasi 70, indicatori 30 (normalizzati sulla loro somma; una parte non misurabile esce dalla media).
                Punteggio dell'obiettivo = (70 × 53,89 su 100 + 30 × 90,00 su 100) / 100 = 64,72 su 100."#]]),
            (
                "/piani/citta-di-alessandria-2021/obiettivi/risorse-umane/C?al=2022-04-30",
                200,
                SCORE,
                expect![[r#"
                    Punteggio
                    Punteggio dell'obiettivo al 30/04/2022: 97,00 su 100
                    Come è calcolato
                    Fasi
                    Regola del piano: somma delle incidenze delle fasi concluse in tempo, sul totale; una fase in ritardo di g giorni vale incidenza × (1 − g / 90); tolleranza di 15 giorni; fasi senza incidenza: ripartiscono in parti uguali il peso mancante a 100.
                    Ogni fase: incidenza usata, scadenza, conclusione, esito e peso guadagnato
                    Fase | Incidenza | Scadenza | Conclusa il | Esito | Vale
                    1a | 30 | 31/03/2021 | 31/03/2021 | conclusa in tempo | 30
                    1b | 10 | 31/03/2021 | 19/03/2021 | conclusa in tempo | 10
                    2 | 30 | 30/04/2021 | 27/04/2021 | conclusa in tempo | 30
                    3 | 15 | 30/09/2021 | 15/09/2021 | conclusa in tempo | 15
                    4 | 15 | 31/12/2021 | 30/12/2021 | conclusa in tempo | 15
                    Punteggio delle fasi: 100,00 = 100 × 100 / 100
                    Indicatori
                    Ogni indicatore: valore effettivo, regola, valore convertito e punteggio
                    Indicatore | Peso | Valore effettivo | Regola | Valore | Punteggio
                    1. rispetto della tempistica | 1 | 77 | percentuale del target; target 100; fascia diretta: il fattore della prima fascia che contiene il valore | 77,00 | 90,00
                    Media pesata degli indicatori: 90,00 su 100
                    Obiettivo
                    Pesi del piano: fasi 70, indicatori 30 (normalizzati sulla loro somma; una parte non misurabile esce dalla media).
                    Punteggio dell'obiettivo = (70 × 100,00 su 100 + 30 × 90,00 su 100) / 100 = 97,00 su 100."#]],
            ),
            (
                "/piani/citta-di-alessandria-2021/punteggi?al=2022-04-30",
                200,
                MAIN,
                expect![[r#"
                    Punteggi
                    Situazione al Mostra Torna a oggi
                    Il piano com'era alla fine del 30/04/2022: si contano solo i fatti registrati entro quel giorno.
                    Regole di misurazione del piano
                    Fasi: somma delle incidenze delle fasi concluse in tempo, sul totale; una fase in ritardo di g giorni vale incidenza × (1 − g / 90); tolleranza di 15 giorni; fasi senza incidenza: ripartiscono in parti uguali il peso mancante a 100.
                    Peso delle fasi 70, degli indicatori 30 (un obiettivo senza indicatori misurati si misura sulle fasi).
                    Indicatori misurati: 44.
                    Unità nel punteggio dell'ente: peso uguale.
                    Una fase non conclusa è «a rischio» negli ultimi 15 giorni prima della scadenza.
                    Punteggio organizzativo dell'ente al 30/04/2022: 82,68 su 100
                    Punteggio di ciascuna unità e dei suoi obiettivi
                    Unità e obiettivi | Punteggio
                    Settore Gabinetto del Sindaco, Segreterie particolari, Soggetti partecipati, Cerimoniale, Affari Generali e Disability Manager | 51,33 su 100
                    Obiettivo A: Riorganizzazione dei flussi di informazione e comunicazione istituzionale con definizione protocolli di flusso interno per la gestione in/out con l'Utenza | 27,00 su 100
                    Obiettivo B: Messa a regime dei sistemi di valutazione performance e risultato delle società del Gruppo AMAG e di ARAL S.p.A. | 72,00 su 100
                    Obiettivo C: Progettazione e implementazione sistema operativo dei flussi informativi/decisionali di interpellanze, ordini del giorno e mozioni del Consiglio Comunale | 55,00 su 100
                    Servizio Autonomo Risorse Umane | 90,43 su 100
                    Obiettivo A: Piano delle Azioni Positive (P.A.P.) | 64,72 su 100
                    Obiettivo B: Regolamentazione trasferte personale dirigente e dipendente | 100,00 su 100
                    Obiettivo C: Regolamento Lavoro Agile | 97,00 su 100
                    Obiettivo D: Adeguamento del Regolamento di Reclutamento | 100,00 su 100
                    Settore Sistemi Informativi ed E-Government | 74,95 su 100
                    Obiettivo A: Attuazione delle azioni esplicitate nei processi del PRFP 2019-2038 | 21,00 su 100
                    Obiettivo B: Attuazione della Strategia integrata di sviluppo urbano "ALESSANDRIA TORNA AL CEN-TRO" POR-FESR 2014/2020 in qualità di Beneficiario, anche attraverso il Potenziamento degli strumenti digitali (AL-VIA) | 100,00 su 100
                    Obiettivo C: Diffusione dei servizi pubblici digitali per Cittadini e Imprese | 78,80 su 100
                    Obiettivo D: Messa in sicurezza di processi e applicazioni | 100,00 su 100
                    Servizio Autonomo Polizia Locale | 98,01 su 100
                    Obiettivo A: Disciplina organizzativa dell'attività degli Ispettori Ambientali | 97,00 su 100
                    Obiettivo B: PROGETTO "IO TI TUTELO" - prevenzione e il contrasto delle truffe agli anziani | 97,04 su 100
                    Obiettivo C: Sistema di comunicazione alla cittadinanza dei provvedimenti di modifica della circolazione veicolare | 100,00 su 100
                    Servizio Autonomo Avvocatura | 85,00 su 100
                    Obiettivo A: Recupero crediti dell'Ente attraverso pratiche stragiudiziali e giudiziali attive | 58,00 su 100
                    Obiettivo B: Rispetto della normativa in materia di privacy. Verifica a campione di provvedimenti adottati dai Responsabili dei Servizi (determinazioni). | 100,00 su 100
                    Obiettivo C: Redazione della "Carta dei Servizi dell'Avvocatura" | 97,00 su 100
                    Servizio Autonomo Gare, Appalti e Contratti | 94,17 su 100
                    Obiettivo A: Conservazione sostitutiva dei contratti | 82,50 su 100
                    Obiettivo B: Definizione di procedure interne per un approccio sistematico alle gare e redazione delle relative Linee Guida per l'affidamento di contratti pubblici sotto la soglia di rilievo comunitaria | 100,00 su 100
                    Obiettivo C: Piattaforma telematica per la gestione delle gare | 100,00 su 100
                    Servizio Autonomo Programmazione e Controllo | 75,89 su 100
                    Obiettivo A: Rilevazione del Benessere Organizzativo | 51,78 su 100
                    Obiettivo B: Attuazione del sistema di pianificazione del controllo della qualità dei servizi erogati dal Comune | 100,00 su 100
                    Settore Ufficio Stampa, Cultura e Promozione della Città, Marketing Territoriale | 64,24 su 100
                    Obiettivo A: Coordinamento delle politiche di comunicazione 2021-22 dell'Amministrazione | 100,00 su 100
                    Obiettivo B: Supporto e rilancio delle attività culturali - secondo semestre 2021 | 65,73 su 100
                    Obiettivo C: Sviluppo a livello nazionale della visibilità di Marengo come elemento identitario della Città | 27,00 su 100
                    Settore Trasparenza, Politiche Educative, Culturali e Biblioteca | 100,00 su 100
                    Obiettivo A: "La Biblioteca esce dalla Biblioteca" | 100,00 su 100
                    Obiettivo B: Fruizione in presenza ovvero in video della mostra “PIETRO SASSI 1834-1905 Vivere dell’arte e con l’arte” (la cui apertura in presenza, attualmente prevista per il giorno 12 marzo, è stata più volte differita a causa della pandemia), con la progettazione e la realizzazione di un format (diritto d'autore) riproducibile anche per altre mostre o eventi culturali | 100,00 su 100
                    Azienda Speciale Multiservizi Costruire Insieme | 81,23 su 100
                    Obiettivo 1: Aggiornamento Contratto di Servizio in essere tra Comune e ASM Costruire Insieme che disciplina i rapporti tra i due Enti (aspetti amministrativi e gestionali relativi ai servizi affidati all'Azienda, attività di controllo del Comune sull'Azienda, rapporti finanziari tra le parti), per il biennio 2021-2022 | 62,46 su 100
                    Obiettivo 2: Istituzione Carta dei Servizi ASM Costruire Insieme | 100,00 su 100
                    Settore Risorse Finanziarie e Tributi | 91,83 su 100
                    Obiettivo A: Implementazione Contabilità Analitica per centro di costo | 75,50 su 100
                    Obiettivo B: Controllo incassi da evasione tributaria | 100,00 su 100
                    Obiettivo C: Riduzione dei tempi medi di pagamento | 100,00 su 100
                    Area Tecnica | 100,00 su 100
                    Obiettivo 1: Attuazione della Strategia integrata di sviluppo urbano "ALESSANDRIA TORNA AL CENTRO" POR-FESR 2014/2020 in qualità di Beneficiario prevalente | 100,00 su 100
                    Settore Urbanistica e Patrimonio | 74,88 su 100
                    Obiettivo A: Strategia gestionale del Complesso sportivo/ricreativo "Borsalino" composto dall'Impianto Sportivo Comunale "I. Barberis", dalla Piscina Comunale Coperta e dal Campo di Atletica Leggera attraverso forma concessoria di partenariato pubblico privato | 27,00 su 100
                    Obiettivo B: Approvazione definitiva Progetto Preliminare di Variante Parziale al PRGC, ex art. 17, comma 5 LR 56/77, per ridefinizione aree produttive e residenziali e relativi servizi. | 76,00 su 100
                    Obiettivo C: Approvazione definitiva Progetto Preliminare di Variante Parziale al PRGC, ex art. 17, comma 5 LR 56/77, per insediamento polo logistico | 96,50 su 100
                    Obiettivo D: Partecipazione al "Programma Innovativo Nazionale per la Qualità dell'Abitare (PINQUA)" | 100,00 su 100
                    Settore Lavori Pubblici, Infrastrutture e Smart City | 89,99 su 100
                    Obiettivo A: Riqualficazione e valorizzazione delle piazze del centro storico | 100,00 su 100
                    Obiettivo B: Realizzazione progetto integrato Smart City, con partner Gruppo Amag, sul servizio di "Pubblica Illuminazione" | 100,00 su 100
                    Obiettivo C: Realizzazione degli interventi di adeguamento alle norme di prevenzione e protezione dagli incendi e abbattimento delle barriere architettoniche delle seguenti scuole, e contestuale promozione di un programma nazionale di investimenti strutturali di tutti gli edifici scolastici del territorio (AL-VIA) 1) Scuola Carducci - Mariotti 2) Scuola Caduti per la libertà 3) Scuola De Amicis - Manzoni 4) Scuola Vochieri 5) Scuola Santorre di Santarosa 6) Scuola Prato - S. Giuliano Vecchio 7) Scuola Montanari - Castelceriolo 8) Scuola Maldini - Mandrogne 9) Scuola Alfieri - Valle S. Bartolomeo 10) Scuola di San Michele 11) Scuola Alfieri - Spinetta Marengo | 87,09 su 100
                    Obiettivo D: Piano manutenzione stradale Occorre redigere ed attuare un piano complessivo di manutenzione straordinaria della rete stradale, attraverso l'individuazione di aree omogenee di intervento, la quantificazione dei costi, il reperimento delle risorse finanziarie occorrenti tra quelle disponibili, la progettazione ed esecuzione degli interventi individuati, in coerenza con quanto già previsto ed in fase di attuazione | 72,86 su 100
                    Settore Sviluppo Economico, Sanità, Ambiente, Mobilità, Protezione Civile, Commercio e Turismo | 68,24 su 100
                    Obiettivo A: Gestione dell'emergenza COVID 19 e della Unità di crisi | 93,00 su 100
                    Obiettivo B: Fondo sostegno alla locazione F.S.L. | 78,07 su 100
                    Obiettivo C: Piano operativo biennale di bonifica su area esterna allo Stabilimento Solvay | 33,66 su 100"#]],
            ),
            ("/accesso", 200, MAIN, expect![[r#"
                Accedi
                Nome utente
                Password
                Accedi
                Gli account sono creati dall'ufficio Programmazione e Controllo."#]]),
            (
                "/piani/citta-di-alessandria-2021/unita/nessuna",
                404,
                MAIN,
                expect![[r#"
                    Pagina non trovata
                    Non esiste un'unità «nessuna» in questo piano.
                    Torna alla pagina iniziale"#]],
            ),
        ],
    )
    .await;
}

#[tokio::test]
async fn signed_in_pages_offer_the_work_of_the_planning_office() {
    check(
        Some("programmazione"),
        &[
            // The card's history, in words: what each report and value changed.
            (LATE_CARD, 200, ("<h2 id=\"storia\"", "</table>"), expect![[r#"
                Storia dell'obiettivo
                Modifiche alle fasi, dalla più recente
                N. | Quando (UTC) | Chi | Che cosa | Cambiamenti
                294 | 2022-01-20 15:00:00 | cinzia.maria.ines.colla | valore di un indicatore riferito |
                misurato il: 31/12/2021
                fonte: Relazione finale del responsabile
                valore: 77
                123 | 2021-05-17 11:00:00 | cinzia.maria.ines.colla | documento allegato a una fase |
                documento: verbale-fase-2.pdf
                impronta SHA-256: ad92e3ff84c9c74730e9e710e4b1d1c17989bccda21f9258ca2d76fbd3f69a81
                dimensione (byte): 1026
                tipo: application/pdf
                122 | 2021-05-17 11:00:00 | cinzia.maria.ines.colla | fase modificata |
                conclusa il: — → 17/05/2021
                nota: — → Fase 2 conclusa il 17/05/2021.
                stato riferito: — → conclusa
                117 | 2021-04-30 13:00:00 | cinzia.maria.ines.colla | documento allegato a una fase |
                documento: verbale-fase-4.pdf
                impronta SHA-256: 51df441411e304f323f7b4635beab15fabae3c35f335696496599e85ca3f46e2
                dimensione (byte): 1095
                tipo: application/pdf
                116 | 2021-04-30 13:00:00 | cinzia.maria.ines.colla | fase modificata |
                conclusa il: — → 28/04/2021
                nota: — → Fase 4 conclusa il 28/04/2021.
                stato riferito: — → conclusa
                97 | 2021-04-06 12:00:00 | cinzia.maria.ines.colla | fase modificata |
                conclusa il: — → 04/04/2021
                nota: — → Fase 3 conclusa il 04/04/2021.
                stato riferito: — → conclusa"#]]),
            (MIDYEAR_CARD, 200, PROGRESS, expect![[r#"
                    Avanzamento e modifiche
                    Situazione dell'obiettivo al 30/06/2021: in ritardo
                    Che cosa ciascuna fase ha raggiunto, e chi può modificarla ora
                    Fase | Scadenza | Conclusa il | Situazione | Stato riferito | Nota | Documenti | Aggiornata | Modifica
                    1 | 28/02/2021 | — | in ritardo | — | — | — | mai da aggiornare | Si sta guardando il piano com'era in un giorno passato: per modificarlo, tornare alla situazione di oggi.
                    2 | 31/03/2021 | 17/05/2021 | conclusa in ritardo | conclusa | Fase 2 conclusa il 17/05/2021. | verbale-fase-2.pdf | 17/05/2021 (cinzia.maria.ines.colla) | Si sta guardando il piano com'era in un giorno passato: per modificarlo, tornare alla situazione di oggi.
                    3 | 15/04/2021 | 04/04/2021 | conclusa nei tempi | conclusa | Fase 3 conclusa il 04/04/2021. | — | 06/04/2021 (cinzia.maria.ines.colla) | Si sta guardando il piano com'era in un giorno passato: per modificarlo, tornare alla situazione di oggi.
                    4 | 30/04/2021 | 28/04/2021 | conclusa nei tempi | conclusa | Fase 4 conclusa il 28/04/2021. | verbale-fase-4.pdf | 30/04/2021 (cinzia.maria.ines.colla) | Si sta guardando il piano com'era in un giorno passato: per modificarlo, tornare alla situazione di oggi."#]],
            ),
            ("/piani/citta-di-alessandria-2021/monitoraggi", 200, MAIN, expect![[r#"
                Monitoraggi
                Scarica la situazione di oggi: PDF · Word (DOCX) · foglio di calcolo (XLSX)
                Ogni monitoraggio raccoglie, a una data, lo stato delle fasi e i valori degli indicatori. Una fase conclusa non va riferita di nuovo.
                Monitoraggi del piano, dal primo
                Monitoraggio | Alla data | Aperto | Chiuso
                Monitoraggio al 30/06 | 30/06/2021 | 21/06/2021 (programmazione) | 21/07/2021 (programmazione)
                Monitoraggio al 30/09 | 30/09/2021 | 20/09/2021 (programmazione) | 21/10/2021 (programmazione)
                Monitoraggio finale al 31/12 | 31/12/2021 | 08/01/2022 (programmazione) | 05/02/2022 (programmazione)
                Chi non ha ancora riferito per «Monitoraggio finale al 31/12»
                Unità con fasi o indicatori ancora da riferire
                Unità | Responsabile | Fasi | Indicatori
                Settore Gabinetto del Sindaco, Segreterie particolari, Soggetti partecipati, Cerimoniale, Affari Generali e Disability Manager | Dott. Antonello Paolo Zaccone | 3 | 0
                Servizio Autonomo Risorse Umane | Dott.ssa Cinzia Maria Ines Colla | 1 | 0
                Settore Sistemi Informativi ed E-Government | Ing. Luca Galandra | 4 | 0
                Servizio Autonomo Avvocatura | Avv. Roberto Calcagni | 1 | 0
                Servizio Autonomo Gare, Appalti e Contratti | Dott.ssa Mariagrazia D'Oca | 1 | 0
                Servizio Autonomo Programmazione e Controllo | Dott.ssa Daniela Berri | 4 | 0
                Settore Ufficio Stampa, Cultura e Promozione della Città, Marketing Territoriale | Dott. Cesare Torre | 3 | 0
                Azienda Speciale Multiservizi Costruire Insieme | Avv. Orietta Bocchio, Dott. Cesare Torre | 1 | 0
                Settore Risorse Finanziarie e Tributi | Dott. Stefano Specchia | 1 | 0
                Settore Urbanistica e Patrimonio | Arch. Pierfranco Robotti | 4 | 0
                Settore Lavori Pubblici, Infrastrutture e Smart City | Arch. Fabrizio Furia | 2 | 0
                Settore Sviluppo Economico, Sanità, Ambiente, Mobilità, Protezione Civile, Commercio e Turismo | Ing. Marco Italo Neri | 7 | 0
                Aprire e chiudere i monitoraggi: Non è possibile ora: il piano è pubblicato con i suoi risultati."#]]),
            ("/account", 200, MAIN, expect![[r#"
                Ufficio Programmazione e Controllo
                Nome utente
                programmazione
                Ruoli
                Programmazione e Controllo
                Le unità di cui rispondi
                Nessuna: i responsabili sono quelli che il piano indica, con il loro nome.
                Il tuo calendario
                Un indirizzo segreto da dare al tuo programma di calendario: riporta le scadenze delle fasi delle unità di cui rispondi, in ogni piano. Chi lo conosce le legge: se lo perdi, revocalo o creane uno nuovo (il precedente smette di funzionare).
                Crea l'indirizzo del calendario
                Chiavi per l'API
                Una chiave permette a un programma di usare l'API a tuo nome (intestazione Authorization: Bearer …). Si può revocare in ogni momento.
                Nome della nuova chiave
                Crea una chiave"#]]),
        ],
    )
    .await;
}

#[tokio::test]
async fn the_year_closes_in_public_with_the_relazione_and_aggregated_premia() {
    check(
        None,
        &[
            (
                "/piani/citta-di-alessandria-2021/relazione",
                200,
                ("<h1", "<table"),
                expect![[r#"
                    Relazione sulla performance 2021
                    Stato: pubblicata. Termine per l'approvazione e la validazione: 30/06/2022 (D.Lgs. 150/2009, art. 10).
                    Scarica la Relazione: PDF · Word (DOCX) · foglio di calcolo (XLSX)
                    Scarica il documento di validazione: PDF · Word (DOCX) · foglio di calcolo (XLSX)
                    1. Introduzione
                    La Relazione rende conto dei risultati del 2021: per ogni obiettivo del piano il valore atteso, quello raggiunto e lo scostamento, con le cause degli scostamenti oltre la tolleranza; i punteggi delle unità e dell'ente; la distribuzione delle valutazioni individuali. Dati dimostrativi.
                    2. I risultati"#]],
            ),
            (
                "/trasparenza/citta-di-alessandria-2021/06.04",
                200,
                MAIN,
                expect![[r#"
                    Amministrazione trasparente · Performance · 06.04
                    Ammontare complessivo dei premi 2021
                    Città di Alessandria. Pubblicato il 19/04/2022.
                    Premi stanziati e distribuiti (D.Lgs. 33/2013, art. 20, c. 1)
                    Fondo | Atto | Stanziati | Distribuiti
                    Performance individuale del comparto | Determina del dirigente delle risorse umane n. 211 (fondo risorse decentrate) | 27.000,00 € | 27.000,00 €
                    Retribuzione di risultato delle EQ | Determina n. 212 (retribuzione di risultato delle EQ) | 3.000,00 € | 0,00 €
                    Retribuzione di risultato dei dirigenti | Determina n. 213 (fondo della dirigenza) | 48.000,00 € | 43.069,35 €
                    Premi distribuiti per categoria
                    Categoria | Persone premiate | Distribuiti
                    Dirigente | 6 | 43.069,35 €
                    Funzionario | 6 | 9.420,75 €
                    Istruttore | 6 | 7.737,81 €
                    Operatore esperto | 6 | 9.841,44 €"#]],
            ),
            (
                "/trasparenza/citta-di-alessandria-2021/06.05",
                200,
                MAIN,
                expect![[r#"
                    Amministrazione trasparente · Performance · 06.05
                    Dati relativi ai premi 2021
                    Città di Alessandria. Pubblicato il 19/04/2022.
                    I criteri: il sistema di misurazione e valutazione in vigore per l'anno.
                    Distribuzione delle valutazioni per categoria
                    Categoria | Persone | Media | Negative | Fascia più alta
                    Dirigente | 6 | 80,12 | 0 | meno di 3
                    Funzionario | 6 | 73,31 | meno di 3 | 0
                    Istruttore | 6 | 69,01 | meno di 3 | 0
                    Operatore esperto | 6 | 67,73 | 0 | 0
                    Grado di differenziazione: persone per fascia di punteggio
                    Categoria | 0,00–59,99 | 60,00–70,00 | 70,01–80,00 | 80,01–90,00 | 90,01–100,00 | Deviazione standard
                    Dirigente | 0 | meno di 3 | meno di 3 | meno di 3 | meno di 3 | 9,16
                    Funzionario | meno di 3 | meno di 3 | 3 | meno di 3 | 0 | 10,17
                    Istruttore | meno di 3 | meno di 3 | meno di 3 | meno di 3 | 0 | 7,19
                    Operatore esperto | 0 | 4 | meno di 3 | 0 | 0 | 5,37"#]],
            ),
            (
                "/trasparenza/citta-di-alessandria-2021/14.01",
                200,
                MAIN,
                expect![[r#"
                    Amministrazione trasparente · Performance · 14.01
                    Controlli e rilievi: Nucleo di valutazione 2021
                    Città di Alessandria. Pubblicato il 18/04/2022.
                    Documento di validazione della Relazione sulla performance 2021: «Verbale del Nucleo n. 4» del 18/04/2022, validata.
                    Il Nucleo valida la Relazione: chiara, coerente con il piano e con la misurazione; gli scostamenti sono motivati.
                    I criteri esaminati dal Nucleo
                    Criterio | Risposta | Nota
                    Coerenza dei contenuti con il Piano della performance | sì |
                    Coerenza con la valutazione della performance organizzativa fatta dal Nucleo | sì |
                    Ogni obiettivo e indicatore mostra il suo scostamento e la sua causa | sì |
                    Attendibilità dei dati | sì |
                    Adeguatezza del processo di misurazione | sì |
                    Conformità alle norme e alle linee guida | sì |
                    Sinteticità e chiarezza, immediatamente comprensibile ai cittadini | sì |
                    Considerate le valutazioni dei cittadini e degli utenti | in parte | Le indagini di soddisfazione coprono solo alcuni servizi: da estendere."#]],
            ),
        ],
    )
    .await;
    // No one of the staff evaluated is named anywhere in the section or the Relazione.
    let plan = domain::PlanId::parse("citta-di-alessandria-2021").unwrap();
    for site in Site::each().await {
        let store = Store::open(&site._db.url).await.unwrap();
        let staff = store.evaluation(&plan).await.unwrap().staff;
        assert!(staff.len() >= 20, "{}", site.backend);
        // The heads of units are named by the plan itself (public): the others never are.
        let demo = crate::demo();
        let heads: Vec<&str> = demo
            .units
            .iter()
            .flat_map(|u| u.heads.iter().map(|h| h.name.as_str()))
            .collect();
        let staff: Vec<_> = staff
            .into_iter()
            .filter(|m| !heads.contains(&m.name.as_str()))
            .collect();
        assert!(staff.len() >= 15, "{}", site.backend);
        let mut pages = vec![
            "/trasparenza".to_owned(),
            "/piani/citta-di-alessandria-2021/relazione".to_owned(),
            "/dati/premi.csv".to_owned(),
            "/dati/premi.json".to_owned(),
        ];
        // The open data carry the premia as Amministrazione Trasparente does: each budget set
        // aside and paid, each category's people and premia.
        let (_, _, premi) = site
            .answer(Method::GET, "/dati/premi.csv", "", String::new())
            .await;
        assert!(
            premi.contains(
                "citta-di-alessandria-2021,fondo,Performance individuale del comparto,,27000,27000"
            ) && premi.contains("citta-di-alessandria-2021,categoria,Dirigente,6,,43069.35"),
            "{}: {premi}",
            site.backend
        );
        for (code, _) in web::TRANSPARENCY_ITEMS {
            pages.push(format!("/trasparenza/citta-di-alessandria-2021/{code}"));
        }
        for path in &pages {
            let (status, _, html) = site.answer(Method::GET, path, "", String::new()).await;
            assert_eq!(status, StatusCode::OK, "{} {path}", site.backend);
            for m in &staff {
                assert!(
                    !html.contains(&m.name),
                    "{} {path} names {}",
                    site.backend,
                    m.name
                );
            }
        }
    }
}
