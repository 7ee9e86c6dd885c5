//! DOCX with `docx-rs`: the title, a table of contents field (Word and LibreOffice fill it
//! when asked to update fields) for documents that have one, headings in the «Heading N»
//! styles, label and value pairs as paragraphs, tables with a bold header row and numbers
//! aligned right, page breaks, «Pagina N di M» in the footer, and the administration's emblem
//! above its name.

use std::io::Cursor;

use docx_rs::{
    AlignmentType, BreakType, Docx, Footer, Header, NumPages, PageNum, Paragraph, Pic, Run, Style,
    StyleType, Table, TableCell, TableOfContents, TableRow,
};
use report::document::{Block, Document};

/// A run of text whose line breaks stay line breaks.
fn text_run(text: &str) -> Run {
    let mut run = Run::new();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            run = run.add_break(BreakType::TextWrapping);
        }
        run = run.add_text(line);
    }
    run
}

fn heading_style(level: u8, size: usize) -> Style {
    Style::new(format!("Heading{level}"), StyleType::Paragraph)
        .name(format!("Heading {level}"))
        .size(size)
        .bold()
        .outline_lvl(usize::from(level.saturating_sub(1)))
}

fn cell(text: &str, right: bool, bold: bool) -> TableCell {
    let mut run = text_run(text);
    if bold {
        run = run.bold();
    }
    let mut p = Paragraph::new().add_run(run);
    if right {
        p = p.align(AlignmentType::Right);
    }
    TableCell::new().add_paragraph(p)
}

pub(crate) fn docx(doc: &Document) -> Result<Vec<u8>, String> {
    let mut d = Docx::new()
        .add_style(
            Style::new("Title", StyleType::Paragraph)
                .name("Title")
                .size(36)
                .bold(),
        )
        .add_style(heading_style(1, 28))
        .add_style(heading_style(2, 24))
        .add_style(heading_style(3, 22))
        .add_style(
            Style::new("Caption", StyleType::Paragraph)
                .name("caption")
                .italic(),
        )
        .header(
            Header::new().add_paragraph(
                Paragraph::new().add_run(
                    Run::new()
                        .add_text(format!("{} — {}", doc.entity, doc.title))
                        .size(16),
                ),
            ),
        )
        .footer(
            Footer::new().add_paragraph(
                Paragraph::new()
                    .align(AlignmentType::Center)
                    .add_run(Run::new().add_text("Pagina ").size(16))
                    .add_page_num(PageNum::new())
                    .add_run(Run::new().add_text(" di ").size(16))
                    .add_num_pages(NumPages::new()),
            ),
        )
        .created_at(&format!("{}T00:00:00Z", doc.date.format("%Y-%m-%d")));
    if let Some(emblem) = &doc.emblem {
        // 2 cm high (English Metric Units: 360,000 a centimetre), its proportions kept.
        let height: u32 = 720_000;
        let width = u32::try_from(
            u64::from(height) * u64::from(emblem.width) / u64::from(emblem.height.max(1)),
        )
        .unwrap_or(height);
        let pic = Pic::new_with_dimensions(emblem.png.clone(), emblem.width, emblem.height)
            .size(width, height);
        d = d.add_paragraph(Paragraph::new().add_run(Run::new().add_image(pic)));
    }
    d = d
        .add_paragraph(Paragraph::new().add_run(Run::new().add_text(doc.entity.to_uppercase())))
        .add_paragraph(
            Paragraph::new()
                .style("Title")
                .add_run(Run::new().add_text(&doc.title)),
        );
    if let Some(sub) = &doc.subtitle {
        d = d.add_paragraph(Paragraph::new().add_run(text_run(sub)));
    }
    d = d.add_paragraph(
        Paragraph::new().add_run(Run::new().add_text(report::document::date(doc.date))),
    );
    if doc.contents {
        d = d
            .add_paragraph(Paragraph::new().add_run(Run::new().add_text("Indice").bold().size(28)))
            .add_table_of_contents(TableOfContents::new().heading_styles_range(1, 2).auto())
            .add_paragraph(Paragraph::new().add_run(Run::new().add_break(BreakType::Page)));
    }
    for b in &doc.blocks {
        d = match b {
            Block::Heading { level, text } => d.add_paragraph(
                Paragraph::new()
                    .style(&format!("Heading{}", level.clamp(&1, &3)))
                    .add_run(text_run(text)),
            ),
            Block::Paragraph(text) => d.add_paragraph(Paragraph::new().add_run(text_run(text))),
            Block::Fields(fields) => fields.iter().fold(d, |d, (label, value)| {
                d.add_paragraph(
                    Paragraph::new()
                        .add_run(Run::new().add_text(format!("{label}: ")).bold())
                        .add_run(text_run(value)),
                )
            }),
            Block::Table {
                caption,
                columns,
                rows,
            } => {
                let header = TableRow::new(
                    columns
                        .iter()
                        .map(|c| cell(&c.name, c.numeric, true))
                        .collect(),
                );
                let body = rows.iter().map(|r| {
                    TableRow::new(
                        columns
                            .iter()
                            .enumerate()
                            .map(|(i, c)| {
                                cell(r.get(i).map_or("", String::as_str), c.numeric, false)
                            })
                            .collect(),
                    )
                });
                d.add_paragraph(
                    Paragraph::new()
                        .style("Caption")
                        .add_run(Run::new().add_text(caption)),
                )
                .add_table(Table::new(std::iter::once(header).chain(body).collect()))
            }
            Block::PageBreak => {
                d.add_paragraph(Paragraph::new().add_run(Run::new().add_break(BreakType::Page)))
            }
        };
    }
    let mut out = Cursor::new(Vec::new());
    d.build()
        .pack(&mut out)
        .map_err(|e| format!("DOCX packing failed: {e}"))?;
    Ok(out.into_inner())
}
