//! How long reviewing and exporting a large phone photo takes.
//!
//! Writes a synthetic 12 MP (4000 × 3000) JPEG with EXIF orientation 6, a card and textured desk to a
//! temporary folder — or takes the files named on the command line — then reviews each through the
//! same background worker the app uses (read, decode, orient, analyse, flags, preview, thumbnail) and
//! exports it with the default preset. Prints milliseconds per stage.
//!
//! Run: `cargo run --example review_timing [--no-export] [FILE…]` (add `--release` for release
//! numbers; `--no-export` skips the export, e.g. under `valgrind --tool=callgrind`, where the
//! export's several encodes take most of the time).

#[path = "support/cpu_time.rs"]
mod cpu_time;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use idcap::export::{self, ExportPreset, Layout};
use idcap::quality::Profile;
use idcap::review::{EntryState, ReviewSession, Source};
use image::codecs::jpeg::JpegEncoder;
use image::{ImageEncoder, Rgb, RgbImage};

fn synthetic_12mp(dir: &std::path::Path) -> PathBuf {
    let (w, h) = (4000u32, 3000u32);
    let mut state = 0x2545_f491u32;
    let img = RgbImage::from_fn(w, h, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let n = (state & 0x0f) as u8;
        if (700..3300).contains(&x) && (700..2340).contains(&y) {
            let stripe = if (y / 40) % 5 == 0 && x > 1800 { 60 } else { 0 };
            Rgb([215 - stripe + n, 205 - stripe + n, 190 - stripe + n])
        } else {
            Rgb([60 + n, 70 + n, 90 + n])
        }
    });
    let mut bytes = Vec::new();
    let mut enc = JpegEncoder::new_with_quality(&mut bytes, 90);
    // Minimal big-endian TIFF with one IFD entry: Orientation (0x0112) = 6.
    let exif = vec![
        b'M', b'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0,
    ];
    let _ = enc.set_exif_metadata(exif);
    enc.write_image(img.as_raw(), w, h, image::ExtendedColorType::Rgb8)
        .expect("encode the synthetic photo");
    let path = dir.join("synthetic_12mp.jpg");
    std::fs::write(&path, bytes).expect("write the synthetic photo");
    path
}

fn main() {
    let tmp = std::env::temp_dir().join(format!("idcap-timing-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).expect("temp dir");
    let args: Vec<String> = std::env::args().skip(1).collect();
    let export = !args.iter().any(|a| a == "--no-export");
    let mut files: Vec<PathBuf> = args
        .iter()
        .filter(|a| *a != "--no-export")
        .map(PathBuf::from)
        .collect();
    if files.is_empty() {
        files.push(synthetic_12mp(&tmp));
    }
    for path in files {
        if let Ok(bytes) = std::fs::read(&path) {
            let t = Instant::now();
            let ok = idcap::decode::decode_bytes(&bytes).is_ok();
            println!(
                "decode_bytes alone (in memory, orientation applied): {:.0} ms (ok: {ok})",
                t.elapsed().as_secs_f64() * 1e3
            );
        }
        // Three runs; the first warms the file cache and allocator.
        for run in 0..3 {
            let mut session = ReviewSession::new(Profile::default());
            let cpu0 = cpu_time::cpu_ms();
            let t0 = Instant::now();
            session.add(Source::Path(path.clone()));
            session.wait_idle(Duration::from_secs(120));
            let wall = t0.elapsed().as_secs_f64() * 1e3;
            let cpu = match (cpu0, cpu_time::cpu_ms()) {
                (Some(a), Some(b)) => format!("{:.0} ms CPU (±10)", b - a),
                _ => "CPU time unknown".into(),
            };
            let Some(entry) = session.selected_entry() else {
                continue;
            };
            match &entry.state {
                EntryState::Done(r) => {
                    let (w, h) = r.image.dimensions();
                    println!(
                        "run {run}: {} {w}×{h}: review {wall:.0} ms wall, {cpu} (read+decode+orient {:.0} ms, analyse {:.0} ms, flags+preview+thumbnail {:.0} ms); verdict {:?}",
                        entry.name,
                        r.timings.decode_ms,
                        r.timings.analyze_ms,
                        r.total_ms - r.timings.decode_ms - r.timings.analyze_ms,
                        r.report.verdict()
                    );
                    if run == 2 && export {
                        let t1 = Instant::now();
                        let rendered = export::render(
                            &r.image,
                            Some(&r.report),
                            &ExportPreset::default(),
                            Layout::FullFrame,
                        );
                        let ms = t1.elapsed().as_secs_f64() * 1e3;
                        match rendered {
                            Ok(x) => println!(
                                "        export (full frame, kyc-portal): {ms:.0} ms, {} bytes at quality {}",
                                x.bytes.len(),
                                x.quality
                            ),
                            Err(e) => println!("        export failed after {ms:.0} ms: {e}"),
                        }
                    }
                }
                EntryState::Failed(e) => println!("{}: {e}", entry.name),
                EntryState::Working(_) => println!("{}: timed out", entry.name),
            }
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
}
