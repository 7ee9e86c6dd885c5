//! The demonstration's evidence files: one-page PDF minutes, as a scanned document would be.

/// A one-page PDF of `lines` (wrapped at 90 characters), as a scanned minute would be.
pub(super) fn pdf(lines: &[String]) -> Vec<u8> {
    use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};
    let (catalog, tree, page_id, font, content_id) = (
        Ref::new(1),
        Ref::new(2),
        Ref::new(3),
        Ref::new(4),
        Ref::new(5),
    );
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids([page_id]).count(1);
    let mut page = pdf.page(page_id);
    page.media_box(Rect::new(0.0, 0.0, 595.0, 842.0));
    page.parent(tree);
    page.contents(content_id);
    page.resources().fonts().pair(Name(b"F1"), font);
    page.finish();
    pdf.type1_font(font)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    let mut content = Content::new();
    content.begin_text();
    content.set_font(Name(b"F1"), 11.0);
    content.set_leading(16.0);
    content.next_line(64.0, 770.0);
    for line in lines {
        let mut row = String::new();
        for word in line.split_whitespace() {
            if row.chars().count() + word.chars().count() > 90 {
                content.show(Str(&latin1(&row)));
                content.next_line_using_leading();
                row.clear();
            }
            if !row.is_empty() {
                row.push(' ');
            }
            row.push_str(word);
        }
        content.show(Str(&latin1(&row)));
        content.next_line_using_leading();
        content.next_line_using_leading();
    }
    content.end_text();
    pdf.stream(content_id, &content.finish());
    pdf.finish()
}

/// Text in the font's Western encoding: Italian letters as they are, anything else as `?`.
fn latin1(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '’' | '‘' => b'\'',
            '–' | '—' => b'-',
            c => u8::try_from(u32::from(c)).unwrap_or(b'?'),
        })
        .collect()
}
