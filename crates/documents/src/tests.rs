//! Each format holds the document's words; the PDF says it is PDF/A-2 in its metadata.

#![allow(clippy::unwrap_used)]

use std::io::Read;

use chrono::NaiveDate;
use report::document::{Column, Document};

use super::{Format, render};

fn sample() -> Document {
    let mut doc = Document::new(
        "Relazione sulla performance 2021",
        "Comune di Prova",
        NaiveDate::from_ymd_opt(2022, 6, 30).unwrap(),
    );
    doc.subtitle = Some("Piano della Performance 2021-2023".into());
    doc.contents = true;
    doc.heading(1, "Settore Ragioneria")
        .fields(vec![(
            "Finalità strategiche",
            "Conti in ordine «sempre» & #subito".into(),
        )])
        .table(
            "Fasi dell'obiettivo A",
            vec![
                Column::text("Fase"),
                Column::text("Descrizione"),
                Column::number("Incidenza %"),
            ],
            vec![
                vec!["1".into(), "Analisi $ dei [dati]".into(), "40".into()],
                vec![
                    "2".into(),
                    "Relazione finale\nsu due righe".into(),
                    "60".into(),
                ],
            ],
        )
        .page_break()
        .heading(2, "Obiettivo B: un altro")
        .paragraph("Scostamento −12,5 giorni.");
    doc
}

fn unzip(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut file = zip.by_name(name).unwrap();
    let mut text = String::new();
    file.read_to_string(&mut text).unwrap();
    text
}

#[test]
fn the_pdf_is_pdf_a_and_holds_its_metadata() {
    let pdf = render(&sample(), Format::Pdf).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let text = String::from_utf8_lossy(&pdf);
    // The XMP metadata names the PDF/A part and conformance, and the title.
    assert!(text.contains("pdfaid:part"), "no PDF/A identification");
    assert!(text.contains("Relazione sulla performance 2021"));
    assert!(text.contains("OutputIntent"), "no output intent");
}

#[test]
fn the_docx_has_headings_a_table_of_contents_and_every_word() {
    let docx = render(&sample(), Format::Docx).unwrap();
    let body = unzip(&docx, "word/document.xml");
    for words in [
        "Settore Ragioneria",
        "Conti in ordine «sempre» &amp; #subito",
        "Analisi $ dei [dati]",
        "Scostamento −12,5 giorni.",
        "Heading1",
        "TOC",
    ] {
        assert!(body.contains(words), "{words} missing");
    }
    assert!(unzip(&docx, "word/styles.xml").contains("Heading 1"));
}

#[test]
fn the_workbook_has_the_document_and_a_sheet_per_kind_of_table() {
    let xlsx = render(&sample(), Format::Xlsx).unwrap();
    let book = unzip(&xlsx, "xl/workbook.xml");
    assert!(
        book.contains("Documento") && book.contains("Fasi dell"),
        "{book}"
    );
    let strings = unzip(&xlsx, "xl/sharedStrings.xml");
    assert!(strings.contains("Analisi $ dei [dati]") && strings.contains("Settore Ragioneria"));
}

/// The sample with an emblem: a 300 × 150 picture with a transparent border.
fn with_emblem() -> Document {
    let picture = image::DynamicImage::ImageRgba8(image::ImageBuffer::from_fn(300, 150, |x, y| {
        let inside = (10..290).contains(&x) && (10..140).contains(&y);
        image::Rgba([200, 30, 30, if inside { 255 } else { 0 }])
    }));
    let mut png = std::io::Cursor::new(Vec::new());
    picture.write_to(&mut png, image::ImageFormat::Png).unwrap();
    let mut doc = sample();
    doc.emblem = Some(report::emblem::read(&png.into_inner()).unwrap());
    doc
}

#[test]
fn the_emblem_is_in_every_format_and_only_when_there_is_one() {
    let doc = with_emblem();
    let pdf = render(&doc, Format::Pdf).unwrap();
    let plain = render(&sample(), Format::Pdf).unwrap();
    let images = |pdf: &[u8]| {
        String::from_utf8_lossy(pdf)
            .matches("/Subtype /Image")
            .count()
    };
    assert!(images(&pdf) > 0, "no image in the PDF");
    assert_eq!(images(&plain), 0);
    assert!(String::from_utf8_lossy(&pdf).contains("pdfaid:part"));

    let docx = render(&doc, Format::Docx).unwrap();
    let body = unzip(&docx, "word/document.xml");
    assert!(
        body.contains("<w:drawing>") || body.contains("<w:drawing "),
        "no picture"
    );
    // 2 cm high, twice as wide: the picture's proportions.
    assert!(body.contains(r#"cx="1440000" cy="720000""#), "{body}");
    let zip = zip::ZipArchive::new(std::io::Cursor::new(&docx)).unwrap();
    assert!(
        zip.file_names()
            .any(|n| n.is_ok_and(|n| n.starts_with("word/media/")))
    );
    let plain = render(&sample(), Format::Docx).unwrap();
    assert!(!unzip(&plain, "word/document.xml").contains("<w:drawing"));

    let xlsx = render(&doc, Format::Xlsx).unwrap();
    let zip = zip::ZipArchive::new(std::io::Cursor::new(&xlsx)).unwrap();
    assert!(
        zip.file_names()
            .any(|n| n.is_ok_and(|n| n.starts_with("xl/media/")))
    );
    assert!(
        unzip(&xlsx, "xl/worksheets/sheet1.xml").contains("&amp;[Picture]")
            || unzip(&xlsx, "xl/worksheets/sheet1.xml").contains("&amp;G")
    );
}

#[test]
fn formats_are_named_by_their_extension() {
    for f in [Format::Pdf, Format::Docx, Format::Xlsx] {
        assert_eq!(Format::parse(f.extension()), Some(f));
    }
    assert_eq!(Format::parse("odt"), None);
}

#[test]
fn columns_share_the_width_by_what_they_hold() {
    use super::pdf::data;
    let mut doc = sample();
    doc.table(
        "Solo testo lungo",
        vec![Column::wide("Descrizione")],
        vec![vec!["Una riga sola, tutta la larghezza.".into()]],
    );
    let d = data(&doc);
    let tables: Vec<&serde_json::Value> = d["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["kind"] == "table")
        .collect();
    let widths = |t: &serde_json::Value| -> Vec<u64> {
        t["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["width"].as_u64().unwrap())
            .collect()
    };
    // «Fase» holds one digit: its heading's word («Fase», 4); the description its longest
    // line («Analisi $ dei [dati]», 20: a line break splits the other); «Incidenza %» two
    // digits: its heading's longest word («Incidenza», 9).
    assert_eq!(widths(tables[0]), vec![4, 20, 9]);
    // A table of long text only: no column beside it, and it still typesets.
    assert_eq!(widths(tables[1]), Vec::<u64>::new());
    assert!(render(&doc, Format::Pdf).unwrap().starts_with(b"%PDF-"));
}

#[test]
fn text_no_font_can_show_still_makes_a_pdf_a() {
    let mut doc = sample();
    doc.paragraph("Razzo 🚀, ideogrammi 中文, pupazzo ☃, privato \u{E000}, fine.");
    let pdf = render(&doc, Format::Pdf);
    assert!(pdf.is_ok(), "{pdf:?}");
    // What a font has stays as written; the rest becomes «?».
    let mut data = super::pdf::data(&doc);
    super::pdf::printable_texts(&mut data);
    let last = data["blocks"].as_array().unwrap().last().unwrap()["text"].clone();
    assert_eq!(last, "Razzo ?, ideogrammi ??, pupazzo ☃, privato ?, fine.");
    // The other formats keep every character: Word and LibreOffice find a font themselves.
    let docx = render(&doc, Format::Docx).unwrap();
    assert!(unzip(&docx, "word/document.xml").contains("Razzo 🚀, ideogrammi 中文"));
}
