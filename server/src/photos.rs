//! Offering photos: an upload is decoded (JPEG, PNG or WebP, told by its bytes), turned
//! upright by its EXIF orientation, flattened onto white, scaled down to the sizes the
//! pages use and encoded again as JPEG. Nothing of the file but its pixels survives:
//! EXIF (with any GPS position of the photographer), comments and colour profiles are
//! dropped. Images are served at content-hashed paths, cached for a year.

use crate::rest::error::ApiError;
use crate::store::SqlStore;
use app::domain::offerings::photo::{check_upload, unreadable, PhotoSize};
use app::domain::validation::FieldError;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use image::{DynamicImage, ImageDecoder, ImageReader, Limits, RgbImage};
use std::io::Cursor;

/// The re-encoded sizes of one upload, and the key they are stored under.
pub struct Processed {
    pub key: String,
    pub images: Vec<(PhotoSize, Vec<u8>)>,
}

/// Decodes and re-encodes an upload (CPU-bound: call on the blocking pool).
pub fn process(bytes: &[u8]) -> Result<Processed, FieldError> {
    check_upload(bytes)?;
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| unreadable())?;
    // A small file can declare a huge picture ("decompression bomb"): bounded.
    let mut limits = Limits::default();
    limits.max_image_width = Some(12_000);
    limits.max_image_height = Some(12_000);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|_| unreadable())?;
    let orientation = decoder.orientation().map_err(|_| unreadable())?;
    let mut picture = DynamicImage::from_decoder(decoder).map_err(|_| unreadable())?;
    picture.apply_orientation(orientation);
    // Largest size first, each smaller one scaled from the one before: Lanczos over every
    // pixel of a 12 MP original was most of an upload's time. A fast box reduction to
    // twice the largest size comes first (the last, Lanczos step decides the quality),
    // and transparency is flattened on what is left, not on the original.
    let largest = PhotoSize::Page.longest_side();
    let reduced = if picture.width().max(picture.height()) > 2 * largest {
        picture.thumbnail(2 * largest, 2 * largest)
    } else {
        picture
    };
    let mut source = if reduced.color().has_alpha() {
        DynamicImage::ImageRgb8(flatten_on_white(&reduced))
    } else {
        reduced
    };
    let mut images = Vec::new();
    let mut key = String::new();
    for size in [PhotoSize::Page, PhotoSize::Card] {
        let side = size.longest_side();
        if source.width() > side || source.height() > side {
            source = source.resize(side, side, image::imageops::FilterType::Lanczos3);
        }
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 82)
            .encode_image(&source.to_rgb8())
            .map_err(|_| unreadable())?;
        if size == PhotoSize::Page {
            use sha2::Digest;
            key = sha2::Sha256::digest(&jpeg)
                .iter()
                .take(12)
                .map(|b| format!("{b:02x}"))
                .collect();
        }
        images.push((size, jpeg));
    }
    Ok(Processed { key, images })
}

/// Transparent pixels become white, not black (JPEG has no alpha).
fn flatten_on_white(picture: &DynamicImage) -> RgbImage {
    let rgba = picture.to_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let over = |c: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8;
        image::Rgb([over(r), over(g), over(b)])
    })
}

/// `GET /photos/{key}/{size}.jpg`.
pub async fn serve(
    State(store): State<SqlStore>,
    Path((key, file)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let not_found = || ApiError::from(app::domain::error::AppError::not_found("照片", "photo"));
    let size = file
        .strip_suffix(".jpg")
        .and_then(PhotoSize::parse)
        .ok_or_else(not_found)?;
    let bytes = store.photo(&key, size).await?.ok_or_else(not_found)?;
    Ok((
        [
            (http::header::CONTENT_TYPE, "image/jpeg"),
            // The path names the content: it never changes.
            (http::header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(picture: DynamicImage, format: image::ImageFormat) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        picture.write_to(&mut out, format).unwrap();
        out.into_inner()
    }

    #[test]
    fn a_large_png_is_scaled_to_both_sizes_as_jpeg() {
        let picture = DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(2000, 1000, image::Rgba([200, 10, 10, 0])));
        let processed = process(&encoded(picture, image::ImageFormat::Png)).unwrap();
        assert_eq!(processed.key.len(), 24);
        for (size, jpeg) in &processed.images {
            let back = image::load_from_memory(jpeg).unwrap();
            assert_eq!(back.width(), size.longest_side(), "{size:?}");
            assert_eq!(back.height(), size.longest_side() / 2);
            // Fully transparent pixels came out white.
            assert!(back.to_rgb8().get_pixel(5, 5).0.iter().all(|&c| c > 240));
        }
    }

    #[test]
    fn exif_never_survives_and_small_pictures_are_not_enlarged() {
        // A JPEG carrying an APP1 EXIF segment with a GPS tag's bytes in it.
        let plain = encoded(
            DynamicImage::ImageRgb8(RgbImage::from_pixel(100, 80, image::Rgb([1, 2, 3]))),
            image::ImageFormat::Jpeg,
        );
        let mut exif = b"Exif\0\0MM\0*\0\0\0\x08GPSLatitude 30.64".to_vec();
        let mut with_exif = plain[..2].to_vec();
        with_exif.extend([0xFF, 0xE1]);
        with_exif.extend(((exif.len() + 2) as u16).to_be_bytes());
        with_exif.append(&mut exif);
        with_exif.extend(&plain[2..]);
        let processed = process(&with_exif).unwrap();
        for (_, jpeg) in &processed.images {
            assert!(!jpeg.windows(4).any(|w| w == b"Exif"), "EXIF was dropped");
            assert!(!jpeg.windows(11).any(|w| w == b"GPSLatitude"));
            assert_eq!(image::load_from_memory(jpeg).unwrap().width(), 100);
        }
    }

    #[test]
    fn what_is_not_a_picture_is_refused() {
        assert!(process(b"GIF89a....").is_err());
        assert!(process(&[0xFF, 0xD8, 0xFF, 0x00, 0x01]).is_err(), "a truncated JPEG");
    }
}
