//! Spreadsheet (XLSX) exports.

use std::collections::HashSet;

use anyhow::{Context, bail};
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{ColNum, ExcelDateTime, Format, FormatAlign, RowNum, Workbook, Worksheet};

/// One cell value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    Num(f64),
    Date(NaiveDate),
    Empty,
}

/// One worksheet: a header row followed by data rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// Excel's limit on characters in one cell.
const MAX_CELL_CHARS: usize = 32_767;
/// Excel's limit on sheet-name length (UTF-16 units).
const MAX_SHEET_NAME: usize = 31;
const MIN_COL_WIDTH: f64 = 6.0;
const MAX_COL_WIDTH: f64 = 60.0;
const DATE_WIDTH: usize = 10;

/// Build an .xlsx workbook; sheet names are sanitised and made unique.
pub fn workbook(sheets: &[Sheet]) -> anyhow::Result<Vec<u8>> {
    if sheets.is_empty() {
        bail!("a workbook needs at least one sheet");
    }
    let header_fmt = Format::new()
        .set_bold()
        .set_background_color(0xF2ECE8)
        .set_align(FormatAlign::Center);
    let int_fmt = Format::new().set_num_format("0");
    let num_fmt = Format::new().set_num_format("0.0");
    let date_fmt = Format::new().set_num_format("yyyy-mm-dd");

    let mut book = Workbook::new();
    let mut used = HashSet::new();
    for (i, sheet) in sheets.iter().enumerate() {
        let name = unique_sheet_name(&sheet.name, i + 1, &mut used);
        let ws = book.add_worksheet();
        ws.set_name(&name)
            .with_context(|| format!("invalid sheet name {name:?}"))?;
        write_sheet(ws, sheet, &header_fmt, &int_fmt, &num_fmt, &date_fmt)
            .with_context(|| format!("writing sheet {name:?}"))?;
    }
    book.save_to_buffer().context("serialising workbook")
}

fn write_sheet(
    ws: &mut Worksheet,
    sheet: &Sheet,
    header_fmt: &Format,
    int_fmt: &Format,
    num_fmt: &Format,
    date_fmt: &Format,
) -> anyhow::Result<()> {
    let ncols = sheet
        .rows
        .iter()
        .map(Vec::len)
        .chain(std::iter::once(sheet.headers.len()))
        .max()
        .unwrap_or(0);
    // Display widths per column, starting from the (bold, so slightly wider) headers.
    let mut widths: Vec<usize> = (0..ncols)
        .map(|c| sheet.headers.get(c).map_or(0, |h| display_width(h) + 2))
        .collect();

    for (c, header) in sheet.headers.iter().enumerate() {
        ws.write_string_with_format(0, col(c)?, clip(header), header_fmt)?;
    }
    for (r, cells) in sheet.rows.iter().enumerate() {
        let row = RowNum::try_from(r + 1).context("too many rows")?;
        for (c, cell) in cells.iter().enumerate() {
            let column = col(c)?;
            let width = match cell {
                Cell::Text(s) => {
                    ws.write_string(row, column, clip(s))?;
                    s.lines().map(display_width).max().unwrap_or(0)
                }
                Cell::Int(v) => {
                    // f64 is exact up to 2^53; Excel cannot hold more anyway.
                    ws.write_number_with_format(row, column, *v as f64, int_fmt)?;
                    v.to_string().len()
                }
                Cell::Num(v) if v.is_finite() => {
                    ws.write_number_with_format(row, column, *v, num_fmt)?;
                    format!("{v:.1}").len()
                }
                Cell::Num(_) | Cell::Empty => 0,
                Cell::Date(d) => {
                    match excel_date(*d) {
                        Some(dt) => ws.write_datetime_with_format(row, column, dt, date_fmt)?,
                        // Outside Excel's 1900–9999 range: keep the value as text.
                        None => ws.write_string(row, column, d.format("%Y-%m-%d").to_string())?,
                    };
                    DATE_WIDTH
                }
            };
            if let Some(w) = widths.get_mut(c) {
                *w = (*w).max(width);
            }
        }
    }

    for (c, w) in widths.iter().enumerate() {
        let width = (*w as f64 + 2.0).clamp(MIN_COL_WIDTH, MAX_COL_WIDTH);
        ws.set_column_width(col(c)?, width)?;
    }
    if ncols > 0 {
        ws.set_freeze_panes(1, 0)?;
        let last_row = RowNum::try_from(sheet.rows.len()).context("too many rows")?;
        ws.autofilter(0, 0, last_row, col(ncols - 1)?)?;
    }
    Ok(())
}

fn col(c: usize) -> anyhow::Result<ColNum> {
    ColNum::try_from(c).context("too many columns")
}

fn excel_date(d: NaiveDate) -> Option<ExcelDateTime> {
    let year = u16::try_from(d.year()).ok()?;
    let month = u8::try_from(d.month()).ok()?;
    let day = u8::try_from(d.day()).ok()?;
    ExcelDateTime::from_ymd(year, month, day).ok()
}

/// Truncate text to Excel's per-cell limit.
fn clip(s: &str) -> &str {
    match s.char_indices().nth(MAX_CELL_CHARS) {
        Some((idx, _)) => &s[..idx],
        None => s,
    }
}

/// Approximate column width in Excel "character" units: wide (CJK) chars count 2.
fn display_width(s: &str) -> usize {
    s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6
        | 0x1F300..=0x1FAFF | 0x20000..=0x3FFFD)
}

/// Make `raw` a valid Excel sheet name: replace `[]:*?/\`, trim apostrophes,
/// avoid the reserved "History", cap at 31 UTF-16 units and de-duplicate
/// (case-insensitively) with a " (n)" suffix.
fn unique_sheet_name(raw: &str, position: usize, used: &mut HashSet<String>) -> String {
    let cleaned: String = raw
        .chars()
        .map(|c| match c {
            '[' | ']' | ':' | '*' | '?' | '/' | '\\' => '_',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    let mut base = cleaned.trim().trim_matches('\'').trim().to_owned();
    if base.is_empty() {
        base = format!("Sheet{position}");
    }
    if base.eq_ignore_ascii_case("History") {
        base.push('_');
    }
    let mut n = 1;
    loop {
        let suffix = if n == 1 { String::new() } else { format!(" ({n})") };
        let mut name = truncate_utf16(&base, MAX_SHEET_NAME - suffix.len());
        // Truncation may expose a trailing apostrophe or space.
        name = name.trim_end_matches(['\'', ' ']).to_owned();
        if name.is_empty() {
            name = format!("Sheet{position}");
        }
        name.push_str(&suffix);
        if used.insert(name.to_lowercase()) {
            return name;
        }
        n += 1;
    }
}

fn truncate_utf16(s: &str, max_units: usize) -> String {
    let mut units = 0;
    let mut out = String::new();
    for c in s.chars() {
        units += c.len_utf16();
        if units > max_units {
            break;
        }
        out.push(c);
    }
    out
}

/// The first sheet of an uploaded workbook as CSV text, so an .xlsx goes
/// through the same import as a .csv (its row n is line n). Numbers that
/// are whole (a phone number typed into a number cell) lose their `.0`;
/// dates and times read `2026-12-01 09:30` (a date alone `2026-12-01`).
pub fn first_sheet_as_csv(bytes: &[u8]) -> anyhow::Result<String> {
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).context("not an xlsx workbook")?;
    let range = book
        .worksheet_range_at(0)
        .context("the workbook has no sheet")?
        .context("reading the first sheet")?;
    let text = |c: &Data| -> String {
        match c {
            Data::Empty | Data::Error(_) => String::new(),
            Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.trim().to_owned(),
            Data::Int(i) => i.to_string(),
            Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
            Data::Float(f) => f.to_string(),
            Data::Bool(b) => b.to_string(),
            Data::DateTime(d) => match d.as_datetime() {
                Some(t) if t.time() == chrono::NaiveTime::MIN => t.format("%Y-%m-%d").to_string(),
                Some(t) => t.format("%Y-%m-%d %H:%M").to_string(),
                None => d.as_f64().to_string(),
            },
        }
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    for row in range.rows() {
        w.write_record(row.iter().map(text)).context("writing CSV")?;
    }
    String::from_utf8(w.into_inner().context("writing CSV")?).context("CSV is UTF-8")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use calamine::{Data, DataType, Reader, Xlsx};
    use std::io::Cursor;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn open(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
        Xlsx::new(Cursor::new(bytes)).unwrap()
    }

    fn sample() -> Vec<Sheet> {
        vec![
            Sheet {
                name: "2026/Q4:报表".to_owned(),
                headers: vec![
                    "姓名".into(),
                    "服务日期".into(),
                    "次数".into(),
                    "时长（小时）".into(),
                    "备注".into(),
                ],
                rows: vec![
                    vec![
                        Cell::Text("欧阳明月".into()),
                        Cell::Date(date(2026, 3, 8)),
                        Cell::Int(3),
                        Cell::Num(12.5),
                        Cell::Empty,
                    ],
                    vec![
                        Cell::Text("=HYPERLINK(\"x\")".into()),
                        Cell::Date(date(1850, 1, 1)),
                        Cell::Int(-7),
                        Cell::Num(0.25),
                        Cell::Text("社区巡逻".into()),
                    ],
                ],
            },
            Sheet {
                name: "明细".to_owned(),
                headers: vec!["项目".into(), "数量".into()],
                rows: vec![],
            },
            Sheet {
                name: "明细".to_owned(),
                headers: vec!["项目".into()],
                rows: vec![vec![Cell::Text("第二个明细".into())]],
            },
        ]
    }

    #[test]
    fn writes_sheets_readable_by_calamine() {
        let bytes = workbook(&sample()).unwrap();
        assert!(bytes.starts_with(b"PK"));
        let mut book = open(bytes);
        assert_eq!(
            book.sheet_names(),
            vec!["2026_Q4_报表".to_owned(), "明细".to_owned(), "明细 (2)".to_owned()]
        );

        let range = book.worksheet_range("2026_Q4_报表").unwrap();
        let header: Vec<String> = range.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
        assert_eq!(header, ["姓名", "服务日期", "次数", "时长（小时）", "备注"]);

        assert_eq!(range.get_value((1, 0)), Some(&Data::String("欧阳明月".into())));
        let d = range.get_value((1, 1)).unwrap();
        assert!(matches!(d, Data::DateTime(_)), "{d:?}");
        assert_eq!(d.as_date(), Some(date(2026, 3, 8)), "{d:?}");
        assert_eq!(range.get_value((1, 2)).unwrap().as_i64(), Some(3));
        assert_eq!(range.get_value((1, 3)).unwrap().as_f64(), Some(12.5));
        assert!(matches!(range.get_value((1, 4)), None | Some(Data::Empty)));
        // Formula-looking text stays plain text.
        assert_eq!(range.get_value((2, 0)), Some(&Data::String("=HYPERLINK(\"x\")".into())));
        // Dates Excel cannot represent fall back to ISO text.
        assert_eq!(range.get_value((2, 1)), Some(&Data::String("1850-01-01".into())));
        assert_eq!(range.get_value((2, 2)).unwrap().as_i64(), Some(-7));
        assert_eq!(range.get_value((2, 4)), Some(&Data::String("社区巡逻".into())));

        // Empty rows still give a header row.
        let empty = book.worksheet_range("明细").unwrap();
        assert_eq!(empty.height(), 1);
        assert_eq!(empty.get_value((0, 1)), Some(&Data::String("数量".into())));

        let second = book.worksheet_range("明细 (2)").unwrap();
        assert_eq!(second.get_value((1, 0)), Some(&Data::String("第二个明细".into())));
    }

    #[test]
    fn formats_and_layout_are_written() {
        // Inspect the raw parts: number formats, freeze pane, autofilter, bold.
        let bytes = workbook(&sample()).unwrap();
        let xml = sheet_xml(&bytes, "xl/styles.xml");
        assert!(xml.contains("formatCode=\"yyyy-mm-dd\""), "{xml}");
        assert!(xml.contains("formatCode=\"0.0\""), "{xml}");
        assert!(xml.contains("<b/>"), "{xml}");
        let ws = sheet_xml(&bytes, "xl/worksheets/sheet1.xml");
        assert!(ws.contains("state=\"frozen\""), "{ws}");
        assert!(ws.contains("<autoFilter ref=\"A1:E3\""), "{ws}");
        // The CJK header column is wider than the default.
        assert!(ws.contains("<col "), "{ws}");
    }

    /// Read one part of the xlsx zip as text.
    fn sheet_xml(bytes: &[u8], part: &str) -> String {
        use std::io::Read;
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut out = String::new();
        archive.by_name(part).unwrap().read_to_string(&mut out).unwrap();
        out
    }

    #[test]
    fn sheet_names_are_sanitised() {
        let mut used = HashSet::new();
        assert_eq!(unique_sheet_name("a[b]c*d?e", 1, &mut used), "a_b_c_d_e");
        assert_eq!(unique_sheet_name("'quoted'", 2, &mut used), "quoted");
        assert_eq!(unique_sheet_name("   ", 3, &mut used), "Sheet3");
        assert_eq!(unique_sheet_name("history", 4, &mut used), "history_");
        assert_eq!(unique_sheet_name("QUOTED", 5, &mut used), "QUOTED (2)");
        let long = "志愿服务".repeat(10);
        let a = unique_sheet_name(&long, 6, &mut used);
        let b = unique_sheet_name(&long, 7, &mut used);
        assert_eq!(a.chars().count(), 31);
        assert!(b.ends_with(" (2)") && b.encode_utf16().count() <= 31, "{b}");
        assert_ne!(a, b);
        // Emoji take two UTF-16 units each.
        let emoji = unique_sheet_name(&"😀".repeat(20), 8, &mut used);
        assert_eq!(emoji.encode_utf16().count(), 30);
    }

    #[test]
    fn many_duplicates_and_odd_names_still_build() {
        let sheets: Vec<Sheet> = (0..12)
            .map(|_| Sheet {
                name: "[报表]".to_owned(),
                headers: vec!["列".into()],
                rows: vec![vec![Cell::Num(f64::NAN)], vec![Cell::Text("x".repeat(40_000))]],
            })
            .collect();
        let mut book = open(workbook(&sheets).unwrap());
        let names = book.sheet_names();
        assert_eq!(names.len(), 12);
        assert_eq!(names[0], "_报表_");
        assert_eq!(names[11], "_报表_ (12)");
        let range = book.worksheet_range("_报表_ (3)").unwrap();
        let long = range.get_value((2, 0)).unwrap().to_string();
        assert_eq!(long.len(), MAX_CELL_CHARS);
    }

    #[test]
    fn rejects_empty_workbook() {
        assert!(workbook(&[]).is_err());
    }

    #[test]
    fn reads_the_first_sheet_as_csv() {
        use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
        let mut book = Workbook::new();
        let ws = book.add_worksheet();
        for (c, h) in ["工单编号", "受理时间", "联系电话", "办理时限", "诉求内容"]
            .iter()
            .enumerate()
        {
            ws.write_string(0, u16::try_from(c).unwrap(), *h).unwrap();
        }
        let when = ExcelDateTime::parse_from_str("2026-12-01 09:30:00").unwrap();
        let day = ExcelDateTime::parse_from_str("2026-12-04").unwrap();
        let fmt = Format::new().set_num_format("yyyy-mm-dd hh:mm");
        ws.write_string(1, 0, "GD001").unwrap();
        ws.write_datetime_with_format(1, 1, &when, &fmt).unwrap();
        ws.write_number(1, 2, 13_822_220_001.0).unwrap();
        ws.write_datetime_with_format(1, 3, &day, &Format::new().set_num_format("yyyy-mm-dd"))
            .unwrap();
        ws.write_string(1, 4, "楼道灯坏了, 晚上很黑").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        assert_eq!(
            first_sheet_as_csv(&bytes).unwrap(),
            "工单编号,受理时间,联系电话,办理时限,诉求内容\nGD001,2026-12-01 09:30,13822220001,2026-12-04,\"楼道灯坏了, 晚上很黑\"\n"
        );
        assert!(first_sheet_as_csv(b"phone,name\n").is_err());
    }
}
