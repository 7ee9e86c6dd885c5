//! Small documents of the seed's family, each checked against a compact rendering of what the
//! importer makes of it. Refresh the expectations with `UPDATE_EXPECT=1 cargo test -p import`
//! and review the diff: these are the importer's contract on each shape of card.

use domain::{Deadline, Plan, messages as msg};
use expect_test::{Expect, expect};

fn deadline(d: &Deadline, text: &str) -> String {
    format!("{} {:?}", msg::deadline(d), text)
}

/// One line per unit, objective field and phase, then the diagnostics.
fn render(plan: &Plan, diagnostics: &[domain::Diagnostic]) -> String {
    let mut s = String::new();
    for u in &plan.units {
        let heads: Vec<String> = u
            .heads
            .iter()
            .map(|h| format!("{}: {}", h.role.as_deref().unwrap_or("-"), h.name))
            .collect();
        s.push_str(&format!(
            "unit {} {:?} {:?} heads={heads:?} staff={:?}\n",
            u.id, u.kind, u.name, u.staff
        ));
    }
    for o in &plan.objectives {
        s.push_str(&format!("objective {} {:?}\n", o.id, o.title));
        for (name, value) in [
            ("purpose", &o.strategic_purpose),
            ("directives", &o.directives),
            ("timing", &o.timing),
            ("expected", &o.expected_result),
            ("full", &o.full_achievement),
            ("not", &o.not_achieved),
            ("constraints", &o.constraints),
        ] {
            if let Some(v) = value {
                s.push_str(&format!("  {name}: {v}\n"));
            }
        }
        for p in &o.phases {
            let w = p.weight_pct.map_or("-".to_string(), |w| w.to_string());
            s.push_str(&format!(
                "  phase {} w={w} due={} resp={:?} | {}\n",
                p.label,
                deadline(&p.deadline, &p.deadline_text),
                p.responsible,
                p.description
            ));
        }
        if let Some(y) = &o.year_deadline {
            s.push_str(&format!(
                "  year: {}\n",
                deadline(y, o.year_deadline_text.as_deref().unwrap_or(""))
            ));
        }
        s.push_str(&format!(
            "  final: {}\n",
            deadline(&o.final_deadline, &o.final_deadline_text)
        ));
        s.push_str(&format!("  indicators: {:?}\n", o.indicators));
    }
    for d in diagnostics {
        s.push_str(&format!("{d}\n"));
    }
    s
}

fn check(text: &str, expect: Expect) {
    let imp = import::import_text(text);
    expect.assert_eq(&render(&imp.plan, &imp.diagnostics));
}

#[test]
fn a_card_with_sub_rows_relative_deadlines_and_a_year_slice() {
    check(
        "COMUNE DI PROVA\n\nPIANO DELLA PERFORMANCE 2022-2024\n\nPIANO ESECUTIVO DI GESTIONE\n\n(OBIETTIVI 2022)\n\nIng. Anna Bianchi\n\nSettore Opere Pubbliche\n\n\
COMUNE DI PROVA\n\nSETTORE OPERE PUBBLICHE\n\nDirigente Ing. Anna Bianchi\n\n\
Obiettivo A: Nuovo ponte\nsul fiume\n\nFinalità Strategiche: sicurezza\n\nDirettive specifiche - descrizione:\n\n- primo punto;\n- secondo punto\n\nTempistica:\n\n\
\tDescrizione\tIncidenza %\tCodifica Responsabili coinvolti\tScadenze previste\n\
fase 1:\ta) Progetto\t30%\t10 - 11\t31/03/2022\n\
\tb) – Verifica\t10%\tDITTA SRL / 12\t\n\
fase 2:\tGara\t60%\t\t2 mesi da fase 1)\n\
Scadenza raggiungimento obiettivo annualità 2022:\t\t100%\t\t31/12/2022\n\
fase 3:\tLavori\t100%\t\t30/06/2023\n\
\t\t100%\t\t\n\
Scadenza finale per il raggiungimento dell'obiettivo:\t\t\t\t30/06/2023\n\
\t\t\t\tpresumibilmente\n\n\
Risultato atteso al 30/06/2023: ponte aperto\nRisultato atteso annualità 2022: gara aggiudicata\n\
Annualità 2022 - Obiettivo raggiunto al 100%: fasi 1 e 2 entro il 2022\nObiettivo non raggiunto: : altrimenti\n\
Indicatori di risultato: rispetto della tempistica; completezza delle fasi\n\nVincoli:\n\nRisorse Umane:\n\nIl Dirigente\n\nVisto di validazione: il Nucleo di Valutazione\n",
        expect![[r#"
            unit opere-pubbliche Settore "Settore Opere Pubbliche" heads=["Dirigente: Ing. Anna Bianchi"] staff=None
            objective opere-pubbliche/A "Nuovo ponte sul fiume"
              purpose: sicurezza
              directives: primo punto; secondo punto
              expected: ponte aperto gara aggiudicata
              full: fasi 1 e 2 entro il 2022
              not: altrimenti
              phase 1a w=30 due=31/03/2022 "31/03/2022" resp=["10", "11"] | Progetto
              phase 1b w=10 due=31/03/2022 "" resp=["DITTA SRL", "12"] | Verifica
              phase 2 w=60 due=2 mesi dopo la fase 1 "2 mesi da fase 1)" resp=[] | Gara
              phase 3 w=100 due=30/06/2023 "30/06/2023" resp=[] | Lavori
              year: 31/12/2022 "31/12/2022"
              final: 30/06/2023 (presunta) "30/06/2023 presumibilmente"
              indicators: ["rispetto della tempistica", "completezza delle fasi"]
        "#]],
    );
}

#[test]
fn an_azienda_inside_a_section_with_two_directors() {
    check(
        "CITTÀ DI PROVA\n\nIl Piano della Performance 2022 - 2024\n\nPIANO ESECUTIVO DI GESTIONE\n\nDott. Primo\n\nSettore Cultura\n\n\
CITTA' DI PROVA\n\nSETTORE CULTURA\n\nDirigente Dott. Primo\n\nObiettivo A: Mostra\n\n\
\tDescrizione\tIncidenza %\tCodifica Responsabili coinvolti\tScadenze previste\n\
fase 1:\tAllestimento\t100%\t\tinizio servizio 01/02/2022\n\
Scadenza finale per il raggiungimento dell'obiettivo:\t\t100%\t\t31/12/2022\n\n\
Il Dirigente\n\n\
CITTA' DI PROVA\n\nAzienda Speciale Servizi\t\t\nDirettore: Avv. Uno (sino al 31/03/2022); Dott. Due (dal 01/04/2022)\n\n\
Obiettivo 1: Carta dei servizi\n\n\
\tDescrizione\tIncidenza %\tCodifica Responsabili coinvolti\tScadenze previste\n\
fase 1:\tBozza\t\t\tin corso d'anno\n\
fase 2:\tApprovazione\t50%\t\tConclusa\n\
fase 3:\tPubblicazione\t50%\t\tEntro 30 giorni dalla approvazione del CdA\n\
Scadenza finale per il raggiungimento dell'obiettivo: Non prevedibile la data\n\n\
Il Direttore\n\nMario Rossi\n",
        expect![[r#"
            unit cultura Settore "Settore Cultura" heads=["Dirigente: Dott. Primo"] staff=None
            unit azienda-speciale-servizi Azienda "Azienda Speciale Servizi" heads=["Direttore: Avv. Uno", "Direttore: Dott. Due"] staff=None
            objective cultura/A "Mostra"
              phase 1 w=100 due=dal 01/02/2022 "inizio servizio 01/02/2022" resp=[] | Allestimento
              final: 31/12/2022 "31/12/2022"
              indicators: []
            objective azienda-speciale-servizi/1 "Carta dei servizi"
              phase 1 w=- due=in corso d'anno "in corso d'anno" resp=[] | Bozza
              phase 2 w=50 due=conclusa "Conclusa" resp=[] | Approvazione
              phase 3 w=50 due=30 giorni da: approvazione del CdA "Entro 30 giorni dalla approvazione del CdA" resp=[] | Pubblicazione
              final: nessuna "Non prevedibile la data"
              indicators: []
            error weights-sum at objectives[1].phases (line 30)
            warning weight-missing at objectives[1].phases[0].weight_pct (line 33)
            info unplaced-line at objectives[1] (line 40)
        "#]],
    );
}

#[test]
fn what_cannot_be_placed_is_reported_with_its_line() {
    check(
        "COMUNE DI PROVA\n\nObiettivo B: Senza tabella\n\n\
\tDescrizione\tIncidenza %\tCodifica Responsabili coinvolti\tScadenze previste\n\
fase 1:\tUno\t120%\t\tquando possibile\n\
fase 1:\tDue\t50%\t\t30/02/2022\n\n\
Visto di validazione: il Nucleo\n\nRiga dimenticata\n",
        expect![[r#"
            unit unita Settore "Unità" heads=[] staff=None
            objective unita/B "Senza tabella"
              phase 1 w=- due=nessuna "quando possibile" resp=[] | Uno
              phase 1 w=50 due=nessuna "30/02/2022" resp=[] | Due
              final: nessuna ""
              indicators: []
            warning missing-field at objectives[0].final_deadline (line 3)
            error weights-sum at objectives[0].phases (line 3)
            warning weight-unreadable at objectives[0].phases[0].weight_pct (line 6)
            warning deadline-unrecognised at objectives[0].phases[0].deadline (line 6)
            warning weight-missing at objectives[0].phases[0].weight_pct (line 6)
            warning deadline-unrecognised at objectives[0].phases[1].deadline (line 7)
            error duplicate-label at objectives[0].phases[1].label (line 7)
            warning unplaced-line at objectives[0] (line 11)
            warning missing-field at period
            warning date-implausible at year
        "#]],
    );
}

#[test]
fn a_document_without_cards_is_an_error() {
    check(
        "Un testo qualsiasi\nsenza schede.\n",
        expect![[r#"
            warning missing-field at entity
            warning missing-field at period
            error no-objectives at objectives
            warning date-implausible at year
        "#]],
    );
}
