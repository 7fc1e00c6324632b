//! The Patient Monitoring Form as a PDF 1.4 file: US Letter pages in the built-in Helvetica fonts (no font file to
//! embed or license), one row per field, a `*` after every required label, and a flag on every missing field.
//!
//! Hand-written rather than through a PDF crate because the document is only text and lines: the writer is a page
//! of code and its output is deterministic (no random ids, no clock: the creation date is the treatment date), so a
//! test can compare two runs byte for byte. Text is WinAnsi-encoded, the encoding the built-in fonts carry:
//! characters outside it print as `?` ([`winansi_lossy`] shows what will be printed).

use std::fmt::Write as _;

use super::{FormDocument, Row, SUBMIT_NOTE, TITLE};

const PAGE_WIDTH: f32 = 612.0;
const PAGE_HEIGHT: f32 = 792.0;
const MARGIN: f32 = 50.0;
const LABEL_WIDTH: f32 = 300.0;
const VALUE_X: f32 = MARGIN + LABEL_WIDTH + 20.0;
const VALUE_WIDTH: f32 = PAGE_WIDTH - MARGIN - VALUE_X;
const BOTTOM: f32 = 64.0;
const TEXT_SIZE: f32 = 9.5;
const LEADING: f32 = 12.0;

/// Helvetica's advance widths for the printable ASCII characters, 1/1000 em (the font's AFM metrics).
const HELVETICA_WIDTHS: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // space to '/'
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // '0' to '?'
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // '@' to 'O'
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // 'P' to '_'
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // '`' to 'o'
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // 'p' to '~'
];

/// The fonts of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Font {
    Regular,
    Bold,
}

impl Font {
    fn resource(self) -> &'static str {
        match self {
            Font::Regular => "F1",
            Font::Bold => "F2",
        }
    }
}

/// The width of `text` in points. Bold is wider than regular by at most about 10 %; the margin keeps wrapped bold
/// lines inside their column.
fn text_width(text: &str, font: Font, size: f32) -> f32 {
    let units: u32 = text
        .chars()
        .map(|c| {
            let index = (c as u32).wrapping_sub(32) as usize;
            u32::from(HELVETICA_WIDTHS.get(index).copied().unwrap_or(556))
        })
        .sum();
    let scale = if font == Font::Bold { 1.1 } else { 1.0 };
    units as f32 * size / 1000.0 * scale
}

/// Splits `text` into lines no wider than `width`, at spaces; a word longer than a line is cut.
fn wrap(text: &str, font: Font, size: f32, width: f32) -> Vec<String> {
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

/// The WinAnsi byte of a character, if the encoding has it.
fn winansi(c: char) -> Option<u8> {
    let code = c as u32;
    let byte = match code {
        0x20..=0x7e | 0xa0..=0xff => code as u8,
        _ => match c {
            '\u{20ac}' => 0x80,
            '\u{201a}' => 0x82,
            '\u{0192}' => 0x83,
            '\u{201e}' => 0x84,
            '\u{2026}' => 0x85,
            '\u{2020}' => 0x86,
            '\u{2021}' => 0x87,
            '\u{02c6}' => 0x88,
            '\u{2030}' => 0x89,
            '\u{0160}' => 0x8a,
            '\u{2039}' => 0x8b,
            '\u{0152}' => 0x8c,
            '\u{017d}' => 0x8e,
            '\u{2018}' => 0x91,
            '\u{2019}' => 0x92,
            '\u{201c}' => 0x93,
            '\u{201d}' => 0x94,
            '\u{2022}' => 0x95,
            '\u{2013}' => 0x96,
            '\u{2014}' => 0x97,
            '\u{02dc}' => 0x98,
            '\u{2122}' => 0x99,
            '\u{0161}' => 0x9a,
            '\u{203a}' => 0x9b,
            '\u{0153}' => 0x9c,
            '\u{017e}' => 0x9e,
            '\u{0178}' => 0x9f,
            _ => return None,
        },
    };
    Some(byte)
}

/// `text` as the PDF will print it: every character outside WinAnsi becomes `?`, control characters a space.
pub fn winansi_lossy(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                ' '
            } else if winansi(c).is_some() {
                c
            } else {
                '?'
            }
        })
        .collect()
}

/// `text` as a PDF string literal: WinAnsi bytes, with `\`, `(` and `)` escaped and every byte outside printable
/// ASCII written in octal, so the file stays 7-bit.
fn literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('(');
    for c in winansi_lossy(text).chars() {
        let byte = winansi(c).unwrap_or(b'?');
        match byte {
            b'\\' | b'(' | b')' => {
                out.push('\\');
                out.push(char::from(byte));
            }
            0x20..=0x7e => out.push(char::from(byte)),
            _ => {
                let _ = write!(out, "\\{byte:03o}");
            }
        }
    }
    out.push(')');
    out
}

/// Content streams of the pages being laid out.
struct Pages {
    done: Vec<String>,
    current: String,
    y: f32,
}

impl Pages {
    fn new() -> Self {
        Self { done: Vec::new(), current: String::new(), y: PAGE_HEIGHT - MARGIN }
    }

    /// Starts a new page when fewer than `height` points are left.
    fn room(&mut self, height: f32) {
        if self.y - height < BOTTOM {
            self.done.push(std::mem::take(&mut self.current));
            self.y = PAGE_HEIGHT - MARGIN;
        }
    }

    fn text(&mut self, x: f32, y: f32, font: Font, size: f32, text: &str) {
        let _ = writeln!(self.current, "BT /{} {size:.1} Tf {x:.1} {y:.1} Td {} Tj ET", font.resource(), literal(text));
    }

    fn rule(&mut self, y: f32, gray: f32, width: f32) {
        let _ = writeln!(
            self.current,
            "{gray:.2} G {width:.1} w {MARGIN:.1} {y:.1} m {:.1} {y:.1} l S",
            PAGE_WIDTH - MARGIN
        );
    }

    /// Writes a paragraph across the page and moves down past it.
    fn paragraph(&mut self, text: &str, font: Font, size: f32) {
        for line in wrap(text, font, size, PAGE_WIDTH - 2.0 * MARGIN) {
            self.room(size + 3.0);
            self.y -= size + 3.0;
            self.text(MARGIN, self.y, font, size, &line);
        }
    }

    fn row(&mut self, row: &Row) {
        let label = if row.required { format!("{} *", row.label) } else { row.label.clone() };
        let labels = wrap(&label, Font::Regular, TEXT_SIZE, LABEL_WIDTH);
        let mut values: Vec<(Font, String)> = Vec::new();
        if !row.value.is_empty() {
            values.extend(wrap(&row.value, Font::Regular, 10.0, VALUE_WIDTH).into_iter().map(|l| (Font::Regular, l)));
        }
        if let Some(problem) = &row.problem {
            let flag = format!("MISSING: {problem}");
            values.extend(wrap(&flag, Font::Bold, TEXT_SIZE, VALUE_WIDTH).into_iter().map(|l| (Font::Bold, l)));
        }
        let lines = labels.len().max(values.len()).max(1);
        let height = lines as f32 * LEADING + 6.0;
        self.room(height);
        let top = self.y - LEADING;
        for (i, line) in labels.iter().enumerate() {
            self.text(MARGIN, top - i as f32 * LEADING, Font::Regular, TEXT_SIZE, line);
        }
        for (i, (font, line)) in values.iter().enumerate() {
            let size = if *font == Font::Bold { TEXT_SIZE } else { 10.0 };
            self.text(VALUE_X, top - i as f32 * LEADING, *font, size, line);
        }
        self.y -= height;
        self.rule(self.y + 2.0, 0.75, 0.5);
    }

    fn finish(mut self) -> Vec<String> {
        if !self.current.is_empty() || self.done.is_empty() {
            self.done.push(self.current);
        }
        self.done
    }
}

/// Lays the document out into page content streams (without their footers).
fn layout(document: &FormDocument) -> Vec<String> {
    let mut pages = Pages::new();
    pages.paragraph(TITLE, Font::Bold, 16.0);
    pages.y -= 4.0;
    pages.paragraph(SUBMIT_NOTE, Font::Regular, 9.0);
    pages.paragraph("Fields marked * are required.", Font::Regular, 9.0);
    pages.y -= 4.0;
    let status = if document.complete {
        "Every required field is complete: this form can be submitted.".to_owned()
    } else {
        format!(
            "NOT READY TO SUBMIT: {} required field(s) missing or inconsistent, marked MISSING below.",
            document.problem_count()
        )
    };
    pages.paragraph(&status, Font::Bold, 10.0);
    for problem in &document.other_problems {
        pages.paragraph(&format!("MISSING: {problem}"), Font::Bold, TEXT_SIZE);
    }
    for section in &document.sections {
        pages.room(LEADING * 4.0);
        pages.y -= 10.0;
        pages.paragraph(&section.title, Font::Bold, 12.0);
        pages.y -= 2.0;
        pages.rule(pages.y, 0.0, 1.0);
        for row in &section.rows {
            pages.row(row);
        }
    }
    pages.finish()
}

/// The treatment date as YYYYMMDD, from the document's MM/DD/YYYY.
fn iso_digits(document: &FormDocument) -> Option<String> {
    let digits: String = document.treatment_date.as_deref()?.chars().filter(char::is_ascii_digit).collect();
    (digits.len() == 8).then(|| format!("{}{}{}", &digits[4..], &digits[..2], &digits[2..4]))
}

/// The PDF of the form: deterministic bytes (the same document gives the same file).
pub fn pdf(document: &FormDocument) -> Vec<u8> {
    let pages = layout(document);
    let count = pages.len();
    // Objects: 1 catalog, 2 page tree, 3 and 4 fonts, 5 info, then a page and its content stream per page.
    let mut objects: Vec<String> = Vec::with_capacity(5 + 2 * count);
    let kids: Vec<String> = (0..count).map(|i| format!("{} 0 R", 6 + 2 * i)).collect();
    objects.push("<< /Type /Catalog /Pages 2 0 R >>".to_owned());
    objects.push(format!("<< /Type /Pages /Kids [{}] /Count {count} >>", kids.join(" ")));
    for name in ["Helvetica", "Helvetica-Bold"] {
        objects.push(format!("<< /Type /Font /Subtype /Type1 /BaseFont /{name} /Encoding /WinAnsiEncoding >>"));
    }
    let mut info = format!("<< /Title {} /Producer (KetaPath)", literal(TITLE));
    if let Some(date) = iso_digits(document) {
        // The form's own date, so the file does not depend on the clock.
        let _ = write!(info, " /CreationDate (D:{date}000000Z)");
    }
    info.push_str(" >>");
    objects.push(info);
    for (index, mut content) in pages.into_iter().enumerate() {
        let footer = format!("{TITLE}, page {} of {count}", index + 1);
        let _ = writeln!(content, "BT /F1 8.0 Tf {MARGIN:.1} 36.0 Td {} Tj ET", literal(&footer));
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH:.0} {PAGE_HEIGHT:.0}] \
             /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {} 0 R >>",
            7 + 2 * index
        ));
        objects.push(format!("<< /Length {} >>\nstream\n{content}endstream", content.len()));
    }

    // A binary comment line after the header tells transfer programs the file is not plain text.
    let mut out = String::from("%PDF-1.4\n");
    let mut bytes: Vec<u8> = Vec::new();
    bytes.extend_from_slice(out.as_bytes());
    bytes.extend_from_slice(b"%\xe2\xe3\xcf\xd3\n");
    out.clear();
    let mut offsets = Vec::with_capacity(objects.len());
    for (index, object) in objects.iter().enumerate() {
        offsets.push(bytes.len());
        bytes.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", index + 1).as_bytes());
    }
    let xref = bytes.len();
    let _ = write!(out, "xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for offset in offsets {
        let _ = writeln!(out, "{offset:010} 00000 n ");
    }
    let _ =
        write!(out, "trailer\n<< /Size {} /Root 1 0 R /Info 5 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1);
    bytes.extend_from_slice(out.as_bytes());
    bytes
}

/// The PDF as an HTTP answer: `application/pdf`, shown in the browser (`inline`) under a file name made of the
/// treatment date, and `no-store` because it carries patient data.
pub fn pdf_response(document: &FormDocument) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    use axum::response::IntoResponse;
    // Only digits go into the file name (the treatment date as YYYYMMDD): the header needs no quoting.
    let name = match iso_digits(document) {
        Some(date) => format!("rems-pmf-{date}.pdf"),
        None => "rems-pmf.pdf".to_owned(),
    };
    let mut response = pdf(document).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(value) = HeaderValue::from_str(&format!("inline; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::rems_doc::fixtures;

    #[test]
    fn text_is_escaped_and_encoded_as_winansi() {
        assert_eq!(literal(r"a(b)c\d"), r"(a\(b\)c\\d)");
        assert_eq!(literal("Ríos – é"), r"(R\355os \226 \351)");
        assert_eq!(literal("Łukasz\n"), "(?ukasz )");
        assert_eq!(winansi_lossy("SPRAVATO\u{ae} 😀"), "SPRAVATO\u{ae} ?");
    }

    #[test]
    fn lines_wrap_inside_their_column() {
        let text = "If there was not a 2-hour minimum monitoring requirement, when would this patient have been ready";
        let lines = wrap(text, Font::Regular, TEXT_SIZE, LABEL_WIDTH);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| text_width(l, Font::Regular, TEXT_SIZE) <= LABEL_WIDTH));
        assert_eq!(lines.join(" "), text);
        let long = "x".repeat(400);
        let cut = wrap(&long, Font::Regular, TEXT_SIZE, 50.0);
        assert_eq!(cut.concat(), long);
        assert!(cut.iter().all(|l| text_width(l, Font::Regular, TEXT_SIZE) <= 50.0));
    }

    #[test]
    fn the_file_is_deterministic_and_its_cross_reference_table_points_at_each_object() {
        let document = FormDocument::report(&fixtures::incomplete());
        let bytes = pdf(&document);
        assert_eq!(bytes, pdf(&document));
        assert!(bytes.starts_with(b"%PDF-1.4\n"));
        assert!(bytes.ends_with(b"%%EOF\n"));
        let tail = |from: usize| std::str::from_utf8(&bytes[from..]).unwrap();
        let start = bytes.windows(10).rposition(|w| w == b"startxref\n").unwrap();
        let startxref: usize = tail(start + 10).lines().next().unwrap().parse().unwrap();
        assert!(tail(startxref).starts_with("xref\n"));
        let entries: Vec<usize> = tail(startxref)
            .lines()
            .skip(3)
            .take_while(|l| l.ends_with(" n "))
            .map(|l| l[..10].parse().unwrap())
            .collect();
        for (index, offset) in entries.iter().enumerate() {
            let expected = format!("{} 0 obj", index + 1);
            assert!(bytes[*offset..].starts_with(expected.as_bytes()), "{expected}");
        }
        let info = tail(entries[4]);
        assert!(
            info.starts_with(
                "5 0 obj\n<< /Title (SPRAVATO\\256 REMS Patient Monitoring Form) /Producer (KetaPath) \
                                  /CreationDate (D:20261120000000Z) >>"
            ),
            "{info}"
        );
        assert!(entries.len() >= 7, "at least one page: {}", entries.len());

        let response = pdf_response(&document);
        let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        assert_eq!(header("content-type").as_deref(), Some("application/pdf"));
        assert_eq!(header("cache-control").as_deref(), Some("no-store"));
        assert_eq!(header("content-disposition").as_deref(), Some("inline; filename=\"rems-pmf-20261120.pdf\""));
    }
}
