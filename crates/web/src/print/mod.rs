//! The one PDF writer of the printed documents (the REMS Patient Monitoring Form and the session record): US Letter
//! pages laid out as paragraphs, headed sections, label/value rows and tables, with the patient's name and birth date
//! in the header of every page and "page i of n" in the footer.
//!
//! Text is set in DejaVu Sans (`crates/web/fonts/`, with its licence), embedded as a subset holding only the glyphs
//! the document uses, with a ToUnicode map so that copying and `pdftotext` give back the characters as typed: any
//! Latin, Greek, Cyrillic or Vietnamese name prints correctly. The file is written with `pdf-writer`, the subset with
//! `subsetter` and the metrics read with `ttf-parser` (the typst project's crates). The output is deterministic: no
//! clock, no random ids (the creation date is a date of the document, and the subset tag is derived from the glyphs),
//! so the same document gives the same bytes.

mod fonts;

use pdf_writer::{Content, Date, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use fonts::{Face, FontSet};

const PAGE_WIDTH: f32 = 612.0;
const PAGE_HEIGHT: f32 = 792.0;
const MARGIN: f32 = 50.0;
/// The first line of the body sits below the header line.
const TOP: f32 = PAGE_HEIGHT - MARGIN - 22.0;
const BOTTOM: f32 = 64.0;
/// The width text may take between the margins.
pub const TEXT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;
pub const TEXT_SIZE: f32 = 9.5;
pub const LEADING: f32 = 12.0;

/// The two weights of the document's typeface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Font {
    Regular,
    Bold,
}

/// The width of `text` in points, from the font's own advance widths.
pub fn text_width(text: &str, font: Font, size: f32) -> f32 {
    Face::of(font).width(text) * size
}

/// Splits `text` into lines no wider than `width`, at spaces; a word longer than a line is cut.
pub fn wrap(text: &str, font: Font, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() { word.to_owned() } else { format!("{line} {word}") };
        if text_width(&candidate, font, size) <= width {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        let mut rest = word.to_owned();
        while text_width(&rest, font, size) > width && rest.chars().count() > 1 {
            let mut cut = rest.chars().count() - 1;
            while cut > 1 && text_width(&rest.chars().take(cut).collect::<String>(), font, size) > width {
                cut -= 1;
            }
            lines.push(rest.chars().take(cut).collect());
            rest = rest.chars().skip(cut).collect();
        }
        line = rest;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// One thing drawn on a page.
#[derive(Debug, Clone, PartialEq)]
enum Mark {
    Text { x: f32, y: f32, font: Font, size: f32, text: String },
    Rule { y: f32, gray: f32, width: f32 },
}

/// What every page carries and the document's metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// The document's title: the PDF's title and the footer's first words.
    pub title: String,
    /// The header of every page: the patient's name and birth date, so that no loose page is anonymous.
    pub header: String,
    /// A date of the document itself (never the clock), as the PDF's creation date.
    pub date: Option<time::Date>,
}

/// A document being laid out: pages of marks, top to bottom.
#[derive(Debug)]
pub struct Writer {
    frame: Frame,
    done: Vec<Vec<Mark>>,
    current: Vec<Mark>,
    y: f32,
}

/// A column of a table: its heading and its width in points.
#[derive(Debug, Clone, Copy)]
pub struct Column<'a> {
    pub heading: &'a str,
    pub width: f32,
}

impl Writer {
    pub fn new(frame: Frame) -> Self {
        Self { frame, done: Vec::new(), current: Vec::new(), y: TOP }
    }

    /// Starts a new page when fewer than `height` points are left.
    pub fn room(&mut self, height: f32) {
        if self.y - height < BOTTOM {
            self.done.push(std::mem::take(&mut self.current));
            self.y = TOP;
        }
    }

    /// Moves down by `points`.
    pub fn gap(&mut self, points: f32) {
        self.y -= points;
    }

    fn text(&mut self, x: f32, y: f32, font: Font, size: f32, text: &str) {
        // Control characters have no glyph; a space keeps the words apart.
        let text: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
        self.current.push(Mark::Text { x, y, font, size, text });
    }

    fn rule(&mut self, y: f32, gray: f32, width: f32) {
        self.current.push(Mark::Rule { y, gray, width });
    }

    /// Writes a paragraph across the page and moves down past it.
    pub fn paragraph(&mut self, text: &str, font: Font, size: f32) {
        for line in wrap(text, font, size, TEXT_WIDTH) {
            self.room(size + 3.0);
            self.y -= size + 3.0;
            self.text(MARGIN, self.y, font, size, &line);
        }
    }

    /// A section heading with a rule under it, kept on a page with at least a few lines after it.
    pub fn heading(&mut self, title: &str) {
        self.room(LEADING * 4.0);
        self.y -= 10.0;
        self.paragraph(title, Font::Bold, 12.0);
        self.y -= 2.0;
        self.rule(self.y, 0.0, 1.0);
    }

    /// A label on the left and its value lines on the right (`label_width` points for the label), with a light
    /// rule under the row.
    pub fn row(&mut self, label: &str, label_width: f32, values: &[(Font, String)]) {
        let value_x = MARGIN + label_width + 20.0;
        let value_width = PAGE_WIDTH - MARGIN - value_x;
        let labels = wrap(label, Font::Regular, TEXT_SIZE, label_width);
        let mut lines: Vec<(Font, String)> = Vec::new();
        for (font, value) in values {
            lines.extend(wrap(value, *font, TEXT_SIZE, value_width).into_iter().map(|l| (*font, l)));
        }
        let count = labels.len().max(lines.len()).max(1);
        let height = count as f32 * LEADING + 6.0;
        self.room(height);
        let top = self.y - LEADING;
        for (i, line) in labels.iter().enumerate() {
            self.text(MARGIN, top - i as f32 * LEADING, Font::Regular, TEXT_SIZE, line);
        }
        for (i, (font, line)) in lines.iter().enumerate() {
            self.text(value_x, top - i as f32 * LEADING, *font, TEXT_SIZE, line);
        }
        self.y -= height;
        self.rule(self.y + 2.0, 0.75, 0.5);
    }

    /// A table: bold headings (repeated on each new page), then one row per line of cells, each cell wrapped in its
    /// column.
    pub fn table(&mut self, columns: &[Column<'_>], rows: &[Vec<String>]) {
        let size = 8.5;
        let headings: Vec<String> = columns.iter().map(|c| c.heading.to_owned()).collect();
        self.table_row(columns, &headings, Font::Bold, size);
        for cells in rows {
            let before = self.done.len();
            let height = self.cells_height(columns, cells, size);
            self.room(height);
            if self.done.len() != before {
                self.table_row(columns, &headings, Font::Bold, size);
            }
            self.table_row(columns, cells, Font::Regular, size);
        }
    }

    fn cells_height(&self, columns: &[Column<'_>], cells: &[String], size: f32) -> f32 {
        let lines = columns
            .iter()
            .zip(cells)
            .map(|(c, text)| wrap(text, Font::Regular, size, c.width - 4.0).len())
            .max()
            .unwrap_or(1);
        lines as f32 * (size + 2.5) + 5.0
    }

    fn table_row(&mut self, columns: &[Column<'_>], cells: &[String], font: Font, size: f32) {
        let height = self.cells_height(columns, cells, size);
        self.room(height);
        let top = self.y - (size + 2.5);
        let mut x = MARGIN;
        for (column, text) in columns.iter().zip(cells) {
            for (i, line) in wrap(text, font, size, column.width - 4.0).iter().enumerate() {
                self.text(x, top - i as f32 * (size + 2.5), font, size, line);
            }
            x += column.width;
        }
        self.y -= height;
        let gray = if font == Font::Bold { 0.0 } else { 0.8 };
        self.rule(self.y + 2.0, gray, 0.5);
    }

    /// The PDF: every page with the header and the footer, the fonts subset to the glyphs used.
    pub fn finish(mut self) -> Vec<u8> {
        if !self.current.is_empty() || self.done.is_empty() {
            self.done.push(std::mem::take(&mut self.current));
        }
        let count = self.done.len();
        let frame = self.frame.clone();
        let mut pages = std::mem::take(&mut self.done);
        for (index, page) in pages.iter_mut().enumerate() {
            let header = wrap(&frame.header, Font::Bold, 9.0, TEXT_WIDTH).into_iter().next().unwrap_or_default();
            page.push(Mark::Text { x: MARGIN, y: PAGE_HEIGHT - MARGIN, font: Font::Bold, size: 9.0, text: header });
            page.push(Mark::Rule { y: PAGE_HEIGHT - MARGIN - 6.0, gray: 0.5, width: 0.5 });
            let footer = format!("{}, page {} of {count}", frame.title, index + 1);
            page.push(Mark::Text { x: MARGIN, y: 36.0, font: Font::Regular, size: 8.0, text: footer });
        }
        write(&frame, &pages)
    }
}

/// Object numbers, in the order they are written.
struct Ids(i32);

impl Ids {
    fn next(&mut self) -> Ref {
        self.0 += 1;
        Ref::new(self.0)
    }
}

fn write(frame: &Frame, pages: &[Vec<Mark>]) -> Vec<u8> {
    let mut fonts = FontSet::default();
    for mark in pages.iter().flatten() {
        if let Mark::Text { font, text, .. } = mark {
            fonts.use_text(*font, text);
        }
    }

    let mut ids = Ids(0);
    let catalog = ids.next();
    let tree = ids.next();
    let info = ids.next();
    let font_refs = fonts.allocate(|| ids.next());
    let page_refs: Vec<(Ref, Ref)> = pages.iter().map(|_| (ids.next(), ids.next())).collect();

    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids(page_refs.iter().map(|(page, _)| *page)).count(page_refs.len() as i32);
    let mut document_info = pdf.document_info(info);
    document_info.title(TextStr(&frame.title)).producer(TextStr("KetaPath"));
    if let Some(date) = frame.date {
        // A date of the document, so that the file does not depend on the clock.
        document_info.creation_date(Date::new(date.year() as u16).month(u8::from(date.month())).day(date.day()));
    }
    document_info.finish();
    fonts.write(&mut pdf, &font_refs);

    for (marks, (page_ref, content_ref)) in pages.iter().zip(&page_refs) {
        let mut page = pdf.page(*page_ref);
        page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT)).parent(tree).contents(*content_ref);
        let mut resources = page.resources();
        let mut names = resources.fonts();
        for (font, reference) in &font_refs {
            names.pair(Name(fonts::resource(*font)), reference.type0);
        }
        names.finish();
        resources.finish();
        page.finish();

        let mut content = Content::new();
        for mark in marks {
            match mark {
                Mark::Text { x, y, font, size, text } => {
                    content.begin_text();
                    content.set_font(Name(fonts::resource(*font)), *size);
                    content.next_line(*x, *y);
                    content.show(Str(&fonts.encode(*font, text)));
                    content.end_text();
                }
                Mark::Rule { y, gray, width } => {
                    content.set_stroke_gray(*gray);
                    content.set_line_width(*width);
                    content.move_to(MARGIN, *y);
                    content.line_to(PAGE_WIDTH - MARGIN, *y);
                    content.stroke();
                }
            }
        }
        pdf.stream(*content_ref, &content.finish());
    }
    pdf.finish()
}

/// A PDF as an HTTP answer: `application/pdf`, shown in the browser (`inline`) under `file_name` (made of ASCII
/// letters, digits, `-` and `.` by its callers, so the header needs no quoting), and `no-store` because it carries
/// patient data.
pub fn pdf_response(bytes: Vec<u8>, file_name: &str) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    use axum::response::IntoResponse;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(value) = HeaderValue::from_str(&format!("inline; filename=\"{file_name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// A date as MM/DD/YYYY, as the US paper forms print it.
pub fn us_date(date: time::Date) -> String {
    format!("{:02}/{:02}/{:04}", u8::from(date.month()), date.day(), date.year())
}

/// The header line every page carries: the patient's name and birth date.
pub fn patient_header(name: &str, birth_date: Option<time::Date>) -> String {
    match birth_date {
        Some(born) => format!("Patient: {name} · born {}", us_date(born)),
        None => format!("Patient: {name} · birth date not recorded"),
    }
}

#[cfg(test)]
pub(crate) mod test_text;

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn frame() -> Frame {
        Frame {
            title: "Test document".to_owned(),
            header: patient_header("Łukasz Żółć", Some(time::macros::date!(1980 - 02 - 29))),
            date: Some(time::macros::date!(2026 - 11 - 20)),
        }
    }

    #[test]
    fn lines_wrap_inside_their_column() {
        let text = "If there was not a 2-hour minimum monitoring requirement, when would this patient have been ready";
        let lines = wrap(text, Font::Regular, TEXT_SIZE, 300.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| text_width(l, Font::Regular, TEXT_SIZE) <= 300.0));
        assert_eq!(lines.join(" "), text);
        let long = "x".repeat(400);
        let cut = wrap(&long, Font::Regular, TEXT_SIZE, 50.0);
        assert_eq!(cut.concat(), long);
        assert!(cut.iter().all(|l| text_width(l, Font::Regular, TEXT_SIZE) <= 50.0));
    }

    #[test]
    fn every_page_names_the_patient_and_the_file_is_deterministic() {
        let mut writer = Writer::new(frame());
        for i in 0..120 {
            writer.row(&format!("Row {i}"), 200.0, &[(Font::Regular, "Nguyễn Thị Minh Khai".to_owned())]);
        }
        let bytes = writer.finish();
        let mut again = Writer::new(frame());
        for i in 0..120 {
            again.row(&format!("Row {i}"), 200.0, &[(Font::Regular, "Nguyễn Thị Minh Khai".to_owned())]);
        }
        assert_eq!(bytes, again.finish(), "two runs give the same bytes");
        assert!(bytes.starts_with(b"%PDF-"));
        let Some(pages) = test_text::pdf_pages(&bytes) else { return };
        assert!(pages.len() > 2, "{}", pages.len());
        for (index, page) in pages.iter().enumerate() {
            assert!(page.contains("Patient: Łukasz Żółć · born 02/29/1980"), "page {}: {page}", index + 1);
            assert!(page.contains(&format!("Test document, page {} of {}", index + 1, pages.len())), "{page}");
        }
        assert!(pages[0].contains("Nguyễn Thị Minh Khai"));
    }
}
