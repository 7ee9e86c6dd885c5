//! Workbooks edited by hand and damaged: every problem is said with its sheet, row and column,
//! in Italian, and nothing panics.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use domain::{Code, Diagnostic, Severity};
use proptest::prelude::*;
use rust_xlsxwriter::Workbook;

#[derive(Clone, Copy)]
enum C<'a> {
    S(&'a str),
    N(f64),
    E,
}
use C::{E, N, S};

type Sheet<'a> = (&'a str, Vec<Vec<C<'a>>>);

/// A workbook of these sheets, each a header row and rows, starting at `top` (0-based).
fn book_at(sheets: &[Sheet<'_>], top: u32) -> Vec<u8> {
    let mut wb = Workbook::new();
    for (name, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (top + r as u32, c as u16);
                match cell {
                    S(s) => {
                        ws.write_string(r, c, *s).unwrap();
                    }
                    N(n) => {
                        ws.write_number(r, c, *n).unwrap();
                    }
                    E => {}
                }
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

fn book(sheets: &[Sheet<'_>]) -> Vec<u8> {
    book_at(sheets, 0)
}

/// The same sheets as an OpenDocument spreadsheet (ODS), as LibreOffice writes one: text cells,
/// numbers as floats, a text that is an ISO date as a date cell.
fn ods(sheets: &[Sheet<'_>]) -> Vec<u8> {
    use std::io::Write;
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let mut content = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3"><office:body><office:spreadsheet>"#,
    );
    for (name, rows) in sheets {
        content.push_str(&format!(r#"<table:table table:name="{}">"#, escape(name)));
        for row in rows {
            content.push_str("<table:table-row>");
            for cell in row {
                match cell {
                    S(s) if s.len() == 10 && s.as_bytes()[4] == b'-' => content.push_str(&format!(
                        r#"<table:table-cell office:value-type="date" office:date-value="{s}"><text:p>{s}</text:p></table:table-cell>"#
                    )),
                    S(s) => content.push_str(&format!(
                        r#"<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>"#,
                        escape(s)
                    )),
                    N(n) => content.push_str(&format!(
                        r#"<table:table-cell office:value-type="float" office:value="{n}"><text:p>{n}</text:p></table:table-cell>"#
                    )),
                    E => content.push_str("<table:table-cell/>"),
                }
            }
            content.push_str("</table:table-row>");
        }
        content.push_str("</table:table>");
    }
    content.push_str("</office:spreadsheet></office:body></office:document-content>");
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (path, body) in [
        ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
        ("META-INF/manifest.xml", manifest),
        ("content.xml", content.as_str()),
    ] {
        zip.start_file(path, stored).unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
    out.into_inner()
}

const PHASE_HEADER: [&str; 9] = [
    "Unità",
    "Obiettivo",
    "Fase",
    "Descrizione",
    "Incidenza %",
    "Scadenza: tipo",
    "Scadenza: data",
    "Scadenza: dopo la fase",
    "Scadenza: giorni",
];

/// A small plan written by hand with only the required columns (and a few more).
fn sheets<'a>(phases: Vec<Vec<C<'a>>>) -> Vec<Sheet<'a>> {
    let header = |h: &[&'a str]| h.iter().map(|s| S(s)).collect::<Vec<_>>();
    let mut fasi = vec![header(&PHASE_HEADER)];
    fasi.extend(phases);
    vec![
        (
            "Piano",
            vec![
                header(&[
                    "Ente",
                    "Tipo di ente",
                    "Titolo",
                    "Triennio dal",
                    "Triennio al",
                    "Anno",
                ]),
                vec![
                    S("Comune di Prova"),
                    S("comune"),
                    S("Piano 2024-2026"),
                    N(2024.0),
                    N(2026.0),
                    N(2024.0),
                ],
            ],
        ),
        (
            "Unità",
            vec![
                header(&["Unità", "Tipo", "Nome"]),
                vec![S("ragioneria"), S("settore"), S("Ragioneria")],
            ],
        ),
        (
            "Obiettivi",
            vec![
                header(&["Unità", "Obiettivo", "Titolo"]),
                vec![S("ragioneria"), S("A"), S("Il bilancio in tempo")],
            ],
        ),
        ("Fasi", fasi),
    ]
}

fn good_phases<'a>() -> Vec<Vec<C<'a>>> {
    vec![
        vec![
            S("ragioneria"),
            S("A"),
            N(1.0),
            S("Prima"),
            N(60.0),
            S("data"),
            S("30/06/2024"),
        ],
        vec![
            S("ragioneria"),
            S("A"),
            S("2"),
            S("Seconda"),
            S("40"),
            S("Dopo una fase"),
            E,
            N(1.0),
            N(30.0),
        ],
    ]
}

fn errors(diagnostics: &[Diagnostic]) -> Vec<&Diagnostic> {
    diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect()
}

#[test]
fn a_workbook_made_by_hand_with_the_required_columns_reads() {
    let read = workbook::read(&book(&sheets(good_phases())));
    assert!(
        errors(&read.diagnostics).is_empty(),
        "{:#?}",
        read.diagnostics
    );
    let plan = read.plan.unwrap();
    assert_eq!(plan.objectives.len(), 1);
    let phases = &plan.objectives[0].phases;
    assert_eq!(phases.len(), 2);
    // A label typed as a number reads as the label; the weight typed as text as the number.
    assert_eq!(phases[0].label.as_str(), "1");
    assert_eq!(phases[1].weight_pct.unwrap().to_string(), "40");
    assert_eq!(phases[1].deadline.after_phase().unwrap().as_str(), "1");
    // Without the PIAO's sheets the plan has no PIAO, and nobody is told of sheets left out.
    assert_eq!(plan.piao, None);
    assert!(read.diagnostics.is_empty(), "{:#?}", read.diagnostics);
}

#[test]
fn piao_sheets_made_by_hand_read_and_their_problems_are_pointed_at() {
    let header = |h: &[&'static str]| h.iter().map(|s| S(s)).collect::<Vec<_>>();
    let mut s = sheets(good_phases());
    s.push((
        "rischi",
        vec![
            header(&["Codice", "Area", "Processo", "Livello"]),
            vec![
                S("r1"),
                S("Contratti"),
                S("Affidamenti diretti"),
                S("altissimo"),
            ],
            vec![E, S("contratti"), S("Senza codice")],
            vec![S("r2"), S("appalti"), E, S("medio")],
        ],
    ));
    s.push((
        "Misure",
        vec![
            header(&["Codice", "Tipo", "Testo", "Obiettivi", "Unità", "Scadenza"]),
            vec![
                S("m1"),
                S("Prevenzione"),
                S("Rotazione"),
                S("ragioneria/A\nragioneria\nragioneria/B"),
                S("Ragioneria"),
                S("31/12/2024"),
            ],
        ],
    ));
    s.push((
        "Fabbisogni",
        vec![
            header(&["Profilo", "Dipendenti", "Assunzioni"]),
            vec![S("Istruttore (C)"), S("tanti"), N(2.0)],
            vec![S("Funzionario (D)"), N(4.0)],
        ],
    ));
    let read = workbook::read(&book(&s));
    let said: Vec<&str> = errors(&read.diagnostics)
        .iter()
        .take(7)
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        said,
        [
            "Foglio «Rischi», riga 2, colonna «Livello»: «altissimo» non è tra i valori ammessi («basso», «medio», «alto»).",
            "Foglio «Rischi», riga 3, colonna «Codice»: la cella è vuota.",
            "Foglio «Rischi», riga 4, colonna «Area»: «appalti» non è tra i valori ammessi («autorizzazioni», «contratti», «sovvenzioni», «selezioni», «altro»).",
            "Foglio «Rischi», riga 4, colonna «Processo»: la cella è vuota.",
            "Foglio «Misure», riga 2, colonna «Unità»: «Ragioneria» non è un codice valido qui.",
            "Foglio «Misure», riga 2, colonna «Obiettivi»: «ragioneria» non è un obiettivo scritto come unità/obiettivo (ad esempio «servizi-sociali/A»).",
            "Foglio «Fabbisogni», riga 2, colonna «Dipendenti»: «tanti» non è un numero intero.",
        ][..],
        "{:#?}",
        read.diagnostics
    );
    // Then the plan's own rules, on what was read: a card that is not in the plan.
    let unknown = errors(&read.diagnostics)[7];
    assert_eq!(unknown.code, Code::UnknownObjective);
    assert!(
        unknown
            .message
            .starts_with("Foglio «Misure», riga 2, colonna «Obiettivi»: "),
        "{}",
        unknown.message
    );
    let piao = read.plan.unwrap().piao.expect("a PIAO");
    // No `PIAO` sheet: the ordinary layout, no registry.
    assert_eq!(piao.layout, domain::piao::Layout::Ordinario);
    assert_eq!(piao.registry, domain::piao::Registry::default());
    let risks = &piao.anticorruption.risks;
    assert_eq!(risks.len(), 2);
    assert_eq!(risks[0].area, domain::piao::RiskArea::Contratti);
    assert_eq!(risks[0].level, None);
    assert_eq!(risks[1].level, Some(domain::piao::RiskLevel::Medio));
    let m = &piao.anticorruption.measures[0];
    assert_eq!(m.kind, domain::piao::MeasureKind::Prevenzione);
    let cards: Vec<&str> = m.objectives.iter().map(|o| o.as_str()).collect();
    assert_eq!(cards, ["ragioneria/A", "ragioneria/B"]);
    assert_eq!(m.deadline, chrono::NaiveDate::from_ymd_opt(2024, 12, 31));
    let staff = &piao.organisation.staff;
    assert_eq!(staff.len(), 1);
    assert_eq!((staff[0].staff, staff[0].hires), (4, 0));
}

#[test]
fn the_piao_has_one_row_and_its_layout_is_a_word_of_the_list() {
    let header = |h: &[&'static str]| h.iter().map(|s| S(s)).collect::<Vec<_>>();
    let mut s = sheets(good_phases());
    s.push((
        "PIAO",
        vec![
            header(&["Modello", "Dipendenti", "RPCT"]),
            vec![S("Semplificato"), N(12.0), S("Il Segretario")],
            vec![S("ordinario"), N(300.0)],
        ],
    ));
    let read = workbook::read(&book(&s));
    assert!(
        errors(&read.diagnostics).is_empty(),
        "{:#?}",
        read.diagnostics
    );
    assert!(read.diagnostics.iter().any(|d| d.message
        == "Foglio «PIAO», riga 3: il PIAO ha una riga sola; questa è stata ignorata."));
    let piao = read.plan.unwrap().piao.unwrap();
    assert_eq!(piao.layout, domain::piao::Layout::Semplificato);
    assert_eq!(piao.registry.staff, Some(12));
    assert_eq!(piao.anticorruption.rpct.as_deref(), Some("Il Segretario"));

    s.last_mut().unwrap().1.truncate(1);
    s.last_mut().unwrap().1.push(vec![S("ridotto")]);
    let e = one_error(&book(&s));
    assert_eq!(
        e.message,
        "Foglio «PIAO», riga 2, colonna «Modello»: «ridotto» non è tra i valori ammessi («ordinario», «semplificato»)."
    );
}

#[test]
fn an_ods_workbook_reads_as_the_same_plan_as_the_xlsx_one() {
    let mut phases = good_phases();
    phases[0][6] = S("2024-06-30");
    let both = sheets(phases);
    let from_xlsx = workbook::read(&book(&both));
    let from_ods = workbook::read(&ods(&both));
    assert!(
        errors(&from_ods.diagnostics).is_empty(),
        "{:#?}",
        from_ods.diagnostics
    );
    let plan = from_ods.plan.unwrap();
    assert_eq!(Some(&plan), from_xlsx.plan.as_ref());
    assert_eq!(
        plan.objectives[0].phases[0].deadline.fixed_date(),
        chrono::NaiveDate::from_ymd_opt(2024, 6, 30)
    );
    // And its problems are said the same way.
    let mut phases = good_phases();
    phases[0][4] = N(150.0);
    let read = workbook::read(&ods(&sheets(phases)));
    assert_eq!(
        errors(&read.diagnostics)[0].message,
        "Foglio «Fasi», riga 2, colonna «Incidenza %»: 150 non è una percentuale tra 0 e 100."
    );
}

fn one_error(bytes: &[u8]) -> Diagnostic {
    let read = workbook::read(bytes);
    let errors = errors(&read.diagnostics);
    assert_eq!(errors.len(), 1, "{:#?}", read.diagnostics);
    errors[0].clone()
}

#[test]
fn a_sheet_under_another_name_is_missing_and_the_stranger_ignored() {
    let mut s = sheets(good_phases());
    s[3].0 = "Foglio1";
    let read = workbook::read(&book(&s));
    let e = errors(&read.diagnostics);
    assert_eq!(e.len(), 1, "{:#?}", read.diagnostics);
    assert_eq!(e[0].code, Code::SheetMissing);
    assert!(
        e[0].message.starts_with("Manca il foglio «Fasi»"),
        "{}",
        e[0].message
    );
    assert!(
        read.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Warning && d.message.contains("«Foglio1»"))
    );
}

#[test]
fn a_missing_column_is_named() {
    let mut s = sheets(good_phases());
    for row in &mut s[3].1 {
        row.remove(4);
    }
    let e = one_error(&book(&s));
    assert_eq!(e.code, Code::ColumnMissing);
    assert_eq!(
        e.message,
        "Foglio «Fasi», riga 1: manca la colonna «Incidenza %»."
    );
}

#[test]
fn text_in_a_number_cell_is_pointed_at() {
    let mut phases = good_phases();
    phases[0][4] = S("sessanta");
    let read = workbook::read(&book(&sheets(phases)));
    let e: Vec<_> = errors(&read.diagnostics);
    assert_eq!(e[0].code, Code::CellUnreadable);
    assert_eq!(
        e[0].message,
        "Foglio «Fasi», riga 2, colonna «Incidenza %»: «sessanta» non è un numero."
    );
    // The phase then has no weight: the plan's rule says so on the phase's row.
    assert!(
        read.diagnostics
            .iter()
            .any(|d| d.code == Code::WeightMissing
                && d.message
                    .starts_with("Foglio «Fasi», riga 2, colonna «Incidenza %»")),
        "{:#?}",
        read.diagnostics
    );
}

#[test]
fn a_weight_of_150_is_refused() {
    let mut phases = good_phases();
    phases[0][4] = N(150.0);
    let read = workbook::read(&book(&sheets(phases)));
    let e = errors(&read.diagnostics);
    assert_eq!(
        e[0].message,
        "Foglio «Fasi», riga 2, colonna «Incidenza %»: 150 non è una percentuale tra 0 e 100."
    );
}

#[test]
fn a_deadline_after_a_phase_that_does_not_exist_is_pointed_at() {
    let mut phases = good_phases();
    phases[1][7] = S("7");
    let e = one_error(&book(&sheets(phases)));
    assert_eq!(e.code, Code::UnknownPhase);
    assert_eq!(e.location.path, "objectives[0].phases[1].deadline");
    assert!(
        e.message
            .starts_with("Foglio «Fasi», riga 3, colonna «Scadenza: tipo»: "),
        "{}",
        e.message
    );
}

#[test]
fn a_phase_of_an_objective_not_in_its_sheet_is_said() {
    let mut phases = good_phases();
    phases[1][1] = S("B");
    let read = workbook::read(&book(&sheets(phases)));
    let e = errors(&read.diagnostics);
    assert_eq!(e[0].code, Code::RowUnplaced);
    assert_eq!(
        e[0].message,
        "Foglio «Fasi», riga 3, colonna «Obiettivo»: l'obiettivo «B» dell'unità «ragioneria» non è nel foglio «Obiettivi»."
    );
}

#[test]
fn rows_are_numbered_as_the_spreadsheet_shows_them() {
    let mut phases = good_phases();
    phases[0][4] = N(150.0);
    let read = workbook::read(&book_at(&sheets(phases), 3));
    let e = errors(&read.diagnostics);
    assert!(
        e[0].message
            .starts_with("Foglio «Fasi», riga 5, colonna «Incidenza %»"),
        "{}",
        e[0].message
    );
}

#[test]
fn a_relative_deadline_needs_days_or_months_and_a_dated_one_its_date() {
    let mut phases = good_phases();
    phases[1][8] = E;
    phases[0][6] = E;
    let read = workbook::read(&book(&sheets(phases)));
    let messages: Vec<&str> = errors(&read.diagnostics)
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert!(
        messages.contains(
            &"Foglio «Fasi», riga 2, colonna «Scadenza: data»: una scadenza «data» vuole la data."
        ),
        "{messages:#?}"
    );
    assert!(messages.contains(&"Foglio «Fasi», riga 3, colonna «Scadenza: giorni»: una scadenza «dopo una fase» vuole i giorni oppure i mesi (uno dei due)."), "{messages:#?}");
}

#[test]
fn a_sheet_spanning_the_whole_grid_is_refused_before_it_is_read() {
    // Two cells, at the first and the last place of a sheet: read, the grid between them would
    // ask for more memory than any machine has.
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Fasi").unwrap();
    ws.write_string(0, 0, "Unità").unwrap();
    ws.write_string(1_048_575, 16_383, "fine").unwrap();
    let read = workbook::read(&wb.save_to_buffer().unwrap());
    assert!(read.plan.is_none());
    assert_eq!(read.diagnostics.len(), 1, "{:#?}", read.diagnostics);
    assert_eq!(read.diagnostics[0].code, Code::WorkbookUnreadable);
    assert!(
        read.diagnostics[0].message.contains("si estende su più di"),
        "{}",
        read.diagnostics[0].message
    );
}

#[test]
fn what_is_no_workbook_is_said_so() {
    for bytes in [
        &b""[..],
        b"Piano della Performance 2024",
        b"PK\x03\x04 not really a zip",
    ] {
        let read = workbook::read(bytes);
        assert!(read.plan.is_none());
        assert_eq!(read.diagnostics.len(), 1);
        assert_eq!(read.diagnostics[0].code, Code::WorkbookUnreadable);
        assert!(
            read.diagnostics[0]
                .message
                .starts_with("Il file non si può leggere")
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Damaged bytes of a real workbook, truncated or overwritten: a finding, never a panic.
    #[test]
    fn damaged_workbooks_never_panic(cut in 0usize..4000, at in proptest::collection::vec((0usize..4000, any::<u8>()), 0..8)) {
        let mut bytes = book(&sheets(good_phases()));
        for (i, b) in at {
            let n = bytes.len();
            bytes[i % n] = b;
        }
        bytes.truncate(bytes.len().saturating_sub(cut % 50 * (cut / 50 % 2)));
        let read = workbook::read(&bytes);
        prop_assert!(read.plan.is_some() || !read.diagnostics.is_empty());
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let read = workbook::read(&bytes);
        prop_assert!(read.plan.is_none());
    }
}
