//! Locating and loading a system CJK font for PDF output.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use skrifa::raw::FileRef;
use skrifa::{FontRef, MetadataProvider, instance::LocationRef, instance::Size};

/// The setting that names a font (`cjk_font` in linli.toml); shown in errors.
pub const FONT_ENV_VAR: &str = "LINLI_CJK_FONT";

/// Well-known Debian font paths, tried in order.
pub const DEFAULT_FONT_PATHS: [&str; 6] = [
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
];

/// Characters a font must cover to be considered usable.
const PROBE_CHARS: [char; 4] = ['证', '明', '志', '愿'];

/// A loaded CJK font; cheap to clone.
#[derive(Clone)]
pub struct CjkFont {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    data: Arc<Vec<u8>>,
    index: u32,
    family: String,
    krilla: krilla::text::Font,
}

impl CjkFont {
    /// File the font was loaded from.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Face index inside a font collection (0 for plain .ttf/.otf).
    pub fn face_index(&self) -> u32 {
        self.inner.index
    }

    /// Family name of the selected face, if the font declares one.
    pub fn family(&self) -> &str {
        &self.inner.family
    }

    /// Whether the selected face has a glyph for `c`.
    pub fn has_glyph(&self, c: char) -> bool {
        self.face().is_some_and(|face| face.charmap().map(c).is_some())
    }

    /// The font as a krilla font handle (cheap clone).
    pub(crate) fn krilla_font(&self) -> krilla::text::Font {
        self.inner.krilla.clone()
    }

    /// Approximate advance width of `text` at `size` points (no kerning).
    pub(crate) fn text_width(&self, text: &str, size: f32) -> f32 {
        let Some(face) = self.face() else {
            return text.chars().count() as f32 * size;
        };
        let upem = face.metrics(Size::unscaled(), LocationRef::default()).units_per_em;
        let upem = if upem == 0 { 1000.0 } else { f32::from(upem) };
        let charmap = face.charmap();
        let metrics = face.glyph_metrics(Size::unscaled(), LocationRef::default());
        let units: f32 = text
            .chars()
            .map(|c| {
                let gid = charmap.map(c).unwrap_or_default();
                metrics.advance_width(gid).unwrap_or(upem)
            })
            .sum();
        units * size / upem
    }

    fn face(&self) -> Option<FontRef<'_>> {
        FontRef::from_index(&self.inner.data, self.inner.index).ok()
    }
}

impl fmt::Debug for CjkFont {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CjkFont")
            .field("path", &self.inner.path)
            .field("face_index", &self.inner.index)
            .field("family", &self.inner.family)
            .field("bytes", &self.inner.data.len())
            .finish()
    }
}

/// Why no CJK font could be loaded.
#[derive(Debug, thiserror::Error)]
pub enum FontError {
    #[error(
        "未找到可用的中文字体 / no usable CJK font found. 已查找 / searched: {}. \
         解决办法 / fix: `apt-get install fonts-wqy-microhei` (或 / or fonts-noto-cjk), \
         或设置 / or set {FONT_ENV_VAR}=/path/to/font",
        display_paths(.searched)
    )]
    NotFound { searched: Vec<PathBuf> },
    #[error("无法读取字体文件 / cannot read font file {}: {source}", .path.display())]
    Unreadable { path: PathBuf, source: std::io::Error },
    #[error(
        "字体文件不可用（无法解析或缺少中文字形）/ font file {} cannot be parsed or lacks \
         Chinese glyphs; install fonts-wqy-microhei or set {FONT_ENV_VAR}=/path/to/font",
        .path.display()
    )]
    Unusable { path: PathBuf },
}

fn display_paths(paths: &[PathBuf]) -> String {
    if paths.is_empty() {
        return "(none)".to_owned();
    }
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Find a usable CJK font: only `configured` if given, else the Debian defaults.
pub fn find_cjk_font(configured: Option<&Path>) -> Result<CjkFont, FontError> {
    match configured {
        Some(path) => load(path),
        None => {
            let candidates: Vec<PathBuf> = DEFAULT_FONT_PATHS.iter().map(PathBuf::from).collect();
            search(&candidates)
        }
    }
}

fn search(candidates: &[PathBuf]) -> Result<CjkFont, FontError> {
    for path in candidates {
        if !path.is_file() {
            continue;
        }
        // A present but broken candidate is skipped in favour of the next one.
        if let Ok(font) = load(path) {
            return Ok(font);
        }
    }
    Err(FontError::NotFound {
        searched: candidates.to_vec(),
    })
}

fn load(path: &Path) -> Result<CjkFont, FontError> {
    let data = std::fs::read(path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::NotFound {
            FontError::NotFound {
                searched: vec![path.to_path_buf()],
            }
        } else {
            FontError::Unreadable {
                path: path.to_path_buf(),
                source,
            }
        }
    })?;
    let unusable = || FontError::Unusable {
        path: path.to_path_buf(),
    };
    let (index, family) = pick_face(&data).ok_or_else(unusable)?;
    let data = Arc::new(data);
    let krilla = krilla::text::Font::new(krilla::Data::from(Arc::clone(&data)), index).ok_or_else(unusable)?;
    Ok(CjkFont {
        inner: Arc::new(Inner {
            path: path.to_path_buf(),
            data,
            index,
            family,
            krilla,
        }),
    })
}

/// Choose the best face covering the probe characters; prefers Simplified
/// Chinese faces in collections such as Noto CJK and avoids "Mono" variants.
fn pick_face(data: &[u8]) -> Option<(u32, String)> {
    let file = FileRef::new(data).ok()?;
    let mut best: Option<(i32, u32, String)> = None;
    for (index, face) in file.fonts().enumerate() {
        let Ok(face) = face else { continue };
        let Ok(index) = u32::try_from(index) else {
            break;
        };
        let charmap = face.charmap();
        if !PROBE_CHARS.iter().all(|&c| charmap.map(c).is_some()) {
            continue;
        }
        let family = face
            .localized_strings(skrifa::string::StringId::FAMILY_NAME)
            .english_or_first()
            .map(|s| s.to_string())
            .unwrap_or_default();
        let mut score = 0;
        if family.ends_with(" SC") || family.contains("GB") {
            score += 2;
        }
        if family.contains("Mono") {
            score -= 1;
        }
        if best.as_ref().is_none_or(|(s, _, _)| score > *s) {
            best = Some((score, index, family));
        }
    }
    best.map(|(_, index, family)| (index, family))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    const WQY: &str = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";

    #[test]
    fn finds_installed_wqy_font() {
        let font = find_cjk_font(None).expect("a CJK font should be installed");
        assert_eq!(font.path(), Path::new(WQY));
        assert!(font.has_glyph('证'));
        assert!(font.family().contains("WenQuanYi"), "{}", font.family());
        assert!(!font.family().contains("Mono"));
        // CJK glyphs are full-width; Latin is narrower.
        let cjk = font.text_width("证明", 10.0);
        assert!((cjk - 20.0).abs() < 0.5, "{cjk}");
        assert!(font.text_width("ab", 10.0) < cjk);
    }

    #[test]
    fn configured_path_is_used_exclusively() {
        let font = find_cjk_font(Some(Path::new(WQY))).unwrap();
        assert_eq!(font.path(), Path::new(WQY));
        let clone = font.clone();
        assert!(Arc::ptr_eq(&font.inner, &clone.inner));
    }

    #[test]
    fn configured_missing_path_errors_with_path() {
        let missing = Path::new("/nonexistent/linli/font.ttc");
        let err = find_cjk_font(Some(missing)).unwrap_err();
        assert!(matches!(err, FontError::NotFound { .. }), "{err:?}");
        let msg = err.to_string();
        assert!(msg.contains("/nonexistent/linli/font.ttc"), "{msg}");
        assert!(msg.contains(FONT_ENV_VAR), "{msg}");
    }

    #[test]
    fn configured_directory_is_unreadable() {
        let err = find_cjk_font(Some(Path::new("/usr/share"))).unwrap_err();
        assert!(matches!(err, FontError::Unreadable { .. }), "{err:?}");
        assert!(err.to_string().contains("/usr/share"));
    }

    #[test]
    fn non_font_file_is_unusable() {
        let path = std::env::temp_dir().join(format!("linli-not-a-font-{}.ttf", std::process::id()));
        std::fs::write(&path, b"definitely not a font").unwrap();
        let err = find_cjk_font(Some(&path)).unwrap_err();
        std::fs::remove_file(&path).ok();
        assert!(matches!(err, FontError::Unusable { .. }), "{err:?}");
        assert!(err.to_string().contains("linli-not-a-font"));
    }

    #[test]
    fn not_found_message_names_paths_and_fix() {
        let candidates = vec![PathBuf::from("/nonexistent/a.ttc"), PathBuf::from("/nonexistent/b.ttf")];
        let err = search(&candidates).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("/nonexistent/a.ttc"), "{msg}");
        assert!(msg.contains("/nonexistent/b.ttf"), "{msg}");
        assert!(msg.contains("apt-get install fonts-wqy-microhei"), "{msg}");
        assert!(msg.contains("fonts-noto-cjk"), "{msg}");
        assert!(msg.contains("LINLI_CJK_FONT="), "{msg}");
        assert!(msg.contains("未找到"), "{msg}");
    }

    #[test]
    fn font_is_shareable_across_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<CjkFont>();
    }
}
