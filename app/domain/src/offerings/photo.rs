//! An offering's photo: what is accepted, and the sizes the pages use. Decoding and
//! re-encoding are the server's (they need an image library); the rules are here.

use crate::message::Message;
use crate::validation::FieldError;

/// The largest upload accepted.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;

/// The formats accepted, told by their first bytes (a file's name or declared type is
/// not trusted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoFormat {
    Jpeg,
    Png,
    Webp,
}

impl PhotoFormat {
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        match bytes {
            [0xFF, 0xD8, 0xFF, ..] => Some(Self::Jpeg),
            [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some(Self::Png),
            [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some(Self::Webp),
            _ => None,
        }
    }
}

/// The sizes kept: the longest side in pixels (never enlarged).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoSize {
    /// A result card's thumbnail.
    Card,
    /// The service page.
    Page,
}

impl PhotoSize {
    pub const ALL: [PhotoSize; 2] = [PhotoSize::Card, PhotoSize::Page];

    pub fn slug(self) -> &'static str {
        match self {
            Self::Card => "card",
            Self::Page => "page",
        }
    }

    pub fn parse(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.slug() == slug)
    }

    pub fn longest_side(self) -> u32 {
        match self {
            Self::Card => 320,
            Self::Page => 960,
        }
    }
}

/// The path a photo of `key` is served at.
pub fn photo_path(key: &str, size: PhotoSize) -> String {
    format!("/photos/{key}/{}.jpg", size.slug())
}

/// What is wrong with an upload before decoding it, if anything.
pub fn check_upload(bytes: &[u8]) -> Result<PhotoFormat, FieldError> {
    if bytes.is_empty() {
        return Err(FieldError::new("photo", "请选择一张照片", "choose a photo to upload"));
    }
    if bytes.len() > MAX_BYTES {
        return Err(too_large());
    }
    PhotoFormat::sniff(bytes).ok_or_else(unreadable)
}

/// The refusal for a file over [`MAX_BYTES`].
pub fn too_large() -> FieldError {
    FieldError::with(
        "photo",
        Message::owned(
            format!("照片太大了（最大 {} MB）", MAX_BYTES / 1024 / 1024),
            format!("the photo is too large (at most {} MB)", MAX_BYTES / 1024 / 1024),
        ),
    )
}

/// The refusal for a file that is not a JPEG, PNG or WebP image we can read.
pub fn unreadable() -> FieldError {
    FieldError::new(
        "photo",
        "只能上传 JPEG、PNG 或 WebP 格式的照片",
        "must be a JPEG, PNG or WebP image",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_by_their_first_bytes() {
        assert_eq!(PhotoFormat::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(PhotoFormat::Jpeg));
        assert_eq!(PhotoFormat::sniff(b"\x89PNG\r\n\x1a\n...."), Some(PhotoFormat::Png));
        assert_eq!(PhotoFormat::sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(PhotoFormat::Webp));
        assert_eq!(PhotoFormat::sniff(b"GIF89a"), None);
        assert_eq!(PhotoFormat::sniff(b"<svg"), None);
    }

    #[test]
    fn uploads_are_refused_empty_too_large_or_of_another_kind() {
        assert!(check_upload(&[]).is_err());
        let mut big = vec![0xFF, 0xD8, 0xFF];
        big.resize(MAX_BYTES + 1, 0);
        assert!(check_upload(&big).unwrap_err().message.en.contains("5 MB"));
        assert!(check_upload(b"%PDF-1.7").unwrap_err().message.en.contains("JPEG"));
        assert_eq!(photo_path("ab12", PhotoSize::Page), "/photos/ab12/page.jpg");
    }
}
