//! The importer never panics: on arbitrary text, on the seed cut anywhere, on its lines
//! shuffled, and on lines assembled from the pieces cards are made of.

use proptest::prelude::*;

use crate::seed_text;

fn import_ok(text: &str) {
    let imp = import::import_text(text);
    // Whatever it built is a plan that serialises, reads back to the same JSON (JSON → model
    // → JSON is the identity) and validates without panicking.
    let json = serde_json::to_string(&imp.plan).unwrap();
    let back: domain::Plan = serde_json::from_str(&json).unwrap();
    assert_eq!(serde_json::to_string(&back).unwrap(), json);
    let _ = domain::validate(&back);
}

/// Pieces of the seed's family, to reach the parser's corners more often than random text.
const PIECES: &[&str] = &[
    "CITTÀ DI ALESSANDRIA",
    "PIANO ESECUTIVO DI GESTIONE",
    "(OBIETTIVI 2021)",
    "Dott. Mario Rossi",
    "Settore Prova, Servizi",
    "SERVIZIO AUTONOMO PROVA MACROFUNZIONI",
    "- funzione",
    "Obiettivo A: titolo",
    "Obiettivo 1:",
    "Finalità Strategiche:",
    "Direttive specifiche - ",
    "Tempistica:",
    "\tDescrizione\tIncidenza %\tCodifica Responsabili coinvolti\tScadenze previste",
    "fase 1:\ta) uno\t50%\t2269\t30/06/2021",
    "\tb) – due\t\t1-2/3\t",
    "fase 1-A\tx\t100%\t\t",
    "\t\t100%\t\t",
    "\t\t\t\tpresumibilmente",
    "Scadenza finale per il raggiungimento dell'obiettivo:\t\t\t\t31/12/2021",
    "Scadenza raggiungimento obiettivo annualità 2021:\t\t100%\t\t31/12/2021",
    "2 mesi da fase 2)",
    "Entro 60 giorni dalla conclusione del punto 03) della fase 1",
    "Risultato atteso annualità 2021:",
    "Obiettivo non raggiunto: :",
    "Indicatori di risultato:",
    "- 1) a; b",
    "Il Dirigente",
    "Visto di validazione",
    "codifica\tElenco",
    "2269\tRESPONSABILE SETTORE PROVA",
    "Settore/Servizio\tN° dipendenti",
    "Prova\t12",
    "Totale\t12",
    "AREA TECNICA :",
    "Macro-direttrice \"x\"",
    "Assi programmatici:",
    "GLI EMOTICON",
    "URP:\t76%\t17%\t7%",
    "Direttore: Avv. X (sino al 31/03/2021); Dott. Y (dal 01/04/2021)",
    "",
    " ",
    "\t",
    "**",
    "<p>",
    "$\\geq 1\\%$",
    "à",
    "Responsabile in P.O.",
    "fase 999:\t\t\t\t",
    "fase 1:",
    "(",
    "99999999999999999999%",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text(text in any::<String>()) {
        import_ok(&text);
    }

    #[test]
    fn lines_from_the_pieces_of_cards(picks in prop::collection::vec(0..PIECES.len(), 0..120), glue in "[\t :a-z0-9]{0,3}") {
        let text: Vec<String> = picks.iter().map(|&i| format!("{}{glue}", PIECES[i])).collect();
        import_ok(&text.join("\n"));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn the_seed_cut_anywhere(cut in 0.0f64..1.0) {
        let Some(seed) = seed_text() else { return Ok(()) };
        let mut at = (seed.len() as f64 * cut) as usize;
        while !seed.is_char_boundary(at) {
            at -= 1;
        }
        import_ok(&seed[..at]);
    }

    #[test]
    fn the_seed_shuffled(order in Just(()).prop_perturb(|_, mut rng| rng.random::<u64>())) {
        let Some(seed) = seed_text() else { return Ok(()) };
        let mut lines: Vec<&str> = seed.lines().collect();
        // A seeded Fisher–Yates shuffle of windows of lines, so cards are torn apart.
        let mut state = order | 1;
        for i in (1..lines.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            if state % 4 == 0 {
                let j = (state as usize) % (i + 1);
                lines.swap(i, j);
            }
        }
        import_ok(&lines.join("\n"));
    }
}
