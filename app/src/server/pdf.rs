//! A document (`domain::document`) laid out on A4 pages and written as a
//! PDF: the standard Helvetica fonts (every PDF reader has them, so nothing
//! is embedded), text wrapped to the page, and on every page a footer with
//! the verification code, the fingerprint and where to check them.
//!
//! The file is plain PDF 1.4 with uncompressed page streams (the server
//! compresses the answer on the wire). Text is encoded as WinAnsi: English
//! text, the pound sign, curly quotes and dashes print as typed; a
//! character outside that set prints as "?".

use crate::domain::document::{Block, Document};

const PAGE_WIDTH: f32 = 595.0;
const PAGE_HEIGHT: f32 = 842.0;
const MARGIN: f32 = 56.0;
const BODY_SIZE: f32 = 10.5;
const LEADING: f32 = 14.0;
const FOOTER_SIZE: f32 = 8.0;
/// Room kept at the bottom of each page for the footer.
const FOOTER_ROOM: f32 = 40.0;
const FACT_LABEL_WIDTH: f32 = 120.0;

/// Helvetica's advance widths (thousandths of the font size) for
/// characters 32 to 126; Helvetica-Bold is a little wider, allowed for.
const HELVETICA_WIDTHS: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

#[derive(Debug, Clone, Copy, PartialEq)]
enum Font {
    Regular,
    Bold,
}

impl Font {
    fn resource(self) -> &'static str {
        match self {
            Font::Regular => "/F1",
            Font::Bold => "/F2",
        }
    }
}

/// One line of text placed on a page.
#[derive(Debug, Clone, PartialEq)]
struct Placed {
    x: f32,
    y: f32,
    size: f32,
    font: Font,
    text: String,
}

/// The width of `text` in points.
fn width(text: &str, size: f32, font: Font) -> f32 {
    let units: u32 = text
        .chars()
        .map(|c| match c as u32 {
            code @ 32..=126 => u32::from(HELVETICA_WIDTHS[(code - 32) as usize]),
            _ => 600,
        })
        .sum();
    let bold = if font == Font::Bold { 1.08 } else { 1.0 };
    units as f32 * size / 1000.0 * bold
}

/// `text` broken into lines no wider than `room`; a word longer than a
/// line is broken where it must be. Line breaks in the text are kept.
fn wrap(text: &str, size: f32, font: Font, room: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if width(&candidate, size, font) <= room {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // A word wider than the line: cut it into pieces that fit.
            let mut piece = String::new();
            for c in word.chars() {
                piece.push(c);
                if width(&piece, size, font) > room {
                    piece.pop();
                    lines.push(std::mem::take(&mut piece));
                    piece.push(c);
                }
            }
            line = piece;
        }
        lines.push(line);
    }
    lines
}

/// Pages filled from the top, a new one begun when a line would reach the
/// footer.
struct Layout {
    pages: Vec<Vec<Placed>>,
    y: f32,
}

impl Layout {
    fn new() -> Layout {
        Layout {
            pages: vec![Vec::new()],
            y: PAGE_HEIGHT - MARGIN,
        }
    }

    /// Places a line `gap` below the last; returns its baseline.
    fn place(&mut self, x: f32, size: f32, font: Font, text: String, gap: f32) -> f32 {
        if self.y - gap < MARGIN + FOOTER_ROOM {
            self.pages.push(Vec::new());
            self.y = PAGE_HEIGHT - MARGIN;
        }
        self.y -= gap;
        let y = self.y;
        self.beside(x, y, size, font, text);
        y
    }

    /// Places text on the current page at a baseline already used.
    fn beside(&mut self, x: f32, y: f32, size: f32, font: Font, text: String) {
        self.pages.last_mut().expect("a page").push(Placed {
            x,
            y,
            size,
            font,
            text,
        });
    }
}

/// Lays the blocks out on as many pages as they need.
fn lay_out(document: &Document) -> Vec<Vec<Placed>> {
    let text_width = PAGE_WIDTH - 2.0 * MARGIN;
    let mut layout = Layout::new();
    for block in &document.blocks {
        match block {
            Block::Title(text) => {
                for line in wrap(text, 16.0, Font::Bold, text_width) {
                    layout.place(MARGIN, 16.0, Font::Bold, line, 20.0);
                }
                layout.y -= 6.0;
            }
            Block::Heading(text) => {
                layout.y -= 8.0;
                for line in wrap(text, 12.0, Font::Bold, text_width) {
                    layout.place(MARGIN, 12.0, Font::Bold, line, 16.0);
                }
            }
            Block::Fact(label, value) => {
                let value_x = MARGIN + FACT_LABEL_WIDTH;
                let lines = wrap(
                    value,
                    BODY_SIZE,
                    Font::Regular,
                    text_width - FACT_LABEL_WIDTH,
                );
                for (at, line) in lines.into_iter().enumerate() {
                    let y = layout.place(value_x, BODY_SIZE, Font::Regular, line, LEADING);
                    if at == 0 {
                        layout.beside(MARGIN, y, BODY_SIZE, Font::Bold, label.clone());
                    }
                }
            }
            Block::Text(text) => {
                for line in wrap(text, BODY_SIZE, Font::Regular, text_width) {
                    layout.place(MARGIN, BODY_SIZE, Font::Regular, line, LEADING);
                }
                layout.y -= 4.0;
            }
        }
    }
    layout.pages
}

/// One character as a WinAnsi byte, or `?` when it has none.
fn win_ansi(c: char) -> u8 {
    match c {
        ' '..='~' => c as u8,
        '\u{a0}'..='\u{ff}' => c as u32 as u8,
        '\u{2026}' => 0x85,
        '\u{2018}' => 0x91,
        '\u{2019}' => 0x92,
        '\u{201c}' => 0x93,
        '\u{201d}' => 0x94,
        '\u{2022}' => 0x95,
        '\u{2013}' => 0x96,
        '\u{2014}' => 0x97,
        '\u{20ac}' => 0x80,
        _ => b'?',
    }
}

/// `text` as a PDF string literal: brackets and backslashes escaped, bytes
/// outside printable ASCII written in octal.
fn literal(text: &str) -> String {
    let mut out = String::from("(");
    for byte in text.chars().map(win_ansi) {
        match byte {
            b'(' | b')' | b'\\' => {
                out.push('\\');
                out.push(byte as char);
            }
            32..=126 => out.push(byte as char),
            _ => out.push_str(&format!("\\{byte:03o}")),
        }
    }
    out.push(')');
    out
}

fn content_stream(lines: &[Placed]) -> String {
    let mut stream = String::new();
    for line in lines {
        stream.push_str(&format!(
            "BT {} {:.1} Tf {:.1} {:.1} Td {} Tj ET\n",
            line.font.resource(),
            line.size,
            line.x,
            line.y,
            literal(&line.text)
        ));
    }
    stream
}

/// The document as a PDF. `footer` is printed at the foot of every page,
/// followed by "Page n of N".
pub fn render(document: &Document, footer: &str) -> Vec<u8> {
    let mut pages = lay_out(document);
    let count = pages.len();
    let text_width = PAGE_WIDTH - 2.0 * MARGIN;
    for (at, page) in pages.iter_mut().enumerate() {
        let words = format!("{footer} · Page {} of {count}", at + 1);
        let mut y = MARGIN;
        let lines = wrap(&words, FOOTER_SIZE, Font::Regular, text_width);
        y += (lines.len() as f32 - 1.0) * (FOOTER_SIZE + 2.0);
        for line in lines {
            page.push(Placed {
                x: MARGIN,
                y,
                size: FOOTER_SIZE,
                font: Font::Regular,
                text: line,
            });
            y -= FOOTER_SIZE + 2.0;
        }
    }
    // Objects: 1 catalog, 2 page tree, 3 and 4 the fonts, 5 the document's
    // information, then each page and its content stream.
    let page_ids: Vec<usize> = (0..count).map(|at| 6 + 2 * at).collect();
    let mut objects: Vec<String> = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {count} >>",
            page_ids
                .iter()
                .map(|id| format!("{id} 0 R"))
                .collect::<Vec<_>>()
                .join(" ")
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_owned(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
            .to_owned(),
        format!(
            "<< /Title {} /Producer (Contact centre) >>",
            literal(&document.title)
        ),
    ];
    for (at, page) in pages.iter().enumerate() {
        let stream = content_stream(page);
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] \
             /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {} 0 R >>",
            page_ids[at] + 1
        ));
        objects.push(format!(
            "<< /Length {} >>\nstream\n{stream}endstream",
            stream.len()
        ));
    }
    let mut out: Vec<u8> = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (at, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", at + 1).as_bytes());
    }
    let xref_at = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /Info 5 0 R >>\nstartxref\n{xref_at}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::document::DocumentKind;

    fn document(paragraphs: usize) -> Document {
        let mut blocks = vec![
            Block::Title("Final report · FAM-0001".into()),
            Block::Fact("Recommendation".into(), "Move to supported contact".into()),
            Block::Heading("Summary".into()),
        ];
        for n in 0..paragraphs {
            blocks.push(Block::Text(format!(
                "Paragraph {n}: Lily (7) played happily with her dad; he paid £12 for the trip \u{2013} \u{201c}fine\u{201d}. {}",
                "More words follow here. ".repeat(12)
            )));
        }
        Document {
            kind: DocumentKind::Report,
            title: "Final report · FAM-0001".into(),
            reference: "FAM-0001".into(),
            blocks,
        }
    }

    fn text(pdf: &[u8]) -> String {
        String::from_utf8_lossy(pdf).into_owned()
    }

    #[test]
    fn every_cross_reference_points_at_its_object() {
        let pdf = render(&document(40), "Verification code 7Q2M-K9XD-4HRT");
        let whole = text(&pdf);
        assert!(whole.starts_with("%PDF-1.4"));
        assert!(whole.ends_with("%%EOF\n"));
        let start: usize = whole
            .rsplit("startxref\n")
            .next()
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(pdf[start..].starts_with(b"xref\n"));
        // Offsets count bytes: read the table from the bytes themselves.
        let table = text(&pdf[start..]);
        let offsets: Vec<usize> = table
            .lines()
            .skip(3)
            .take_while(|line| line.ends_with(" n "))
            .map(|line| line[..10].parse().unwrap())
            .collect();
        assert!(offsets.len() > 6, "{offsets:?}");
        for (at, offset) in offsets.iter().enumerate() {
            let expected = format!("{} 0 obj\n", at + 1);
            assert!(
                pdf[*offset..].starts_with(expected.as_bytes()),
                "object {} is not at {offset}",
                at + 1
            );
        }
        // Each stream's stated length is its length.
        for part in whole.split("<< /Length ").skip(1) {
            let (length, rest) = part.split_once(" >>\nstream\n").unwrap();
            let length: usize = length.parse().unwrap();
            assert!(rest[length..].starts_with("endstream"));
        }
    }

    #[test]
    fn a_long_document_runs_over_pages_each_with_the_code_and_its_number() {
        let pdf = text(&render(&document(40), "Verification code 7Q2M-K9XD-4HRT"));
        let pages = pdf.matches("/Type /Page /Parent").count();
        assert!(pages >= 2, "{pages} pages");
        assert_eq!(
            pdf.matches("(Verification code 7Q2M-K9XD-4HRT").count(),
            pages
        );
        assert!(pdf.contains(&format!("Page {pages} of {pages})")));
        let short = text(&render(&document(1), "code"));
        assert_eq!(short.matches("/Type /Page /Parent").count(), 1);
    }

    #[test]
    fn text_is_encoded_as_win_ansi_and_brackets_are_escaped() {
        assert_eq!(literal("Lily (7)"), "(Lily \\(7\\))");
        assert_eq!(
            literal("£12 \u{2013} \u{201c}ok\u{201d}"),
            "(\\24312 \\226 \\223ok\\224)"
        );
        assert_eq!(literal("back\\slash"), "(back\\\\slash)");
        assert_eq!(literal("漢"), "(?)");
    }

    #[test]
    fn lines_fit_the_page_and_keep_every_word() {
        let room = PAGE_WIDTH - 2.0 * MARGIN;
        let long = "word ".repeat(200) + &"x".repeat(300);
        let lines = wrap(&long, BODY_SIZE, Font::Regular, room);
        assert!(
            lines
                .iter()
                .all(|l| width(l, BODY_SIZE, Font::Regular) <= room)
        );
        assert_eq!(lines.concat().matches("word").count(), 200);
        assert_eq!(lines.concat().matches('x').count(), 300);
        assert_eq!(
            wrap("one\ntwo", BODY_SIZE, Font::Regular, room),
            ["one", "two"]
        );
    }
}
