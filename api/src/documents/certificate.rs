//! 志愿服务证明 (certificate of volunteer service) rendered as an A4 PDF.

use anyhow::{Context, anyhow};
use chrono::{Datelike, NaiveDate};
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::{DateTime, Metadata};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::TextDirection;
use krilla::{Document, SerializeSettings};

use super::font::CjkFont;

/// One row of the service breakdown (per content or category).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceLine {
    pub content: String,
    pub minutes: i64,
    pub services: i64,
}

/// Everything printed on a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateDoc {
    pub number: String,
    pub member_name: String,
    pub community: String,
    pub street: String,
    pub minutes: i64,
    pub services: i64,
    pub first_service: Option<NaiveDate>,
    pub last_service: Option<NaiveDate>,
    pub lines: Vec<ServiceLine>,
    pub issued_on: NaiveDate,
    pub verify_url: String,
}

/// Maximum table rows; longer lists end with a "…等其余 N 项" summary row.
pub const MAX_TABLE_ROWS: usize = 25;

/// Minutes as hours with one decimal, rounded half away from zero (750 → "12.5").
pub fn format_hours(minutes: i64) -> String {
    let tenths = (i128::from(minutes) * 10 + i128::from(minutes.signum()) * 30) / 60;
    let sign = if tenths < 0 { "-" } else { "" };
    let tenths = tenths.unsigned_abs();
    format!("{sign}{}.{}", tenths / 10, tenths % 10)
}

fn format_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

// A4 in points, y grows downwards.
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN_X: f32 = 68.0;
/// The verification QR code's side, in points (about 3 cm).
const QR_SIZE: f32 = 86.0;
const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN_X;
const CONTENT_BOTTOM: f32 = PAGE_H - 80.0;
const CONT_TOP: f32 = 110.0;

const BLACK: (u8, u8, u8) = (25, 25, 25);
const GRAY: (u8, u8, u8) = (110, 110, 110);
const ACCENT: (u8, u8, u8) = (160, 32, 32);
const RULE: (u8, u8, u8) = (200, 200, 200);
const HEADER_BG: (u8, u8, u8) = (242, 236, 232);

const BODY_SIZE: f32 = 14.0;
const BODY_LEADING: f32 = 26.0;
const TABLE_SIZE: f32 = 10.5;
const ROW_H: f32 = 20.0;

/// Render the certificate as PDF bytes.
pub fn render_pdf(doc: &CertificateDoc, font: &CjkFont) -> anyhow::Result<Vec<u8>> {
    let pages = layout(doc, font);
    let total = pages.len();

    let settings = SerializeSettings {
        compress_content_streams: true,
        ..SerializeSettings::default()
    };
    let mut document = Document::new_with(settings);
    let mut metadata = Metadata::new()
        .title(format!("志愿服务证明 {}", doc.number))
        .creator("Linli".to_owned())
        .language("zh-CN".to_owned())
        .keywords(vec!["志愿服务证明".to_owned(), doc.number.clone()]);
    if let (Ok(year), Ok(month), Ok(day)) = (
        u16::try_from(doc.issued_on.year()),
        u8::try_from(doc.issued_on.month()),
        u8::try_from(doc.issued_on.day()),
    ) {
        metadata = metadata.creation_date(DateTime::new(year).month(month).day(day));
    }
    document.set_metadata(metadata);

    let kfont = font.krilla_font();
    for (i, ops) in pages.iter().enumerate() {
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| anyhow!("invalid page size"))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        draw_frame(&mut surface)?;
        for op in ops {
            match op {
                Op::Text {
                    x,
                    y,
                    size,
                    color,
                    text,
                } => {
                    surface.set_stroke(None);
                    surface.set_fill(Some(fill(*color)));
                    surface.draw_text(
                        Point::from_xy(*x, *y),
                        kfont.clone(),
                        *size,
                        text,
                        false,
                        TextDirection::Auto,
                    );
                }
                Op::Line {
                    x1,
                    y1,
                    x2,
                    y2,
                    width,
                    color,
                } => stroke_line(&mut surface, (*x1, *y1), (*x2, *y2), *width, *color)?,
                Op::Rect { rect, color } => {
                    let mut pb = PathBuilder::new();
                    pb.push_rect(*rect);
                    let path = pb.finish().ok_or_else(|| anyhow!("empty rect path"))?;
                    surface.set_stroke(None);
                    surface.set_fill(Some(fill(*color)));
                    surface.draw_path(&path);
                }
            }
        }
        // Page footer with number and page count.
        let footer = format!("证明编号 {}　·　第 {} 页，共 {} 页", doc.number, i + 1, total);
        let w = font.text_width(&footer, 8.0);
        surface.set_fill(Some(fill(GRAY)));
        surface.draw_text(
            Point::from_xy((PAGE_W - w) / 2.0, PAGE_H - 48.0),
            kfont.clone(),
            8.0,
            &footer,
            false,
            TextDirection::Auto,
        );
        surface.finish();
        page.finish();
    }
    document
        .finish()
        .map_err(|e| anyhow!("PDF serialisation failed: {e}"))
        .context("rendering certificate")
}

fn fill(color: (u8, u8, u8)) -> Fill {
    Fill {
        paint: rgb::Color::new(color.0, color.1, color.2).into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}

fn stroke_line(
    surface: &mut Surface<'_>,
    from: (f32, f32),
    to: (f32, f32),
    width: f32,
    color: (u8, u8, u8),
) -> anyhow::Result<()> {
    let mut pb = PathBuilder::new();
    pb.move_to(from.0, from.1);
    pb.line_to(to.0, to.1);
    let path = pb.finish().ok_or_else(|| anyhow!("empty line path"))?;
    surface.set_fill(None);
    surface.set_stroke(Some(Stroke {
        paint: rgb::Color::new(color.0, color.1, color.2).into(),
        width,
        ..Stroke::default()
    }));
    surface.draw_path(&path);
    Ok(())
}

/// Double border around the page.
fn draw_frame(surface: &mut Surface<'_>) -> anyhow::Result<()> {
    for (inset, width) in [(28.0, 1.6), (33.0, 0.5)] {
        let rect = Rect::from_xywh(inset, inset, PAGE_W - 2.0 * inset, PAGE_H - 2.0 * inset)
            .ok_or_else(|| anyhow!("invalid frame"))?;
        let mut pb = PathBuilder::new();
        pb.push_rect(rect);
        let path = pb.finish().ok_or_else(|| anyhow!("empty frame path"))?;
        surface.set_fill(None);
        surface.set_stroke(Some(Stroke {
            paint: rgb::Color::new(ACCENT.0, ACCENT.1, ACCENT.2).into(),
            width,
            ..Stroke::default()
        }));
        surface.draw_path(&path);
    }
    Ok(())
}

/// A positioned drawing operation; pages are laid out before rendering so
/// that the page count is known for footers.
enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        color: (u8, u8, u8),
        text: String,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        color: (u8, u8, u8),
    },
    Rect {
        rect: Rect,
        color: (u8, u8, u8),
    },
}

struct Layout<'a> {
    font: &'a CjkFont,
    number: &'a str,
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl Layout<'_> {
    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn text(&mut self, x: f32, y: f32, size: f32, color: (u8, u8, u8), text: &str) {
        if text.is_empty() {
            return;
        }
        self.ops().push(Op::Text {
            x,
            y,
            size,
            color,
            text: text.to_owned(),
        });
    }

    fn text_right(&mut self, right: f32, y: f32, size: f32, color: (u8, u8, u8), text: &str) {
        let w = self.font.text_width(text, size);
        self.text(right - w, y, size, color, text);
    }

    fn text_center(&mut self, y: f32, size: f32, color: (u8, u8, u8), text: &str) {
        let w = self.font.text_width(text, size);
        self.text((PAGE_W - w) / 2.0, y, size, color, text);
    }

    fn hline(&mut self, y: f32, x1: f32, x2: f32, width: f32, color: (u8, u8, u8)) {
        self.ops().push(Op::Line {
            x1,
            y1: y,
            x2,
            y2: y,
            width,
            color,
        });
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: (u8, u8, u8)) {
        if let Some(rect) = Rect::from_xywh(x, y, w, h) {
            self.ops().push(Op::Rect { rect, color });
        }
    }

    /// A QR code of `text`, `size` points square, top-left at (`x`, `y`):
    /// one filled square per dark module, with the standard quiet zone.
    fn qr(&mut self, x: f32, y: f32, size: f32, text: &str) {
        let Ok(code) = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M) else {
            return;
        };
        let n = code.width();
        let module = size / (n as f32 + 8.0);
        let (x0, y0) = (x + 4.0 * module, y + 4.0 * module);
        for (i, color) in code.to_colors().into_iter().enumerate() {
            if color == qrcode::Color::Dark {
                let (row, col) = ((i / n) as f32, (i % n) as f32);
                // A hair wider than the module, so neighbours leave no seam.
                self.rect(
                    x0 + col * module,
                    y0 + row * module,
                    module + 0.05,
                    module + 0.05,
                    BLACK,
                );
            }
        }
    }

    /// Start a new page if `height` more points do not fit.
    fn ensure(&mut self, height: f32) -> bool {
        if self.y + height <= CONTENT_BOTTOM {
            return false;
        }
        self.pages.push(Vec::new());
        self.y = CONT_TOP;
        let heading = format!("志愿服务证明（续）　编号：{}", self.number);
        self.text(MARGIN_X, self.y - 30.0, 10.0, GRAY, &heading);
        self.hline(self.y - 22.0, MARGIN_X, PAGE_W - MARGIN_X, 0.5, RULE);
        true
    }

    /// Wrapped paragraph; `indent` applies to the first line only.
    fn paragraph(&mut self, text: &str, size: f32, leading: f32, indent: f32, color: (u8, u8, u8)) {
        let lines = wrap(self.font, text, size, CONTENT_W, indent);
        for (i, line) in lines.iter().enumerate() {
            self.ensure(leading);
            let x = if i == 0 { MARGIN_X + indent } else { MARGIN_X };
            self.y += leading;
            let y = self.y;
            self.text(x, y, size, color, line);
        }
    }
}

fn body_sentence(doc: &CertificateDoc) -> String {
    let period = match (doc.first_service, doc.last_service) {
        (Some(a), Some(b)) if a != b => format!("自 {} 至 {} ", format_date(a), format_date(b)),
        (Some(d), _) | (None, Some(d)) => format!("于 {} ", format_date(d)),
        (None, None) => String::new(),
    };
    let place = if doc.street.trim().is_empty() {
        doc.community.clone()
    } else {
        format!("{}（{}）", doc.community, doc.street)
    };
    let place = if place.ends_with('）') {
        place
    } else {
        format!("{place} ")
    };
    format!(
        "兹证明 {} {}在 {}参加志愿服务 {} 次，累计服务时长 {} 小时。",
        doc.member_name,
        period,
        place,
        doc.services,
        format_hours(doc.minutes)
    )
}

/// Table rows after capping: (index label, content, services, minutes).
fn table_rows(lines: &[ServiceLine]) -> Vec<(String, String, i64, i64)> {
    let mut rows: Vec<_> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| ((i + 1).to_string(), l.content.clone(), l.services, l.minutes))
        .collect();
    if rows.len() > MAX_TABLE_ROWS {
        let rest = rows.split_off(MAX_TABLE_ROWS - 1);
        let services = rest.iter().map(|r| r.2).sum();
        let minutes = rest.iter().map(|r| r.3).sum();
        rows.push((String::new(), format!("…等其余 {} 项", rest.len()), services, minutes));
    }
    rows
}

fn layout(doc: &CertificateDoc, font: &CjkFont) -> Vec<Vec<Op>> {
    let mut l = Layout {
        font,
        number: &doc.number,
        pages: vec![Vec::new()],
        y: 0.0,
    };
    let right = PAGE_W - MARGIN_X;

    l.text_center(112.0, 28.0, ACCENT, "志愿服务证明");
    l.text_center(136.0, 11.0, GRAY, "Certificate of Volunteer Service");
    l.text_right(right, 170.0, 10.0, GRAY, &format!("编号：{}", doc.number));
    l.hline(178.0, MARGIN_X, right, 0.8, ACCENT);

    l.y = 196.0;
    l.paragraph(&body_sentence(doc), BODY_SIZE, BODY_LEADING, 2.0 * BODY_SIZE, BLACK);

    // Service breakdown table.
    l.y += 24.0;
    let col_no = MARGIN_X + 6.0;
    let col_content = MARGIN_X + 40.0;
    let col_services_r = right - 96.0;
    let col_hours_r = right - 6.0;
    let content_w = col_services_r - 40.0 - col_content;
    let header = |l: &mut Layout<'_>| {
        let top = l.y;
        l.rect(MARGIN_X, top, CONTENT_W, ROW_H, HEADER_BG);
        let base = top + ROW_H - 6.0;
        l.text(col_no, base, TABLE_SIZE, BLACK, "序号");
        l.text(col_content, base, TABLE_SIZE, BLACK, "服务内容");
        l.text_right(col_services_r, base, TABLE_SIZE, BLACK, "次数");
        l.text_right(col_hours_r, base, TABLE_SIZE, BLACK, "时长（小时）");
        l.y += ROW_H;
        l.hline(l.y, MARGIN_X, right, 0.8, GRAY);
    };

    l.ensure(ROW_H * 3.0 + 20.0);
    l.y += 14.0;
    l.text(MARGIN_X, l.y, 12.0, BLACK, "服务明细");
    l.y += 8.0;
    let rows = table_rows(&doc.lines);
    if rows.is_empty() {
        l.y += 20.0;
        l.text(col_content, l.y, TABLE_SIZE, GRAY, "（暂无服务明细）");
    } else {
        header(&mut l);
        for (no, content, services, minutes) in &rows {
            if l.ensure(ROW_H * 2.0) {
                header(&mut l);
            }
            let base = l.y + ROW_H - 6.0;
            l.text(col_no, base, TABLE_SIZE, BLACK, no);
            let content = fit(font, content, TABLE_SIZE, content_w);
            l.text(col_content, base, TABLE_SIZE, BLACK, &content);
            l.text_right(col_services_r, base, TABLE_SIZE, BLACK, &services.to_string());
            l.text_right(col_hours_r, base, TABLE_SIZE, BLACK, &format_hours(*minutes));
            l.y += ROW_H;
            l.hline(l.y, MARGIN_X, right, 0.4, RULE);
        }
        let base = l.y + ROW_H - 6.0;
        l.text(col_content, base, TABLE_SIZE, BLACK, "合计");
        l.text_right(col_services_r, base, TABLE_SIZE, BLACK, &doc.services.to_string());
        l.text_right(col_hours_r, base, TABLE_SIZE, BLACK, &format_hours(doc.minutes));
        l.y += ROW_H;
        l.hline(l.y, MARGIN_X, right, 0.8, GRAY);
    }

    // Issuer block, right-aligned as a whole and kept together on one page.
    let issuer = [
        format!("出具单位：{}", doc.community),
        format!("出具日期：{}", format_date(doc.issued_on)),
        format!("证明编号：{}", doc.number),
    ];
    let block_w = issuer
        .iter()
        .map(|line| font.text_width(line, 12.0))
        .fold(200.0_f32, f32::max)
        .min(CONTENT_W);
    let block_x = right - block_w;
    let issuer: Vec<String> = issuer
        .iter()
        .flat_map(|line| wrap(font, line, 12.0, block_w, 0.0))
        .collect();
    let verify = format!("用手机扫描左侧二维码，或打开 {} 核验本证明。", doc.verify_url);
    let verify_lines = wrap(font, &verify, 9.5, CONTENT_W, 0.0).len() as f32;
    let issuer_h = issuer.len() as f32 * 22.0;
    l.ensure(36.0 + issuer_h.max(QR_SIZE) + 20.0 + verify_lines * 15.0 + 15.0);
    l.y += 36.0;
    // The verification page's QR code, left of the issuer block.
    l.qr(MARGIN_X, l.y, QR_SIZE, &doc.verify_url);
    let below_qr = l.y + QR_SIZE;
    for line in &issuer {
        l.y += 22.0;
        let y = l.y;
        l.text(block_x, y, 12.0, BLACK, line);
    }
    l.y = l.y.max(below_qr) + 20.0;
    l.paragraph(&verify, 9.5, 15.0, 0.0, GRAY);
    l.paragraph("本证明免费出具，不得用于商业用途。", 9.5, 15.0, 0.0, GRAY);
    l.pages
}

/// Truncate `text` with "…" so it fits into `width`.
fn fit(font: &CjkFont, text: &str, size: f32, width: f32) -> String {
    if font.text_width(text, size) <= width {
        return text.to_owned();
    }
    let budget = width - font.text_width("…", size);
    let mut out = String::new();
    let mut used = 0.0;
    for c in text.chars() {
        let w = font.text_width(c.encode_utf8(&mut [0; 4]), size);
        if used + w > budget {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

/// Punctuation that must not start a line.
fn no_line_start(c: char) -> bool {
    "，。、；：！？）》」』”’％,.;:!?)]%".contains(c)
}

/// Punctuation that must not end a line.
fn no_line_end(c: char) -> bool {
    "（《「『“‘([".contains(c)
}

/// Greedy line breaking: CJK characters break anywhere, other text at spaces;
/// overlong words are split by character.
fn wrap(font: &CjkFont, text: &str, size: f32, width: f32, first_indent: f32) -> Vec<String> {
    // Tokenise.
    let mut tokens: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut opening = String::new();
    for c in text.chars() {
        if no_line_end(c) {
            if !word.is_empty() {
                tokens.push(std::mem::take(&mut word));
            }
            opening.push(c);
        } else if c.is_whitespace() || is_cjk(c) || no_line_start(c) {
            if !word.is_empty() {
                tokens.push(std::mem::take(&mut word));
            }
            if c.is_whitespace() {
                if !opening.is_empty() {
                    tokens.push(std::mem::take(&mut opening));
                }
                tokens.push(" ".to_owned());
            } else {
                // Opening brackets stick to the character that follows them.
                tokens.push(format!("{}{c}", std::mem::take(&mut opening)));
            }
        } else {
            word.push_str(&std::mem::take(&mut opening));
            word.push(c);
        }
    }
    word.push_str(&opening);
    if !word.is_empty() {
        tokens.push(word);
    }

    let mut lines = Vec::new();
    let mut line = String::new();
    let mut avail = width - first_indent;
    for token in tokens {
        if token == " " && line.is_empty() {
            continue;
        }
        let candidate = format!("{line}{token}");
        let fits = font.text_width(candidate.trim_end(), size) <= avail;
        let glue = token.chars().next().is_some_and(no_line_start);
        if fits || glue && !line.is_empty() {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(line.trim_end().to_owned());
            avail = width;
        }
        line = String::new();
        if token == " " {
            continue;
        }
        if font.text_width(&token, size) <= avail {
            line = token;
        } else {
            // Split an overlong word across lines.
            for c in token.chars() {
                let candidate = format!("{line}{c}");
                if font.text_width(&candidate, size) > avail && !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                    avail = width;
                    line.push(c);
                } else {
                    line = candidate;
                }
            }
        }
    }
    if !line.trim().is_empty() {
        lines.push(line.trim_end().to_owned());
    }
    lines
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::documents::font::find_cjk_font;

    fn sample(lines: usize) -> CertificateDoc {
        let lines: Vec<ServiceLine> = (0..lines)
            .map(|i| ServiceLine {
                content: format!("社区巡逻与环境整治第{}项", i + 1),
                minutes: if i % 4 == 0 { 30 } else { 15 },
                services: 1 + (i as i64 % 3),
            })
            .collect();
        CertificateDoc {
            number: "LL2026-7K3M9Q2X".to_owned(),
            member_name: "欧阳明月".to_owned(),
            community: "阳光社区".to_owned(),
            street: "东城街道".to_owned(),
            minutes: lines.iter().map(|l| l.minutes).sum(),
            services: lines.iter().map(|l| l.services).sum(),
            first_service: NaiveDate::from_ymd_opt(2025, 3, 1),
            last_service: NaiveDate::from_ymd_opt(2026, 2, 14),
            lines,
            issued_on: NaiveDate::from_ymd_opt(2026, 3, 8).unwrap(),
            verify_url: "https://linli.example.org/verify".to_owned(),
        }
    }

    fn font() -> CjkFont {
        find_cjk_font(None).expect("CJK font installed")
    }

    /// Text of all pages, with whitespace removed to ignore layout spacing.
    fn extract(pdf: &[u8]) -> String {
        let text = pdf_extract::extract_text_from_mem(pdf).expect("extract text");
        text.chars().filter(|c| !c.is_whitespace()).collect()
    }

    #[test]
    fn hours_formatting() {
        assert_eq!(format_hours(750), "12.5");
        assert_eq!(format_hours(0), "0.0");
        assert_eq!(format_hours(60), "1.0");
        assert_eq!(format_hours(1), "0.0");
        assert_eq!(format_hours(3), "0.1");
        assert_eq!(format_hours(89), "1.5");
        assert_eq!(format_hours(-90), "-1.5");
    }

    #[test]
    fn renders_pdf_with_extractable_chinese_text() {
        let doc = sample(40);
        let pdf = render_pdf(&doc, &font()).unwrap();
        assert!(pdf.starts_with(b"%PDF"));

        let parsed = lopdf::Document::load_mem(&pdf).unwrap();
        let pages = parsed.get_pages().len();
        assert!((1..=2).contains(&pages), "pages: {pages}");

        let text = extract(&pdf);
        for needle in [
            "志愿服务证明",
            "CertificateofVolunteerService",
            "欧阳明月",
            "阳光社区（东城街道）",
            "LL2026-7K3M9Q2X",
            // 10 × 30 + 30 × 15 minutes.
            "累计服务时长12.5小时",
            "2025年3月1日",
            "2026年2月14日",
            "出具单位：阳光社区",
            "出具日期：2026年3月8日",
            "https://linli.example.org/verify",
            "本证明免费出具，不得用于商业用途",
            "社区巡逻与环境整治第24项",
            "…等其余16项",
        ] {
            assert!(text.contains(needle), "missing {needle:?} in {text}");
        }
        // Lines beyond the cap are summarised, not listed.
        assert!(!text.contains("第25项"), "{text}");
    }

    #[test]
    fn long_content_paginates_and_keeps_footer() {
        let mut doc = sample(25);
        doc.member_name = "测".repeat(200);
        doc.verify_url = format!("https://linli.example.org/{}", "v".repeat(300));
        let pdf = render_pdf(&doc, &font()).unwrap();
        let parsed = lopdf::Document::load_mem(&pdf).unwrap();
        assert_eq!(parsed.get_pages().len(), 2);
        let text = extract(&pdf);
        assert!(text.contains("志愿服务证明（续）"), "{text}");
        assert!(text.contains("第2页，共2页"), "{text}");
        assert!(text.contains("社区巡逻与环境整治第25项"), "{text}");
        assert!(text.contains("不得用于商业用途"), "{text}");
    }

    #[test]
    fn renders_without_dates_or_lines() {
        let mut doc = sample(0);
        doc.first_service = None;
        doc.last_service = None;
        doc.street.clear();
        doc.minutes = 0;
        let pdf = render_pdf(&doc, &font()).unwrap();
        let text = extract(&pdf);
        assert!(text.contains("兹证明欧阳明月在阳光社区参加志愿服务0次"), "{text}");
        assert!(text.contains("暂无服务明细"), "{text}");
    }

    #[test]
    fn wrap_respects_width_and_punctuation() {
        let font = font();
        let text = "兹证明 张三 自 2025年3月1日 至 2026年2月14日 在 阳光社区（东城街道）参加志愿服务 12 次，累计服务时长 12.5 小时。";
        let lines = wrap(&font, text, 14.0, 200.0, 28.0);
        assert!(lines.len() > 2);
        for (i, line) in lines.iter().enumerate() {
            let avail = if i == 0 { 172.0 } else { 200.0 };
            // Closing punctuation may overhang by one glyph.
            assert!(font.text_width(line, 14.0) <= avail + 14.0, "{line}");
            assert!(!line.starts_with(['，', '。', '）']), "{line}");
            assert!(!line.ends_with('（'), "{line}");
        }
        let joined: String = lines.concat().chars().filter(|c| !c.is_whitespace()).collect();
        let expected: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        assert_eq!(joined, expected);
    }

    #[test]
    fn fit_truncates_with_ellipsis() {
        let font = font();
        let long = "很长的服务内容".repeat(20);
        let out = fit(&font, &long, 10.0, 100.0);
        assert!(out.ends_with('…'));
        assert!(font.text_width(&out, 10.0) <= 100.0);
        assert_eq!(fit(&font, "短", 10.0, 100.0), "短");
    }
}
