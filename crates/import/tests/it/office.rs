//! DOCX and ODT documents: small ones built here (paragraphs, tables, spaces, entities, hostile
//! archives), the seed's text written as documents with real tables, and the seed converted
//! by LibreOffice, each read into the same plan as the text.

use std::io::{Cursor, Write};
use std::process::Command;
use std::sync::OnceLock;

use import::{OfficeError, import_office, import_text, office_text};
use proptest::prelude::*;
use zip::CompressionMethod;
use zip::write::{SimpleFileOptions, ZipWriter};

use crate::seed_text;

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const TEXT: &str = "urn:oasis:names:tc:opendocument:xmlns:text:1.0";
const TABLE: &str = "urn:oasis:names:tc:opendocument:xmlns:table:1.0";
const OFFICE: &str = "urn:oasis:names:tc:opendocument:xmlns:office:1.0";
const ODT_MIME: &str = "application/vnd.oasis.opendocument.text";

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Docx,
    Odt,
}

fn zip_of(files: &[(&str, &[u8])], method: CompressionMethod) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in files {
        // ODF wants its mimetype first and stored.
        let method = if *name == "mimetype" {
            CompressionMethod::Stored
        } else {
            method
        };
        zip.start_file(
            *name,
            SimpleFileOptions::default().compression_method(method),
        )
        .unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn docx(body: &str) -> Vec<u8> {
    docx_with(body, CompressionMethod::Deflated)
}

fn docx_with(body: &str, method: CompressionMethod) -> Vec<u8> {
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W}"><w:body>{body}<w:sectPr/></w:body></w:document>"#
    );
    zip_of(&[("word/document.xml", xml.as_bytes())], method)
}

fn odt(body: &str) -> Vec<u8> {
    odt_with(body, ODT_MIME, CompressionMethod::Deflated)
}

fn odt_with(body: &str, mime: &str, method: CompressionMethod) -> Vec<u8> {
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="{OFFICE}" xmlns:text="{TEXT}" xmlns:table="{TABLE}" office:version="1.3"><office:body><office:text>{body}</office:text></office:body></office:document-content>"#
    );
    zip_of(
        &[
            ("mimetype", mime.as_bytes()),
            ("content.xml", xml.as_bytes()),
        ],
        method,
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A paragraph's content as the kind writes it: tabs as tab elements; in ODT, runs of spaces
/// and a space opening a piece as `text:s` (white space there collapses).
fn runs(kind: Kind, text: &str) -> String {
    let mut out = String::new();
    for (i, piece) in text.split('\t').enumerate() {
        if i > 0 {
            out.push_str(match kind {
                Kind::Docx => "<w:r><w:tab/></w:r>",
                Kind::Odt => "<text:tab/>",
            });
        }
        match kind {
            Kind::Docx if !piece.is_empty() => out.push_str(&format!(
                r#"<w:r><w:t xml:space="preserve">{}</w:t></w:r>"#,
                escape(piece)
            )),
            Kind::Docx => {}
            Kind::Odt => {
                let mut spaces = 0;
                let mut start = true;
                for c in piece.chars() {
                    if c == ' ' {
                        spaces += 1;
                        continue;
                    }
                    flush_spaces(&mut out, &mut spaces, start);
                    out.push_str(&escape(&c.to_string()));
                    start = false;
                }
                flush_spaces(&mut out, &mut spaces, start);
            }
        }
    }
    out
}

fn flush_spaces(out: &mut String, spaces: &mut usize, start: bool) {
    match *spaces {
        0 => {}
        1 if !start => out.push(' '),
        n => out.push_str(&format!(r#"<text:s text:c="{n}"/>"#)),
    }
    *spaces = 0;
}

fn paragraph(kind: Kind, text: &str) -> String {
    match kind {
        Kind::Docx => format!("<w:p>{}</w:p>", runs(kind, text)),
        Kind::Odt => format!("<text:p>{}</text:p>", runs(kind, text)),
    }
}

/// A text as a document: each line a paragraph, except that consecutive lines holding tabs
/// are the rows of a table, one cell per tab-separated piece (as a PEG's DOCX has them).
fn document(kind: Kind, text: &str) -> Vec<u8> {
    document_with(kind, text, CompressionMethod::Deflated)
}

fn document_with(kind: Kind, text: &str, method: CompressionMethod) -> Vec<u8> {
    let mut body = String::new();
    let mut in_table = false;
    for line in text.lines() {
        let row = line.contains('\t');
        match (kind, row, in_table) {
            (Kind::Docx, true, false) => body.push_str("<w:tbl><w:tblPr/>"),
            (Kind::Odt, true, false) => body.push_str("<table:table>"),
            (Kind::Docx, false, true) => body.push_str("</w:tbl>"),
            (Kind::Odt, false, true) => body.push_str("</table:table>"),
            _ => {}
        }
        in_table = row;
        if !row {
            body.push_str(&paragraph(kind, line));
            continue;
        }
        body.push_str(match kind {
            Kind::Docx => "<w:tr>",
            Kind::Odt => "<table:table-row>",
        });
        for cell in line.split('\t') {
            let p = paragraph(kind, cell);
            body.push_str(&match kind {
                Kind::Docx => format!("<w:tc><w:tcPr/>{p}</w:tc>"),
                Kind::Odt => format!("<table:table-cell>{p}</table:table-cell>"),
            });
        }
        body.push_str(match kind {
            Kind::Docx => "</w:tr>",
            Kind::Odt => "</table:table-row>",
        });
    }
    match (kind, in_table) {
        (Kind::Docx, true) => body.push_str("</w:tbl>"),
        (Kind::Odt, true) => body.push_str("</table:table>"),
        _ => {}
    }
    match kind {
        Kind::Docx => docx_with(&body, method),
        Kind::Odt => odt_with(&body, ODT_MIME, method),
    }
}

/// The first line where two texts differ, to say where rather than print both.
fn first_difference(a: &str, b: &str) -> Option<(usize, String, String)> {
    let (mut la, mut lb) = (a.lines(), b.lines());
    for no in 1.. {
        match (la.next(), lb.next()) {
            (None, None) => return None,
            (x, y) if x != y => {
                return Some((no, x.unwrap_or("<end>").into(), y.unwrap_or("<end>").into()));
            }
            _ => {}
        }
    }
    None
}

fn assert_same_import(bytes: &[u8], text: &str, what: &str) {
    let read = office_text(bytes).unwrap();
    assert_eq!(
        first_difference(&read, text),
        None,
        "{what}: the lines read differ from the text's (line, read, text)"
    );
    let office = import_office(bytes).unwrap();
    let plain = import_text(text);
    assert!(
        !plain.plan.objectives.is_empty(),
        "{what}: nothing to compare"
    );
    assert_eq!(office.plan, plain.plan, "{what}: the plan differs");
    assert_eq!(
        office.diagnostics, plain.diagnostics,
        "{what}: the diagnostics differ"
    );
}

#[test]
fn docx_paragraphs_are_lines_and_runs_join() {
    let bytes = docx(
        r#"<w:p><w:r><w:t>Obiettivo </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>A:</w:t></w:r><w:r><w:t xml:space="preserve"> titolo</w:t></w:r></w:p><w:p/><w:p><w:r><w:t>a</w:t><w:tab/><w:t>b</w:t><w:br/><w:t>c</w:t><w:noBreakHyphen/><w:t>d</w:t></w:r></w:p>"#,
    );
    assert_eq!(
        office_text(&bytes).unwrap(),
        "Obiettivo A: titolo\n\na\tb\nc-d"
    );
}

#[test]
fn odt_paragraphs_headings_spaces_tabs_and_breaks() {
    let bytes = odt(
        r#"<text:h text:outline-level="1">Titolo</text:h><text:p>a<text:s text:c="3"/>b<text:s/>c</text:p><text:p>x<text:tab/>y<text:line-break/>z</text:p><text:list><text:list-item><text:p><text:span>voce</text:span></text:p></text:list-item></text:list>"#,
    );
    assert_eq!(
        office_text(&bytes).unwrap(),
        "Titolo\na   b c\nx\ty\nz\nvoce"
    );
}

#[test]
fn a_table_row_is_one_line_of_its_cells_in_order() {
    let docx_bytes = docx(
        r#"<w:p><w:r><w:t>prima</w:t></w:r></w:p><w:tbl><w:tblPr><w:tblW w:w="0"/></w:tblPr><w:tblGrid><w:gridCol/></w:tblGrid><w:tr><w:tc><w:p><w:r><w:t>fase 1:</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Progetto</w:t></w:r></w:p><w:p><w:r><w:t>esecutivo</w:t></w:r><w:r><w:tab/><w:t>bis</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc><w:tc><w:p><w:r><w:t>31/03/2022</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:p/></w:tc><w:tc><w:p><w:r><w:t>due</w:t></w:r></w:p></w:tc></w:tr></w:tbl><w:p><w:r><w:t>dopo</w:t></w:r></w:p>"#,
    );
    let odt_bytes = odt(
        r#"<text:p>prima</text:p><table:table><table:table-column/><table:table-header-rows><table:table-row><table:table-cell><text:p>fase 1:</text:p></table:table-cell><table:table-cell><text:p>Progetto</text:p><text:p>esecutivo<text:tab/>bis</text:p></table:table-cell><table:table-cell/><table:table-cell><text:p>31/03/2022</text:p></table:table-cell></table:table-row></table:table-header-rows><table:table-row><table:table-cell/><table:table-cell><text:p>due</text:p></table:table-cell></table:table-row></table:table><text:p>dopo</text:p>"#,
    );
    let expected = "prima\nfase 1:\tProgetto esecutivo bis\t\t31/03/2022\n\tdue\ndopo";
    assert_eq!(office_text(&docx_bytes).unwrap(), expected);
    assert_eq!(office_text(&odt_bytes).unwrap(), expected);
}

#[test]
fn entities_and_character_references_are_decoded() {
    let body = "&amp; &lt;&gt; &quot;&apos; &#224; &#x2013;";
    let expected = "& <> \"' à –";
    let d = docx(&format!("<w:p><w:r><w:t>{body}</w:t></w:r></w:p>"));
    let o = odt(&format!("<text:p>{body}</text:p>"));
    assert_eq!(office_text(&d).unwrap(), expected);
    assert_eq!(office_text(&o).unwrap(), expected);
}

#[test]
fn an_empty_document_is_an_empty_text() {
    for bytes in [docx(""), odt("")] {
        assert_eq!(office_text(&bytes).unwrap(), "");
        let imported = import_office(&bytes).unwrap();
        let plain = import_text("");
        assert_eq!(imported.plan, plain.plan);
        assert_eq!(imported.diagnostics, plain.diagnostics);
    }
}

#[test]
fn what_is_not_a_text_document_is_refused_in_italian() {
    let other = zip_of(
        &[("xl/workbook.xml", b"<workbook/>".as_slice())],
        CompressionMethod::Deflated,
    );
    let spreadsheet = odt_with(
        "",
        "application/vnd.oasis.opendocument.spreadsheet",
        CompressionMethod::Deflated,
    );
    for bytes in [other, spreadsheet] {
        let e = import_office(&bytes).unwrap_err();
        assert!(matches!(e, OfficeError::NotADocument), "{e:?}");
        assert!(
            e.to_string()
                .contains("non un documento di testo DOCX o ODT")
        );
    }
    let e = import_office(b"PK\x03\x04 non proprio uno zip").unwrap_err();
    assert!(matches!(e, OfficeError::Archive(_)), "{e:?}");
    assert!(e.to_string().contains("danneggiato"), "{e}");
    assert!(!import::is_zip(b"CITTA' DI PROVA"));

    let broken = docx("<w:p><w:r><w:t>aperto</w:r></w:p>");
    let e = import_office(&broken).unwrap_err();
    assert!(matches!(e, OfficeError::Xml { .. }), "{e:?}");
    assert!(e.to_string().contains("non è XML valido"), "{e}");

    let latin1 = zip_of(
        &[(
            "word/document.xml",
            b"<w:document>\xe0</w:document>".as_slice(),
        )],
        CompressionMethod::Stored,
    );
    let e = import_office(&latin1).unwrap_err();
    assert!(matches!(e, OfficeError::Encoding { .. }), "{e:?}");
}

#[test]
fn a_body_larger_than_the_limit_is_refused() {
    // A few dozen KiB that inflate past the limit: refused without reading on.
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file(
        "word/document.xml",
        SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .compression_level(Some(1)),
    )
    .unwrap();
    let block = vec![b' '; 1 << 20];
    for _ in 0..(import::MAX_BYTES >> 20) + 1 {
        zip.write_all(&block).unwrap();
    }
    let bytes = zip.finish().unwrap().into_inner();
    assert!(bytes.len() < 1 << 20, "the bomb is small: {}", bytes.len());
    let e = import_office(&bytes).unwrap_err();
    assert!(matches!(e, OfficeError::TooLarge { .. }), "{e:?}");
    assert!(e.to_string().contains("troppo grande"), "{e}");
}

/// A card of the seed's family, with sub-rows, a year slice and a tentative final deadline.
const CARD: &str = "COMUNE DI PROVA\n\nPIANO DELLA PERFORMANCE 2022-2024\n\nPIANO ESECUTIVO DI GESTIONE\n\n(OBIETTIVI 2022)\n\nIng. Anna Bianchi\n\nSettore Opere Pubbliche\n\n\
COMUNE DI PROVA\n\nSETTORE OPERE PUBBLICHE\n\nDirigente Ing. Anna Bianchi\n\n\
Obiettivo A: Nuovo ponte\nsul fiume\n\nFinalità Strategiche: sicurezza & viabilità\n\nDirettive specifiche - descrizione:\n\n- primo punto;\n- secondo  punto\n\nTempistica:\n\n\
\tDescrizione\tIncidenza %\tCodifica Responsabili coinvolti\tScadenze previste\n\
fase 1:\ta) Progetto\t30%\t10 - 11\t31/03/2022\n\
\tb) – Verifica\t10%\tDITTA SRL / 12\t\n\
fase 2:\tGara\t60%\t\t2 mesi da fase 1)\n\
Scadenza raggiungimento obiettivo annualità 2022:\t\t100%\t\t31/12/2022\n\
fase 3:\tLavori\t100%\t\t30/06/2023\n\
\t\t100%\t\t\n\
Scadenza finale per il raggiungimento dell'obiettivo:\t\t\t\t30/06/2023\n\
\t\t\t\tpresumibilmente\n\n\
Risultato atteso al 30/06/2023: ponte aperto\nObiettivo non raggiunto: altrimenti\n\
Indicatori di risultato: rispetto della tempistica; <completezza> delle fasi\n\nIl Dirigente\n";

#[test]
fn a_card_whose_phases_are_a_table_reads_as_its_text() {
    for kind in [Kind::Docx, Kind::Odt] {
        let bytes = document(kind, CARD);
        assert_same_import(&bytes, CARD.trim_end_matches('\n'), &format!("{kind:?}"));
        let plan = import_office(&bytes).unwrap().plan;
        let phases: Vec<&str> = plan.objectives[0]
            .phases
            .iter()
            .map(|p| p.label.as_str())
            .collect();
        assert_eq!(phases, ["1a", "1b", "2", "3"], "{kind:?}");
    }
}

#[test]
fn the_seed_written_with_real_tables_reads_as_its_text() {
    let Some(seed) = seed_text() else { return };
    for kind in [Kind::Docx, Kind::Odt] {
        assert_same_import(&document(kind, seed), seed, &format!("{kind:?}"));
    }
}

/// LibreOffice's `soffice`, or `None` (said loudly) when it is not installed; on CI it must be.
fn soffice() -> Option<&'static str> {
    match Command::new("soffice").arg("--version").output() {
        Ok(out) if out.status.success() => Some("soffice"),
        found => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI is set but LibreOffice's soffice does not run ({found:?}): .ci/run installs libreoffice-writer-nogui"
            );
            eprintln!(
                "SKIPPED: LibreOffice (soffice) is not installed; apt-get install libreoffice-writer-nogui to run this test"
            );
            None
        }
    }
}

#[test]
fn the_seed_converted_by_libreoffice_reads_as_its_text() {
    let Some(seed) = seed_text() else { return };
    let Some(soffice) = soffice() else { return };
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("seed.txt");
    std::fs::write(&source, seed).unwrap();
    // A profile of its own: parallel runs of soffice on one profile wait for each other or fail.
    let profile = format!(
        "-env:UserInstallation=file://{}",
        dir.path().join("profile").display()
    );
    for (format, kind) in [("docx", Kind::Docx), ("odt", Kind::Odt)] {
        let out = Command::new(soffice)
            .arg(&profile)
            .args(["--headless", "--norestore"])
            // UTF-8 text, each line a paragraph.
            .arg("--infilter=Text (encoded):UTF8,LF,,,")
            .args(["--convert-to", format, "--outdir"])
            .arg(dir.path())
            .arg(&source)
            .output()
            .unwrap();
        let converted = dir.path().join(format!("seed.{format}"));
        assert!(
            out.status.success() && converted.exists(),
            "soffice did not convert the seed to {format}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let bytes = std::fs::read(&converted).unwrap();
        assert_same_import(&bytes, seed, &format!("LibreOffice's {kind:?}"));
    }
}

fn no_panic(bytes: &[u8]) {
    // Ok or a refusal: both fine; a panic fails the test.
    if let Ok(imported) = import_office(bytes) {
        let json = serde_json::to_string(&imported.plan).unwrap();
        let _: domain::Plan = serde_json::from_str(&json).unwrap();
    }
}

/// Small real documents to cut and damage: stored (the damage reaches the XML) and deflated.
fn samples() -> &'static [Vec<u8>] {
    static SAMPLES: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    SAMPLES.get_or_init(|| {
        let mut out = Vec::new();
        for method in [CompressionMethod::Stored, CompressionMethod::Deflated] {
            out.push(document_with(Kind::Docx, CARD, method));
            out.push(document_with(Kind::Odt, CARD, method));
            out.push(odt_with(
                r#"<text:p>a<text:s text:c="3"/>b</text:p><table:table><table:table-row><table:table-cell table:number-columns-repeated="3"><text:p>x&amp;y</text:p></table:table-cell></table:table-row></table:table>"#,
                ODT_MIME,
                method,
            ));
            out.push(docx_with(
                r#"<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="3"/></w:tcPr><w:p><w:r><w:t>&#224;</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"#,
                method,
            ));
        }
        out
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        no_panic(&bytes);
        let mut zipped = b"PK\x03\x04".to_vec();
        zipped.extend_from_slice(&bytes);
        no_panic(&zipped);
    }

    #[test]
    fn real_documents_cut_anywhere(which in 0usize..8, cut in 0.0f64..1.0) {
        let doc = &samples()[which];
        no_panic(&doc[..(doc.len() as f64 * cut) as usize]);
    }

    #[test]
    fn real_documents_damaged(which in 0usize..8, damage in prop::collection::vec((0.0f64..1.0, any::<u8>()), 1..8)) {
        let mut doc = samples()[which].clone();
        for (at, byte) in damage {
            let i = ((doc.len() as f64 * at) as usize).min(doc.len() - 1);
            doc[i] = byte;
        }
        no_panic(&doc);
    }
}
