//! Pictures in conversations: what a picture must be to be stored (a PNG, JPEG, GIF or
//! WebP by its bytes, whatever it claims), and its size in pixels from its header.
//!
//! Pure functions; the routes are in [`crate::routes::image`]. SVG is refused on
//! purpose: it is a document that can carry script, and the pictures are served from
//! the chat's own origin.

use parley_protocol::api::MAX_IMAGE_BYTES;

use crate::tickets::{sniff, Sniffed};

/// Most pixels on a side we accept (larger headers are either bogus or decompression
/// bombs for the viewer).
pub const MAX_SIDE: u32 = 20_000;

/// A picture that passed [`check`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checked {
    /// The MIME type found from the content.
    pub content_type: &'static str,
    pub width: u32,
    pub height: u32,
}

/// Checks an uploaded picture: not empty, at most [`MAX_IMAGE_BYTES`], a PNG, JPEG, GIF
/// or WebP by signature, with a readable size within [`MAX_SIDE`]. The error is the
/// message the uploader sees.
pub fn check(bytes: &[u8]) -> Result<Checked, String> {
    if bytes.is_empty() {
        return Err("the picture is empty".into());
    }
    if bytes.len() as u64 > MAX_IMAGE_BYTES {
        return Err(format!(
            "the picture is larger than {} MB",
            MAX_IMAGE_BYTES / 1024 / 1024
        ));
    }
    let content_type = match sniff(bytes) {
        Some(Sniffed::Png) => "image/png",
        Some(Sniffed::Jpeg) => "image/jpeg",
        Some(Sniffed::Gif) => "image/gif",
        Some(Sniffed::Webp) => "image/webp",
        _ => return Err("only PNG, JPEG, GIF and WebP pictures can be sent".into()),
    };
    let (width, height) =
        dimensions(bytes).ok_or_else(|| "the picture's header is unreadable".to_owned())?;
    if width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE {
        return Err(format!(
            "the picture must be 1 to {MAX_SIDE} pixels on each side"
        ));
    }
    Ok(Checked {
        content_type,
        width,
        height,
    })
}

fn be16(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from(u16::from_be_bytes(
        b.get(at..at + 2)?.try_into().ok()?,
    )))
}
fn le16(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from(u16::from_le_bytes(
        b.get(at..at + 2)?.try_into().ok()?,
    )))
}
fn le24(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at + 3)?;
    Some(u32::from(s[0]) | u32::from(s[1]) << 8 | u32::from(s[2]) << 16)
}

/// Width and height from a PNG, GIF, WebP or JPEG header.
pub fn dimensions(b: &[u8]) -> Option<(u32, u32)> {
    match sniff(b)? {
        // IHDR is the first chunk: width and height big-endian at 16 and 20.
        Sniffed::Png => {
            let w = u32::from_be_bytes(b.get(16..20)?.try_into().ok()?);
            let h = u32::from_be_bytes(b.get(20..24)?.try_into().ok()?);
            Some((w, h))
        }
        Sniffed::Gif => Some((le16(b, 6)?, le16(b, 8)?)),
        Sniffed::Webp => match b.get(12..16)? {
            b"VP8 " => Some((le16(b, 26)? & 0x3FFF, le16(b, 28)? & 0x3FFF)),
            b"VP8L" => {
                let bits = u32::from_le_bytes(b.get(21..25)?.try_into().ok()?);
                Some(((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1))
            }
            b"VP8X" => Some((le24(b, 24)? + 1, le24(b, 27)? + 1)),
            _ => None,
        },
        Sniffed::Jpeg => jpeg_dimensions(b),
        _ => None,
    }
}

/// Walks the JPEG segments to the first start-of-frame marker.
fn jpeg_dimensions(b: &[u8]) -> Option<(u32, u32)> {
    let mut at = 2;
    loop {
        // Segments start with 0xFF (possibly padded with more 0xFF bytes).
        while *b.get(at)? == 0xFF && *b.get(at + 1)? == 0xFF {
            at += 1;
        }
        if *b.get(at)? != 0xFF {
            return None;
        }
        let marker = *b.get(at + 1)?;
        let len = be16(b, at + 2)? as usize;
        // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
        if (0xC0..=0xCF).contains(&marker) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
            return Some((be16(b, at + 7)?, be16(b, at + 5)?));
        }
        if len < 2 {
            return None;
        }
        at += 2 + len;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 3×2 PNG header (only the header is read).
    pub const PNG_3X2: &[u8] =
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x03\0\0\0\x02\x08\x06\0\0\0\0\0\0\0";

    #[test]
    fn sizes_from_headers() {
        assert_eq!(dimensions(PNG_3X2), Some((3, 2)));
        assert_eq!(dimensions(b"GIF89a\x0A\0\x05\0\0\0\0"), Some((10, 5)));
        // JPEG: SOI, an APP0 segment of length 4, then SOF0 with height 7 and width 9.
        let jpeg = b"\xFF\xD8\xFF\xE0\0\x04ab\xFF\xC0\0\x11\x08\0\x07\0\x09\x03";
        assert_eq!(dimensions(jpeg), Some((9, 7)));
        // WebP VP8X: canvas 640×480 stored minus one, 24-bit little-endian.
        let mut webp = b"RIFF\0\0\0\0WEBPVP8X\x0A\0\0\0\0\0\0\0".to_vec();
        webp.extend_from_slice(&[0x7F, 0x02, 0x00, 0xDF, 0x01, 0x00]);
        assert_eq!(dimensions(&webp), Some((640, 480)));
    }

    #[test]
    fn only_real_pictures_pass() {
        assert_eq!(check(PNG_3X2).unwrap().content_type, "image/png");
        assert!(check(b"").is_err());
        assert!(
            check(b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>")
                .unwrap_err()
                .contains("PNG")
        );
        assert!(check(b"<html><script>alert(1)</script>").is_err());
        // A truncated header is refused rather than stored with a made-up size.
        assert!(check(&PNG_3X2[..18]).is_err());
        let mut huge = PNG_3X2.to_vec();
        huge[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        assert!(check(&huge).is_err());
        let big = vec![0u8; MAX_IMAGE_BYTES as usize + 1];
        assert!(check(&big).unwrap_err().contains("larger"));
    }
}
