//! The seed's objective cards, unit by unit, with values checked by reading the document.

use domain::{Anchor, Deadline, Offset, When};
use serde_json::json;

use crate::{objective, seed_import};

fn date(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

fn labels(o: &domain::Objective) -> Vec<&str> {
    o.phases.iter().map(|p| p.label.as_str()).collect()
}

fn deadline_json(d: &Deadline) -> serde_json::Value {
    serde_json::to_value(d).unwrap()
}

#[test]
fn gabinetto_a_plain_card() {
    let Some(imp) = seed_import() else { return };
    let o = objective(&imp.plan, "gabinetto-del-sindaco/A");
    assert_eq!(
        o.title,
        "Riorganizzazione dei flussi di informazione e comunicazione istituzionale con definizione protocolli di flusso interno per la gestione in/out con l'Utenza"
    );
    assert_eq!(
        o.strategic_purpose.as_deref(),
        Some(
            "fornire un'adeguata e tempestiva comunicazione con gli uffici e con l'utenza degli atti protocollati"
        )
    );
    assert_eq!(o.directives, None);
    assert_eq!(o.phases.len(), 2);
    assert_eq!(
        o.phases[0].description,
        "Elaborazione e approvazione del nuovo sistema operativo relativo ai flussi"
    );
    assert_eq!(o.phases[0].weight_pct.unwrap().to_string(), "50");
    assert!(o.phases[0].responsible.is_empty());
    assert_eq!(o.phases[0].deadline, Deadline::date(date("2021-06-30")));
    assert_eq!(o.phases[0].deadline_text, "30/06/2021");
    assert_eq!(
        (o.final_deadline.clone(), o.final_deadline_text.as_str()),
        (Deadline::date(date("2021-12-31")), "31/12/2021")
    );
    assert_eq!(
        o.expected_result.as_deref(),
        Some("Fornire un'adeguata e tempestiva comunicazione con gli uffici e con l'utenza")
    );
    assert_eq!(
        o.full_achievement.as_deref(),
        Some("espletamento delle fasi previste entro la scadenza finale")
    );
    assert_eq!(
        o.not_achieved.as_deref(),
        Some("mancato espletamento delle fasi previste entro la scadenza finale")
    );
    assert_eq!(o.indicators, ["rispetto della tempistica"]);
    assert_eq!(
        (
            o.constraints.as_ref(),
            o.human_resources.as_ref(),
            o.financial_resources.as_ref()
        ),
        (None, None, None)
    );
}

#[test]
fn risorse_umane_c_sub_rows_take_the_deadline_above() {
    let Some(imp) = seed_import() else { return };
    let o = objective(&imp.plan, "risorse-umane/C");
    assert_eq!(labels(o), ["1a", "1b", "2", "3", "4"]);
    assert_eq!(
        o.phases[0].description,
        "Attività di studio e verifica con il Settore Sistemi informativi ed E-Government"
    );
    assert_eq!(
        o.phases[1].description,
        "Coinvolgimento degli altri Settori/Servizi Autonomi"
    );
    assert_eq!(o.phases[1].deadline, Deadline::date(date("2021-03-31")));
    assert_eq!(o.phases[1].deadline_text, "");
    assert_eq!(o.phases[1].responsible.len(), 13);
    assert_eq!(o.phases[1].responsible[4], "29419");
    assert_eq!(o.phases[2].responsible, ["2248"]);
}

#[test]
fn sistemi_informativi_multi_year_and_unforeseeable() {
    let Some(imp) = seed_import() else { return };
    let a = objective(&imp.plan, "sistemi-informativi-ed-e-government/A");
    assert_eq!(a.phases[0].deadline.when, When::Completed);
    assert_eq!(a.phases[0].weight_pct.unwrap().to_string(), "0");
    assert_eq!(a.phases[2].deadline, Deadline::date(date("2022-06-30")));
    assert_eq!(a.final_deadline_text, "30/06/2022");

    let b = objective(&imp.plan, "sistemi-informativi-ed-e-government/B");
    assert_eq!(
        b.title,
        "Attuazione della Strategia integrata di sviluppo urbano \"ALESSANDRIA TORNA AL CEN-TRO\" POR-FESR 2014/2020 in qualità di Beneficiario, anche attraverso il Potenziamento degli strumenti digitali (AL-VIA)"
    );
    assert_eq!(labels(b), ["1", "2a", "2b", "3"]);
    assert_eq!(
        b.phases[1].description,
        "adempimenti consequenziali come da Disciplinare approvato dalla Regione Piemonte: Fase 2 a) – Wi-fi"
    );
    assert_eq!(b.phases[2].description, "realtà immersiva");
    assert_eq!(b.phases[2].responsible, ["2252"]);
    assert_eq!(b.final_deadline.when, When::Unspecified);
    assert_eq!(
        b.final_deadline_text,
        "Non prevedibile la data finale poiché l'attuazione della Strategia è derivante dal cronoprogramma dei lavori individuati nei progetti esecutivi"
    );
    assert!(
        b.expected_result
            .as_deref()
            .unwrap()
            .starts_with("Attuazione della Strategia integrata")
    );
    assert!(
        b.constraints
            .as_deref()
            .unwrap()
            .starts_with("OTTENIMENTO PARERI ENTI ESTERNI (SOPRINTENDENZA, AIPO, ETC).")
    );

    let c = objective(&imp.plan, "sistemi-informativi-ed-e-government/C");
    assert_eq!(c.phases.len(), 10);
    assert_eq!(c.phases[3].responsible, ["2256", "2250", "29419", "2269"]);
}

#[test]
fn polizia_locale_timing_bullets_and_labels_as_printed() {
    let Some(imp) = seed_import() else { return };
    let a = objective(&imp.plan, "polizia-locale/A");
    assert_eq!(a.phases[0].responsible, ["AMAG AMBIENTE SPA", "2251"]);
    assert!(
        a.directives
            .as_deref()
            .unwrap()
            .starts_with("la regolamentazione delle attività svolte dagli Ispettori Ambientali")
    );

    let b = objective(&imp.plan, "polizia-locale/B");
    assert_eq!(b.timing.as_deref(), Some("18/01/2021 – 31/10/2021"));
    assert_eq!(b.indicators.len(), 3);
    assert_eq!(
        b.indicators[0],
        "n. Denunce o segnalazioni effettuate (2021)/media Denunce o segnalazioni effettuate (2018/19/20)"
    );
    assert_eq!(
        b.indicators[2],
        "rispetto delle singole fasi nelle tempistiche prefissate"
    );
    assert_eq!(b.phases[4].label.as_str(), "5");
    assert_eq!(
        b.phases[4].description,
        "RELAZIONE FINALE SULLE ATTIVITA' SVOLTE"
    );

    let c = objective(&imp.plan, "polizia-locale/C");
    assert_eq!(labels(c), ["1", "2", "3", "5"], "the card skips fase 4");
    assert_eq!(c.phases[0].deadline.when, When::DuringYear);
    assert_eq!(c.phases[0].deadline_text, "in corso d'anno");
    assert_eq!(
        c.indicators,
        [
            "completezza delle singole fasi",
            "rispetto della tempistica prevista",
            "n° segnalazioni di disservizi"
        ]
    );
}

#[test]
fn avvocatura_codes_as_written_and_numbered_indicators() {
    let Some(imp) = seed_import() else { return };
    let b = objective(&imp.plan, "avvocatura/B");
    assert_eq!(
        b.title,
        "Rispetto della normativa in materia di privacy. Verifica a campione di provvedimenti adottati dai Responsabili dei Servizi (determinazioni)."
    );
    assert_eq!(b.phases[1].responsible, ["12224 (2249)"]);
    assert_eq!(b.phases[1].deadline.when, When::DuringYear);
    assert_eq!(
        b.indicators,
        [
            "Individuazione di almeno due Servizi oggetto di monitoraggio",
            "Report sulle esigenze di adeguamento della modulistica utilizzata dai Servizi individuati",
            "Verifica di almeno il 20% dei provvedimenti adottati in corso d'anno dai Servizi individuati"
        ]
    );
    assert_eq!(b.final_deadline, Deadline::date(date("2021-11-30")));
    // The unknown code is reported with its line in the document.
    let d = imp
        .diagnostics
        .iter()
        .find(|d| d.code == domain::Code::UnknownResponsible)
        .unwrap();
    assert_eq!(d.location.line, Some(1533));

    let a = objective(&imp.plan, "avvocatura/A");
    assert_eq!(a.indicators.len(), 3);
    assert!(
        a.directives
            .as_deref()
            .unwrap()
            .starts_with("1) Per quanto riguarda i crediti da \"giudizio occorso\"")
    );
}

#[test]
fn gare_programmazione_and_ufficio_stampa() {
    let Some(imp) = seed_import() else { return };
    let gc = objective(&imp.plan, "gare-appalti-e-contratti/C");
    assert_eq!(
        (gc.final_deadline.clone(), gc.final_deadline_text.as_str()),
        (Deadline::date(date("2021-12-01")), "01/12/2021")
    );
    assert_eq!(gc.phases[1].responsible.len(), 12);
    let ga = objective(&imp.plan, "gare-appalti-e-contratti/A");
    assert_eq!(
        ga.expected_result.as_deref(),
        Some("Avvio della conservazione sostitutiva dei dati a partire dal 31 ottobre 2021")
    );

    let pa = objective(&imp.plan, "programmazione-e-controllo/A");
    assert_eq!(pa.phases.len(), 7);
    assert_eq!(pa.phases[6].responsible.len(), 16);
    assert!(pa.directives.as_deref().unwrap().contains(
        "componenti afferenti alla normativa di riferimento: benessere organizzativo (stato"
    ));
    assert_eq!(pa.financial_resources, None);

    let us = objective(&imp.plan, "ufficio-stampa/B");
    assert_eq!(
        us.title,
        "Supporto e rilancio delle attività culturali - secondo semestre 2021"
    );
    assert_eq!(us.indicators.len(), 2);
    assert_eq!(us.indicators[0], "numero giornate/evento");
    assert_eq!(us.phases[1].responsible, ["2247", "29419", "2252"]);
}

#[test]
fn trasparenza_starts_and_sub_rows() {
    let Some(imp) = seed_import() else { return };
    let a = objective(&imp.plan, "trasparenza-politiche-educative/A");
    assert_eq!(a.title, "\"La Biblioteca esce dalla Biblioteca\"");
    assert_eq!(
        deadline_json(&a.phases[0].deadline),
        json!({"kind": "start", "date": "2021-02-01"})
    );
    assert_eq!(a.phases[0].deadline_text, "inizio servizio 01/02/2021");
    assert_eq!(labels(a), ["1", "2", "3a", "3b", "4"]);
    assert!(
        a.directives
            .as_deref()
            .unwrap()
            .starts_with("Take away: ampliamento del programma")
    );
    assert!(
        a.directives
            .as_deref()
            .unwrap()
            .contains("Biblioteca; Document delivery: attività")
    );

    let b = objective(&imp.plan, "trasparenza-politiche-educative/B");
    assert_eq!(labels(b), ["1", "2", "3a", "3b", "4a", "4b", "5"]);
    assert_eq!(
        b.phases[4].description,
        "Organizzazione delle riprese e montaggio"
    );
    assert!(b.strategic_purpose.as_deref().unwrap().ends_with("si tratta comunque di: 1) dotare l’Ente di strumenti contemporanei, ormai di uso comune anche presso strutture museali ed espositive; 2) erogare formazione di base al personale interno; 3) offrire maggiori occasioni di fruizione alla cittadinanza, senza limiti di tempo"));
}

#[test]
fn azienda_cards_with_the_total_on_the_deadline_row() {
    let Some(imp) = seed_import() else { return };
    let o = objective(
        &imp.plan,
        "azienda-speciale-multiservizi-costruire-insieme/1",
    );
    assert_eq!(o.label.as_str(), "1");
    assert_eq!(o.phases.len(), 7);
    assert_eq!(o.phases[3].responsible, ["2269"]);
    assert_eq!(
        (o.final_deadline.clone(), o.final_deadline_text.as_str()),
        (Deadline::date(date("2021-06-30")), "30/06/2021")
    );
    let two = objective(
        &imp.plan,
        "azienda-speciale-multiservizi-costruire-insieme/2",
    );
    assert_eq!(
        two.title,
        "Istituzione Carta dei Servizi ASM Costruire Insieme"
    );
    assert_eq!(two.final_deadline_text, "30/11/2021");
}

#[test]
fn risorse_finanziarie_markup_becomes_text() {
    let Some(imp) = seed_import() else { return };
    let c = objective(&imp.plan, "risorse-finanziarie-e-tributi/C");
    assert_eq!(
        c.indicators,
        ["Riduzione tempi di pagamento (≥ 20% in meno rispetto al 4° trimestre 2020)"]
    );
    let a = objective(&imp.plan, "risorse-finanziarie-e-tributi/A");
    assert!(
        a.directives
            .as_deref()
            .unwrap()
            .starts_with("A supporto del controllo di gestione")
    );
    assert_eq!(a.indicators.len(), 2);
}

#[test]
fn area_tecnica_split_labels_and_empty_deadline() {
    let Some(imp) = seed_import() else { return };
    let o = objective(&imp.plan, "area-tecnica/1");
    assert_eq!(labels(o), ["1A", "1B", "2"]);
    assert_eq!(o.phases[2].deadline.when, When::Unspecified);
    assert_eq!(o.phases[2].deadline_text, "");
    assert_eq!(o.phases[2].responsible, ["2470", "2249"]);
    assert_eq!(o.final_deadline.when, When::Unspecified);
    assert!(o.constraints.as_deref().unwrap().ends_with(
        "PER LA FASE 2 risorse finanziarie disponibili. Fattori esterni non prevedibili."
    ));
}

#[test]
fn urbanistica_relative_deadlines_events_points_and_tentative() {
    let Some(imp) = seed_import() else { return };
    let a = objective(&imp.plan, "urbanistica-e-patrimonio/A");
    assert_eq!(
        deadline_json(&a.phases[0].deadline),
        json!({"kind": "relative", "after": "event", "days": 90,
               "event": "prima riunione per la valutazione da parte del Collegio Esperti del 22/01/2021"})
    );
    assert_eq!(
        deadline_json(&a.phases[1].deadline),
        json!({"kind": "relative", "after": "phase", "phase": "1", "days": 90})
    );
    assert_eq!(
        a.phases[1].deadline_text,
        "90 giorni dalla conclusione della fase 1"
    );

    let b = objective(&imp.plan, "urbanistica-e-patrimonio/B");
    assert!(b.final_deadline.tentative);
    assert_eq!(b.final_deadline.fixed_date(), Some(date("2021-11-30")));
    assert_eq!(b.final_deadline_text, "30/11/2021 presumibilmente");
    assert!(
        b.phases[1]
            .description
            .starts_with("a) Pubblicazione provvedimento di Variante all' albo pretorio")
    );
    assert!(
        b.phases[1]
            .description
            .contains("). b) Conseguimento del parere")
    );

    let c = objective(&imp.plan, "urbanistica-e-patrimonio/C");
    assert_eq!(
        deadline_json(&c.phases[0].deadline),
        json!({"kind": "relative", "after": "event", "event": "presentazione dell'istanza", "days": 30})
    );
    match &c.phases[1].deadline.when {
        When::Relative(r) => {
            assert_eq!(r.offset, Offset::Days(60));
            assert_eq!(
                r.anchor,
                Anchor::Phase {
                    phase: "1".parse_label(),
                    point: Some("03".into())
                }
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        c.phases[1].deadline_text,
        "Entro 60 giorni dalla conclusione del punto 03) della fase 1"
    );
    assert!(c.phases[0].description.starts_with("ATTO DI PROGRAMMAZIONE NEGOZIATA ex art.2 comma 203 L. 23 Dicembre 1996, n.662 e s.m.i. 01) ISTANZA"));
    assert_eq!(
        c.final_deadline_text,
        "non prevedibile la data finale poiché derivante da istanza e inoltro di documentazione esterna"
    );
}

#[test]
fn lavori_pubblici_year_slice_empty_weight_and_months() {
    let Some(imp) = seed_import() else { return };
    let a = objective(&imp.plan, "lavori-pubblici/A");
    assert_eq!(a.year_deadline, Some(Deadline::date(date("2021-12-31"))));
    assert_eq!(a.year_deadline_text.as_deref(), Some("31/12/2021"));
    assert_eq!(
        (a.final_deadline.clone(), a.final_deadline_text.as_str()),
        (Deadline::date(date("2022-12-31")), "31/12/2022")
    );
    assert_eq!(a.phases.len(), 5);
    assert_eq!(a.phases[0].responsible, ["2254", "2255", "2247"]);
    let slice: Vec<&str> = a
        .phases
        .iter()
        .filter(|p| a.in_year_slice(p))
        .map(|p| p.label.as_str())
        .collect();
    assert_eq!(slice, ["1", "2", "3"]);

    let b = objective(&imp.plan, "lavori-pubblici/B");
    assert_eq!(b.phases[1].weight_pct, None);
    assert_eq!(b.phases[1].responsible, ["AMAG RETI"]);
    assert_eq!(
        deadline_json(&b.phases[2].deadline),
        json!({"kind": "relative", "after": "phase", "phase": "2", "months": 2})
    );
    assert_eq!(b.phases[2].deadline_text, "2 mesi da fase 2)");
    assert_eq!(
        deadline_json(&b.phases[3].deadline),
        json!({"kind": "relative", "after": "phase", "phase": "3", "months": 1})
    );
    assert_eq!(
        b.not_achieved.as_deref(),
        Some("mancato espletamento delle fasi previste, nel rispetto della scadenza finale")
    );
    let d = imp
        .diagnostics
        .iter()
        .find(|d| d.code == domain::Code::WeightMissing)
        .unwrap();
    assert_eq!(d.location.line, Some(2813));

    let c = objective(&imp.plan, "lavori-pubblici/C");
    assert!(c.title.ends_with("(AL-VIA) 1) Scuola Carducci - Mariotti 2) Scuola Caduti per la libertà 3) Scuola De Amicis - Manzoni 4) Scuola Vochieri 5) Scuola Santorre di Santarosa 6) Scuola Prato - S. Giuliano Vecchio 7) Scuola Montanari - Castelceriolo 8) Scuola Maldini - Mandrogne 9) Scuola Alfieri - Valle S. Bartolomeo 10) Scuola di San Michele 11) Scuola Alfieri - Spinetta Marengo"));
    let d = objective(&imp.plan, "lavori-pubblici/D");
    assert!(d.title.starts_with(
        "Piano manutenzione stradale Occorre redigere ed attuare un piano complessivo"
    ));
}

#[test]
fn sviluppo_economico_variants_are_joined_in_order() {
    let Some(imp) = seed_import() else { return };
    let c = objective(&imp.plan, "sviluppo-economico/C");
    assert_eq!(
        c.expected_result.as_deref(),
        Some(
            "Approvazione da parte degli Enti del PoB e avvio delle attività di bonifica Approvazione da parte degli Enti preposti dell'AdR entro il 31/01/2022"
        )
    );
    assert_eq!(
        c.full_achievement.as_deref(),
        Some("espletamento delle prime quattro fasi entro il 31/01/2022")
    );
    assert_eq!(
        c.not_achieved.as_deref(),
        Some("mancato espletamento delle prime quattro fasi entro il 31/01/2022")
    );
    assert!(
        c.directives
            .as_deref()
            .unwrap()
            .starts_with("Approvazione e avvio delle attività previste")
    );
    assert_eq!(c.final_deadline_text, "31/08/2022");
}

trait ParseLabel {
    fn parse_label(self) -> domain::PhaseLabel;
}

impl ParseLabel for &str {
    fn parse_label(self) -> domain::PhaseLabel {
        domain::PhaseLabel::parse(self).unwrap()
    }
}
