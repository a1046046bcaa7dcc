//! A mutation fuzzer for reading photos: decode + assess on mutated JPEG, PNG, WebP, BMP and TIFF
//! files, each behind `catch_panic`. A panic is a failure: its input is shrunk and written to
//! tests/fuzz_seeds/ (commit it: every file there is replayed first, as a regression test).
//!
//! `cargo test --test fuzz_decode` runs it for `QUICK_SECS`; the long run is
//! `IDCAP_FUZZ_SECS=600 cargo test --release --test fuzz_decode -- --ignored --nocapture`
//! (`IDCAP_FUZZ_SEED` picks another deterministic sequence). Mutations: bit flips, interesting
//! byte values, truncation, splicing from another seed, inserted and deleted bytes, lying size
//! fields, duplicated segments and stray JPEG markers; PNG checksums are usually repaired after.

#[path = "common/hostile.rs"]
mod hostile;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use idcap::decode;
use idcap::guard::catch_panic;
use idcap::quality::{self, Profile};
use image::{ExtendedColorType, ImageFormat};

/// Seconds of the run inside the normal `cargo test`.
const QUICK_SECS: u64 = 20;

/// The default sequence; `IDCAP_FUZZ_SEED` replaces it.
const DEFAULT_SEED: u64 = 0x1DCA_F022;

/// Most attempts spent shrinking one crashing input.
const SHRINK_ATTEMPTS: usize = 4_000;

/// splitmix64: small, deterministic, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Small intact files in every format and layout the fuzzer starts from.
fn seeds() -> Vec<Vec<u8>> {
    use ImageFormat as F;
    let img = hostile::textured(40, 30);
    let grey: Vec<u8> = img.pixels().map(|p| p[0]).collect();
    let rgba: Vec<u8> = img
        .pixels()
        .flat_map(|p| [p[0], p[1], p[2], p[1]])
        .collect();
    let rgb16: Vec<u8> = img.as_raw().iter().flat_map(|&v| [v, 3]).collect();
    let plte = hostile::png_chunk(b"PLTE", &[0, 0, 0, 255, 255, 255, 200, 30, 30]);
    let idat = hostile::png_chunk(b"IDAT", &hostile::zlib_zeros(9 * 8));
    vec![
        hostile::jpeg(&img, 90, None),
        hostile::jpeg(&img, 40, Some(hostile::exif_orientation(6))),
        hostile::encode(F::Jpeg, 40, 30, &grey, ExtendedColorType::L8),
        hostile::handmade_flat_jpeg(40, 30, 4, false),
        hostile::handmade_flat_jpeg(40, 30, 3, true),
        hostile::rgb_file(F::Png, &img),
        hostile::encode(F::Png, 40, 30, &rgba, ExtendedColorType::Rgba8),
        hostile::encode(F::Png, 40, 30, &rgb16, ExtendedColorType::Rgb16),
        hostile::png_from_chunks(8, 8, 8, 3, &[plte, idat]),
        hostile::rgb_file(F::WebP, &img),
        hostile::encode(F::WebP, 40, 30, &rgba, ExtendedColorType::Rgba8),
        hostile::rgb_file(F::Bmp, &img),
        hostile::encode(F::Bmp, 40, 30, &grey, ExtendedColorType::L8),
        hostile::rgb_file(F::Tiff, &img),
        hostile::encode(F::Tiff, 40, 30, &rgb16, ExtendedColorType::Rgb16),
    ]
}

/// Byte values that often sit on boundaries.
const INTERESTING_BYTES: [u8; 8] = [0x00, 0x01, 0x7F, 0x80, 0xFE, 0xFF, 0x10, 0x40];
/// Sizes a lying header claims.
const INTERESTING_SIZES: [u32; 10] = [
    0,
    1,
    2,
    641,
    0xFFFF,
    0x1_0000,
    16_384,
    16_385,
    0x7FFF_FFFF,
    0xFFFF_FFFF,
];

/// Applies one to four mutations to `input`.
fn mutate(rng: &mut Rng, input: &[u8], seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut data = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let len = data.len();
        match rng.below(10) {
            0 if len > 0 => {
                let at = rng.below(len);
                data[at] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let at = rng.below(len);
                data[at] = INTERESTING_BYTES[rng.below(INTERESTING_BYTES.len())];
            }
            2 => data.truncate(rng.below(len + 1)),
            3 => {
                let donor = &seeds[rng.below(seeds.len())];
                let from = rng.below(donor.len());
                let take = rng.below(donor.len() - from + 1).min(512);
                let at = rng.below(len + 1);
                let cut = rng.below(len - at + 1).min(512);
                data.splice(at..at + cut, donor[from..from + take].iter().copied());
            }
            4 => {
                let at = rng.below(len + 1);
                let n = 1 + rng.below(16);
                let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                data.splice(at..at, bytes);
            }
            5 if len > 0 => {
                let at = rng.below(len);
                let n = 1 + rng.below((len - at).min(64));
                data.drain(at..at + n);
            }
            6 if len >= 4 => {
                // A size field: most formats keep them in the first hundred bytes.
                let at = rng.below((len - 3).min(120));
                let size = INTERESTING_SIZES[rng.below(INTERESTING_SIZES.len())];
                let bytes = match rng.below(4) {
                    0 => size.to_be_bytes().to_vec(),
                    1 => size.to_le_bytes().to_vec(),
                    2 => (size as u16).to_be_bytes().to_vec(),
                    _ => (size as u16).to_le_bytes().to_vec(),
                };
                let end = (at + bytes.len()).min(len);
                data[at..end].copy_from_slice(&bytes[..end - at]);
            }
            7 if len > 0 => {
                let from = rng.below(len);
                let n = 1 + rng.below((len - from).min(256));
                let piece = data[from..from + n].to_vec();
                let at = rng.below(len + 1);
                data.splice(at..at, piece);
            }
            8 => {
                let markers = [0xD8, 0xD9, 0xDA, 0xC0, 0xC2, 0xC4, 0xDB, 0xDD, 0xD0, 0xE1];
                let at = rng.below(len + 1);
                let marker = [0xFF, markers[rng.below(markers.len())]];
                data.splice(at..at, marker);
            }
            9 => resize_png_chunk(rng, &mut data),
            _ => {}
        }
    }
    // The PNG decoder checks every chunk's CRC first: usually make the mutated chunks valid so
    // the mutation reaches the code behind the check.
    if rng.below(4) != 0 {
        fix_png_checksums(&mut data);
    }
    data
}

/// Grows or shrinks one chunk of a PNG by 1–3 bytes, its length field updated to match (a
/// palette of 4 bytes, a short header): the chunk list stays walkable, only the content lies.
fn resize_png_chunk(rng: &mut Rng, data: &mut Vec<u8>) {
    if !data.starts_with(b"\x89PNG\r\n\x1a\n") {
        return;
    }
    let mut chunks = Vec::new();
    let mut at = 8;
    while at + 12 <= data.len() {
        let len = u32::from_be_bytes([data[at], data[at + 1], data[at + 2], data[at + 3]]) as usize;
        if at + 12 + len > data.len() {
            break;
        }
        chunks.push((at, len));
        at += 12 + len;
    }
    if chunks.is_empty() {
        return;
    }
    let (at, len) = chunks[rng.below(chunks.len())];
    let delta = 1 + rng.below(3);
    let new_len = if rng.below(2) == 0 {
        data.splice(
            at + 8 + len..at + 8 + len,
            std::iter::repeat_n(rng.next() as u8, delta),
        );
        len + delta
    } else {
        let cut = delta.min(len);
        data.drain(at + 8 + len - cut..at + 8 + len);
        len - cut
    };
    data[at..at + 4].copy_from_slice(&(new_len as u32).to_be_bytes());
    fix_png_checksums(data);
}

/// Recomputes the CRC of every whole chunk of a PNG (no-op for other data).
fn fix_png_checksums(data: &mut [u8]) {
    if !data.starts_with(b"\x89PNG\r\n\x1a\n") {
        return;
    }
    let mut at = 8;
    while at + 12 <= data.len() {
        let len = u32::from_be_bytes([data[at], data[at + 1], data[at + 2], data[at + 3]]) as usize;
        let Some(end) = (at + 8).checked_add(len).filter(|e| e + 4 <= data.len()) else {
            return;
        };
        let crc = crc32fast::hash(&data[at + 4..end]);
        data[end..end + 4].copy_from_slice(&crc.to_be_bytes());
        at = end + 4;
    }
}

/// Decodes and assesses `bytes` behind the panic guard: whether it decoded, or the panic's message.
fn exercise(bytes: &[u8]) -> Result<bool, String> {
    catch_panic(|| match decode::decode_bytes(bytes) {
        Ok(photo) => {
            let _ = quality::assess(&photo.image, &Profile::default());
            true
        }
        Err(_) => false,
    })
    .map_err(|e| e.detail)
}

/// A smaller input that still panics: shorter tails, then ever smaller ranges removed.
fn shrink(input: &[u8]) -> Vec<u8> {
    let mut best = input.to_vec();
    let mut attempts = 0;
    let mut chunk = best.len() / 2;
    while chunk >= 1 && attempts < SHRINK_ATTEMPTS {
        let mut at = 0;
        let mut progressed = false;
        while at < best.len() && attempts < SHRINK_ATTEMPTS {
            let mut candidate = best.clone();
            candidate.drain(at..(at + chunk).min(best.len()));
            attempts += 1;
            if exercise(&candidate).is_err() {
                best = candidate;
                progressed = true;
            } else {
                at += chunk;
            }
        }
        if !progressed {
            chunk /= 2;
        }
    }
    best
}

fn seeds_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_seeds")
}

/// Totals of one run.
#[derive(Debug, Default)]
struct Totals {
    inputs: u64,
    decoded: u64,
    crashes: Vec<String>,
    slowest: Duration,
    slowest_len: usize,
}

/// Replays the committed seeds, then fuzzes for `secs` from `seed`; every crash is shrunk and saved.
fn fuzz(secs: u64, seed: u64) -> Totals {
    std::panic::set_hook(Box::new(|_| {})); // The messages are collected instead.
    let mut totals = Totals::default();
    let dir = seeds_dir();
    let mut committed: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    committed.sort();
    for path in committed
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "bin"))
    {
        let bytes = std::fs::read(path).expect("read seed");
        if let Err(panic) = exercise(&bytes) {
            totals
                .crashes
                .push(format!("{} (regression): {panic}", path.display()));
        }
    }
    let seeds = seeds();
    for s in &seeds {
        assert!(decode::decode_bytes(s).is_ok(), "every seed decodes");
    }
    let mut rng = Rng(seed);
    let deadline = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < deadline && totals.crashes.len() < 20 {
        let base = &seeds[rng.below(seeds.len())];
        let input = mutate(&mut rng, base, &seeds);
        let t0 = Instant::now();
        let result = exercise(&input);
        let took = t0.elapsed();
        totals.inputs += 1;
        if took > totals.slowest {
            totals.slowest = took;
            totals.slowest_len = input.len();
        }
        match result {
            Ok(decoded) => totals.decoded += u64::from(decoded),
            Err(panic) => {
                let small = shrink(&input);
                let name = format!("crash-{:016x}.bin", fnv1a(&small));
                let _ = std::fs::create_dir_all(&dir);
                let _ = std::fs::write(dir.join(&name), &small);
                totals
                    .crashes
                    .push(format!("{name} ({} bytes): {panic}", small.len()));
            }
        }
    }
    let _ = std::panic::take_hook();
    totals
}

/// FNV-1a 64 of `bytes`: a stable name for a crashing input.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xCBF2_9CE4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3)
    })
}

fn env_u64(name: &str) -> Option<u64> {
    let text = std::env::var(name).ok()?;
    match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

fn report(totals: &Totals, secs: u64) {
    eprintln!(
        "fuzz: {} inputs in {secs} s ({} decoded), {} crashes; slowest input {:.0} ms ({} bytes)",
        totals.inputs,
        totals.decoded,
        totals.crashes.len(),
        totals.slowest.as_secs_f64() * 1e3,
        totals.slowest_len
    );
}

#[test]
fn a_short_fuzz_run_finds_no_panic() {
    let seed = env_u64("IDCAP_FUZZ_SEED").unwrap_or(DEFAULT_SEED);
    let totals = fuzz(QUICK_SECS, seed);
    report(&totals, QUICK_SECS);
    assert!(
        totals.inputs > 100,
        "the loop ran ({} inputs)",
        totals.inputs
    );
    assert!(totals.crashes.is_empty(), "{}", totals.crashes.join("\n"));
}

#[test]
#[ignore = "long: IDCAP_FUZZ_SECS=600 cargo test --release --test fuzz_decode -- --ignored"]
fn a_long_fuzz_run_finds_no_panic() {
    let secs = env_u64("IDCAP_FUZZ_SECS").unwrap_or(600);
    let seed = env_u64("IDCAP_FUZZ_SEED").unwrap_or(DEFAULT_SEED ^ 0xA5A5);
    let totals = fuzz(secs, seed);
    report(&totals, secs);
    assert!(totals.crashes.is_empty(), "{}", totals.crashes.join("\n"));
}

#[test]
fn the_issue_16_crashers_are_handled() {
    // The three shapes that panicked, and the 83-byte palette PNG: clear answers now.
    let narrow_png = hostile::rgb_file(ImageFormat::Png, &hostile::textured(1, 642));
    let turned = hostile::jpeg(
        &hostile::textured(642, 1),
        90,
        Some(hostile::exif_orientation(6)),
    );
    let long = hostile::rgb_file(ImageFormat::Png, &hostile::textured(1, 10_000));
    for bytes in [&narrow_png, &turned, &long] {
        assert_eq!(exercise(bytes), Ok(true));
    }
    let palette = hostile::palette_png(4);
    assert_eq!(exercise(&palette), Ok(false));
    let err = decode::decode_bytes(&palette)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("palette"), "{err}");
}
