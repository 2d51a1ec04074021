//! What one photo upload costs the server: decoding, orienting and re-encoding a phone
//! picture (12 MP JPEG, ~4 MB) and a screenshot-sized PNG, on one core.
//!
//! `cargo bench -p server --bench photos`

use criterion::{criterion_group, criterion_main, Criterion};
use std::io::Cursor;

fn picture(width: u32, height: u32, format: image::ImageFormat) -> Vec<u8> {
    // Gradients with fine texture: compresses like a photo (a few MB at 12 MP), unlike
    // pure noise, which would exceed the 5 MB an upload may be.
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        let grain = (x.wrapping_mul(31) ^ y.wrapping_mul(17)) & 15;
        image::Rgb([
            ((x / 16) % 256) as u8,
            ((y / 12) % 256) as u8,
            (((x ^ y) / 32 + grain) % 256) as u8,
        ])
    });
    let mut out = Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img).write_to(&mut out, format).unwrap();
    out.into_inner()
}

fn photos(c: &mut Criterion) {
    let phone = picture(4000, 3000, image::ImageFormat::Jpeg);
    let screenshot = picture(1080, 2400, image::ImageFormat::Png);
    assert!(
        phone.len() <= app::domain::offerings::photo::MAX_BYTES,
        "a phone photo within the limit"
    );
    eprintln!(
        "inputs: 12 MP JPEG {} KB, 1080×2400 PNG {} KB",
        phone.len() / 1024,
        screenshot.len() / 1024
    );
    let mut group = c.benchmark_group("photo");
    group.sample_size(10);
    group.bench_function("12MP jpeg", |b| {
        b.iter(|| doorstep_server::photos::process(&phone).unwrap())
    });
    group.bench_function("1080x2400 png", |b| {
        b.iter(|| doorstep_server::photos::process(&screenshot).unwrap())
    });
    group.finish();
}

criterion_group!(benches, photos);
criterion_main!(benches);
