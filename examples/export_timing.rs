//! How long exporting a very large photo takes, stage by stage (issue 16: a 64 MP export must stay
//! under about 5 s and 1 GB).
//!
//! `write OUT [WIDTH HEIGHT]` writes a synthetic phone-like JPEG (default 8000 × 8000, quality 92):
//! a desk of smooth gradients with sensor noise and a light card with printed bands, so the JPEG
//! encoder sees real-ish content rather than flat colour or pure noise. `time FILE…` reads each
//! file and prints the wall and CPU milliseconds of each export stage (read and decode, analyse,
//! colour, render with the size-band search, write), the chosen JPEG quality and size, and one
//! plain full-size encode for scale. For the whole command's peak memory use
//! `/usr/bin/time -v target/release/idcap export FILE -o OUT.jpg`.
//!
//! Run: `cargo run --release --example export_timing -- write /tmp/big.jpg`, then
//! `cargo run --release --example export_timing -- time /tmp/big.jpg`.

#[path = "support/cpu_time.rs"]
mod cpu_time;

use std::path::Path;
use std::time::Instant;

use idcap::export::{self, ExportPreset, Layout};
use idcap::quality::Analyzer;
use image::codecs::jpeg::JpegEncoder;
use image::{ImageEncoder, Rgb, RgbImage};

/// A deterministic phone-like photo: gradients, noise of about ±6 levels, a card with bands.
fn synthetic(w: u32, h: u32) -> RgbImage {
    let mut state = 0x9E37_79B9u32;
    let (cx0, cx1) = (w / 5, w * 4 / 5);
    let (cy0, cy1) = (h * 3 / 10, h * 7 / 10);
    RgbImage::from_fn(w, h, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let noise = (state & 0x0f) as i32 - 8;
        let gx = (x * 80 / w.max(1)) as i32;
        let gy = (y * 60 / h.max(1)) as i32;
        let (r, g, b) = if (cx0..cx1).contains(&x) && (cy0..cy1).contains(&y) {
            // Printed bands and "text" blocks on the card.
            let band = (y - cy0) / (h / 60).max(1);
            let col = (x - cx0) / (w / 90).max(1);
            let ink = band % 3 == 1 && col % 4 != 3 && x > (cx0 + cx1) / 2 - w / 20;
            if ink {
                (50, 55, 70)
            } else {
                (215 - gy / 4, 208 - gy / 4, 195 - gx / 8)
            }
        } else {
            (70 + gx, 60 + gy, 50 + (gx + gy) / 2)
        };
        let px = |v: i32| (v + noise).clamp(0, 255) as u8;
        Rgb([px(r), px(g), px(b)])
    })
}

/// CPU time used so far, milliseconds (NaN where it cannot be read).
fn cpu_ms() -> f64 {
    cpu_time::cpu_ms().unwrap_or(f64::NAN)
}

/// Times one stage: prints its wall and CPU milliseconds and returns its value.
fn stage<T>(name: &str, f: impl FnOnce() -> T) -> T {
    let (t, c) = (Instant::now(), cpu_ms());
    let v = f();
    println!(
        "  {name:<28} {:>8.0} ms wall {:>8.0} ms cpu",
        t.elapsed().as_secs_f64() * 1e3,
        cpu_ms() - c
    );
    v
}

fn write(out: &Path, w: u32, h: u32) -> Result<(), String> {
    let img = synthetic(w, h);
    let mut bytes = Vec::new();
    JpegEncoder::new_with_quality(&mut bytes, 92)
        .write_image(img.as_raw(), w, h, image::ExtendedColorType::Rgb8)
        .map_err(|e| e.to_string())?;
    std::fs::write(out, &bytes).map_err(|e| e.to_string())?;
    println!("wrote {} ({w} × {h}, {} bytes)", out.display(), bytes.len());
    Ok(())
}

fn time(path: &Path) -> Result<(), String> {
    println!("{}", path.display());
    let total = (Instant::now(), cpu_ms());
    let photo = stage("read + decode + orient", || idcap::decode::read_file(path))
        .map_err(|e| e.to_string())?;
    let preset = ExportPreset::default();
    let profile = preset.checks.profile(idcap::quality::DocChoice::Auto);
    let report = stage("analyse", || Analyzer::new().assess(&photo.image, &profile));
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let out = dir.path().join("out.jpg");
    let exported = stage("colour + render + write", || {
        export::export_with_profile(
            &photo.image,
            photo.icc_profile.as_deref(),
            Some(&report),
            &preset,
            Layout::FullFrame,
            &out,
            false,
        )
    })
    .map_err(|e| e.to_string())?;
    println!(
        "  total {:.0} ms wall, {:.0} ms cpu",
        total.0.elapsed().as_secs_f64() * 1e3,
        cpu_ms() - total.1
    );
    println!("  {}", exported.summary());
    for n in &exported.notes {
        println!("  note: {n}");
    }
    let (w, h) = photo.image.dimensions();
    stage("for scale: one encode, q 90", || {
        let mut b = Vec::new();
        JpegEncoder::new_with_quality(&mut b, 90)
            .write_image(photo.image.as_raw(), w, h, image::ExtendedColorType::Rgb8)
            .map(|_| b.len())
    })
    .map_err(|e| e.to_string())?;
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("write") if args.len() >= 2 => {
            let side = |i: usize| args.get(i).and_then(|s| s.parse().ok()).unwrap_or(8000);
            write(Path::new(&args[1]), side(2), side(3))
        }
        Some("time") if args.len() >= 2 => args[1..].iter().try_for_each(|p| time(Path::new(p))),
        _ => Err("usage: export_timing write OUT [WIDTH HEIGHT] | time FILE…".into()),
    };
    if let Err(e) = result {
        eprintln!("export_timing: {e}");
        std::process::exit(2);
    }
}
