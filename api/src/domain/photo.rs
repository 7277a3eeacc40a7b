//! Photos people attach to a request: which images are accepted, and the
//! metadata taken out before one is stored (EXIF carries the GPS position
//! of the home and the phone's make; XMP and comments may too).

use img_parts::jpeg::{Jpeg, markers};
use img_parts::png::Png;
use img_parts::webp::WebP;
use img_parts::{Bytes, ImageEXIF};

/// At most this many bytes per photo.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
/// At most this many photos per request.
pub const MAX_PER_REQUEST: u32 = 6;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jpeg,
    Png,
    WebP,
}

impl Format {
    /// From the upload's `Content-Type` (parameters ignored).
    pub fn from_content_type(ct: &str) -> Option<Format> {
        match ct
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
            .as_str()
        {
            "image/jpeg" | "image/jpg" => Some(Format::Jpeg),
            "image/png" => Some(Format::Png),
            "image/webp" => Some(Format::WebP),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::WebP => "image/webp",
        }
    }
}

/// The image without EXIF, XMP, comments and other application segments
/// (the colour profile is kept); `None` if the bytes are not an image of
/// that format.
pub fn strip(format: Format, bytes: Vec<u8>) -> Option<Vec<u8>> {
    let bytes = Bytes::from(bytes);
    let out = match format {
        Format::Jpeg => {
            let mut jpeg = Jpeg::from_bytes(bytes).ok()?;
            jpeg.set_exif(None);
            // APP1 (EXIF, XMP) … APP15 and comments go; APP0 (JFIF), APP2
            // (the ICC profile) and APP14 (Adobe colour transform) stay.
            jpeg.segments_mut().retain(|s| {
                let m = s.marker();
                !(m == markers::COM || (markers::APP1..=markers::APP15).contains(&m))
                    || m == markers::APP2
                    || m == markers::APP14
            });
            jpeg.encoder().bytes()
        }
        Format::Png => {
            let mut png = Png::from_bytes(bytes).ok()?;
            png.set_exif(None);
            // Text chunks (tEXt, zTXt, iTXt) can carry XMP and the camera.
            png.chunks_mut()
                .retain(|c| !matches!(&c.kind(), b"tEXt" | b"zTXt" | b"iTXt" | b"eXIf" | b"tIME"));
            png.encoder().bytes()
        }
        Format::WebP => {
            let mut webp = WebP::from_bytes(bytes).ok()?;
            webp.set_exif(None);
            webp.chunks_mut().retain(|c| &c.id() != b"XMP ");
            webp.encoder().bytes()
        }
    };
    Some(out.to_vec())
}

/// Whether the image still carries EXIF (for tests and checks).
pub fn has_exif(format: Format, bytes: &[u8]) -> bool {
    let bytes = Bytes::copy_from_slice(bytes);
    match format {
        Format::Jpeg => Jpeg::from_bytes(bytes).ok().and_then(|j| j.exif()).is_some(),
        Format::Png => Png::from_bytes(bytes).ok().and_then(|p| p.exif()).is_some(),
        Format::WebP => WebP::from_bytes(bytes).ok().and_then(|w| w.exif()).is_some(),
    }
}

/// For tests: a minimal 1×1 JPEG with SOI, APP0 (JFIF), APP1 (EXIF with a GPS tag's bytes),
/// a comment, then a tiny valid scan taken from a 1×1 image.
pub fn sample_jpeg_with_exif() -> Vec<u8> {
    let mut j = vec![0xFF, 0xD8];
    j.extend([
        0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
    ]);
    let exif = b"Exif\0\0MM\0*\0\0\0\x08GPS-30.2741N-120.1551E";
    let len = u16::try_from(exif.len() + 2).unwrap_or(u16::MAX);
    j.extend([0xFF, 0xE1]);
    j.extend(len.to_be_bytes());
    j.extend(exif);
    let com = b"shot at home";
    j.extend([0xFF, 0xFE]);
    j.extend(u16::try_from(com.len() + 2).unwrap_or(u16::MAX).to_be_bytes());
    j.extend(com);
    j.extend(TINY_SCAN);
    j
}

/// DQT, SOF0 1×1 greyscale, DHT ×2, SOS with one byte of data, EOI.
const TINY_SCAN: &[u8] = &[
    0xFF, 0xDB, 0x00, 0x43, 0x00, 8, 6, 6, 7, 6, 5, 8, 7, 7, 7, 9, 9, 8, 10, 12, 20, 13, 12, 11, 11, 12, 25, 18, 19,
    15, 20, 29, 26, 31, 30, 29, 26, 28, 28, 32, 36, 46, 39, 32, 34, 44, 35, 28, 28, 40, 55, 41, 44, 48, 49, 52, 52, 52,
    31, 39, 57, 61, 56, 50, 60, 46, 51, 52, 50, 0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x01, 0x00, 0x01, 0x01, 0x01, 0x11,
    0x00, 0xFF, 0xC4, 0x00, 0x14, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0xFF, 0xC4, 0x00,
    0x14, 0x10, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00,
    0x00, 0x3F, 0x00, 0x37, 0xFF, 0xD9,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exif_xmp_and_comments_are_taken_out_of_a_jpeg() {
        let before = sample_jpeg_with_exif();
        assert!(has_exif(Format::Jpeg, &before));
        let after = strip(Format::Jpeg, before.clone()).expect("a jpeg");
        assert!(!has_exif(Format::Jpeg, &after));
        let text = String::from_utf8_lossy(&after);
        assert!(!text.contains("GPS") && !text.contains("shot at home"), "{text}");
        assert!(text.contains("JFIF"), "APP0 stays");
        assert!(after.len() < before.len());
    }

    #[test]
    fn not_an_image_is_refused() {
        assert_eq!(strip(Format::Jpeg, b"hello".to_vec()), None);
        assert_eq!(strip(Format::Png, b"\xFF\xD8\xFF".to_vec()), None);
    }

    #[test]
    fn content_types() {
        assert_eq!(Format::from_content_type("image/JPEG; q=1"), Some(Format::Jpeg));
        assert_eq!(Format::from_content_type("image/gif"), None);
        assert_eq!(Format::WebP.content_type(), "image/webp");
    }
}
