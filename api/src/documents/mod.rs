//! Printable documents: the volunteer-service certificate (PDF) and
//! spreadsheet exports (XLSX).

pub mod certificate;
pub mod font;
pub mod xlsx;

pub use certificate::{CertificateDoc, MAX_TABLE_ROWS, ServiceLine, format_hours, render_pdf};
pub use font::{CjkFont, FONT_ENV_VAR, FontError, find_cjk_font};
pub use xlsx::{Cell, Sheet, workbook};
