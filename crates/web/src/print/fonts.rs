//! The embedded typeface (DejaVu Sans, regular and bold): metrics for the layout, the glyphs a document uses, and
//! the PDF objects that embed a subset of each font as a CID-keyed TrueType font with a ToUnicode map.
//!
//! Text is shown with two-byte codes that are the glyph ids of the subset (Identity-H, CIDToGIDMap Identity); the
//! ToUnicode map turns each code back into its character, which is what `pdftotext` and copying read.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Finish, Name, Pdf, Rect, Ref, Str};
use subsetter::GlyphRemapper;
use ttf_parser::GlyphId;

use super::Font;

static REGULAR_TTF: &[u8] = include_bytes!("../../fonts/DejaVuSans.ttf");
static BOLD_TTF: &[u8] = include_bytes!("../../fonts/DejaVuSans-Bold.ttf");

/// The PDF resource name of a font on every page.
pub(super) fn resource(font: Font) -> &'static [u8] {
    match font {
        Font::Regular => b"F1",
        Font::Bold => b"F2",
    }
}

fn postscript_name(font: Font) -> &'static str {
    match font {
        Font::Regular => "DejaVuSans",
        Font::Bold => "DejaVuSans-Bold",
    }
}

/// A parsed font file. The files are checked in and parse; if one ever did not, text would still be laid out
/// (at half an em per character) and shown with the missing-glyph box rather than the service failing.
pub(super) struct Face {
    data: &'static [u8],
    face: Option<ttf_parser::Face<'static>>,
}

impl Face {
    pub(super) fn of(font: Font) -> &'static Face {
        static REGULAR: OnceLock<Face> = OnceLock::new();
        static BOLD: OnceLock<Face> = OnceLock::new();
        let (cell, data) = match font {
            Font::Regular => (&REGULAR, REGULAR_TTF),
            Font::Bold => (&BOLD, BOLD_TTF),
        };
        cell.get_or_init(|| Face { data, face: ttf_parser::Face::parse(data, 0).ok() })
    }

    fn units_per_em(&self) -> f32 {
        self.face.as_ref().map_or(1000.0, |f| f32::from(f.units_per_em()))
    }

    /// The font's glyph for a character; 0 (the missing-glyph box) when it has none.
    fn glyph(&self, c: char) -> u16 {
        self.face.as_ref().and_then(|f| f.glyph_index(c)).map_or(0, |g| g.0)
    }

    /// A glyph's advance width in em.
    fn advance(&self, glyph: u16) -> f32 {
        let units = self.face.as_ref().and_then(|f| f.glyph_hor_advance(GlyphId(glyph)));
        units.map_or(0.5, |u| f32::from(u) / self.units_per_em())
    }

    /// The width of `text` in em, without kerning (the PDF shows it without kerning too).
    pub(super) fn width(&self, text: &str) -> f32 {
        text.chars().map(|c| self.advance(self.glyph(c))).sum()
    }

    /// A font-wide metric in PDF glyph space (1/1000 em).
    fn metric(&self, value: impl Fn(&ttf_parser::Face<'static>) -> f32) -> f32 {
        self.face.as_ref().map_or(0.0, |f| value(f) * 1000.0 / self.units_per_em())
    }
}

/// The objects of one embedded font.
#[derive(Debug, Clone, Copy)]
pub(super) struct FontRefs {
    pub type0: Ref,
    cid: Ref,
    descriptor: Ref,
    to_unicode: Ref,
    file: Ref,
}

/// The characters each font shows in the document, and, once allocated, the subset's glyph numbering.
#[derive(Default)]
pub(super) struct FontSet {
    used: BTreeMap<Font, BTreeMap<char, u16>>,
    remappers: BTreeMap<Font, GlyphRemapper>,
}

impl FontSet {
    pub(super) fn use_text(&mut self, font: Font, text: &str) {
        let face = Face::of(font);
        let used = self.used.entry(font).or_default();
        for c in text.chars() {
            used.entry(c).or_insert_with(|| face.glyph(c));
        }
    }

    /// Numbers the objects of each font in use and fixes the subsets' glyph order (sorted by the original ids, so
    /// the numbering depends only on the characters used).
    pub(super) fn allocate(&mut self, mut next: impl FnMut() -> Ref) -> Vec<(Font, FontRefs)> {
        let mut refs = Vec::new();
        for (font, chars) in &self.used {
            let mut glyphs: Vec<u16> = chars.values().copied().collect();
            glyphs.sort_unstable();
            glyphs.dedup();
            self.remappers.insert(*font, GlyphRemapper::new_from_glyphs_sorted(&glyphs));
            refs.push((
                *font,
                FontRefs { type0: next(), cid: next(), descriptor: next(), to_unicode: next(), file: next() },
            ));
        }
        refs
    }

    /// `text` as the two-byte codes (the subset's glyph ids) the page shows.
    pub(super) fn encode(&self, font: Font, text: &str) -> Vec<u8> {
        let face = Face::of(font);
        let remapper = self.remappers.get(&font);
        text.chars().flat_map(|c| remapper.and_then(|r| r.get(face.glyph(c))).unwrap_or(0).to_be_bytes()).collect()
    }

    /// Writes each font: the Type 0 font, its CID font with the widths, the descriptor, the ToUnicode map and the
    /// subset font file.
    pub(super) fn write(&self, pdf: &mut Pdf, refs: &[(Font, FontRefs)]) {
        for (font, r) in refs {
            let (Some(remapper), Some(chars)) = (self.remappers.get(font), self.used.get(font)) else { continue };
            let face = Face::of(*font);
            // A font that does not subset is embedded whole: larger, but the text still prints as typed.
            let subset = subsetter::subset(face.data, 0, remapper).unwrap_or_else(|_| face.data.to_vec());
            let tag = subset_tag(remapper);
            let base = format!("{tag}+{}", postscript_name(*font));
            let base = Name(base.as_bytes());
            let system_info = SystemInfo { registry: Str(b"Adobe"), ordering: Str(b"Identity"), supplement: 0 };

            pdf.type0_font(r.type0)
                .base_font(base)
                .encoding_predefined(Name(b"Identity-H"))
                .descendant_font(r.cid)
                .to_unicode(r.to_unicode);

            let mut cid = pdf.cid_font(r.cid);
            cid.subtype(CidFontType::Type2).base_font(base).system_info(system_info).font_descriptor(r.descriptor);
            cid.default_width(0.0);
            cid.cid_to_gid_map_predefined(Name(b"Identity"));
            let widths: Vec<f32> = remapper.remapped_gids().map(|old| (face.advance(old) * 1000.0).round()).collect();
            cid.widths().consecutive(0, widths);
            cid.finish();

            let bbox = face.metric_rect();
            let mut descriptor = pdf.font_descriptor(r.descriptor);
            descriptor
                .name(base)
                .flags(FontFlags::NON_SYMBOLIC)
                .bbox(bbox)
                .italic_angle(0.0)
                .ascent(face.metric(|f| f32::from(f.ascender())))
                .descent(face.metric(|f| f32::from(f.descender())))
                .cap_height(face.metric(|f| f32::from(f.capital_height().unwrap_or(f.ascender()))))
                .stem_v(if *font == Font::Bold { 120.0 } else { 80.0 })
                .font_file2(r.file);
            descriptor.finish();

            let mut cmap = UnicodeCmap::new(Name(b"Custom"), system_info);
            for (c, old) in chars {
                if let Some(new) = remapper.get(*old).filter(|g| *g != 0) {
                    cmap.pair(new, *c);
                }
            }
            pdf.cmap(r.to_unicode, &cmap.finish());

            let length = subset.len() as i32;
            pdf.stream(r.file, &subset).pair(Name(b"Length1"), length);
        }
    }
}

impl Face {
    fn metric_rect(&self) -> Rect {
        let b = self.face.as_ref().map(|f| f.global_bounding_box());
        let scale = 1000.0 / self.units_per_em();
        b.map_or(Rect::new(0.0, 0.0, 1000.0, 1000.0), |b| {
            Rect::new(
                f32::from(b.x_min) * scale,
                f32::from(b.y_min) * scale,
                f32::from(b.x_max) * scale,
                f32::from(b.y_max) * scale,
            )
        })
    }
}

/// The six capital letters before a subset font's name (PDF 32000-1 §9.6.4), derived from the glyphs it holds
/// (FNV-1a), so that two documents with the same glyphs name the subset alike and no random tag enters the file.
fn subset_tag(remapper: &GlyphRemapper) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for glyph in remapper.remapped_gids() {
        for byte in glyph.to_be_bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    (0..6)
        .map(|i| {
            let letter = ((hash >> (i * 8)) % 26) as u8;
            char::from(b'A' + letter)
        })
        .collect()
}
