//! Wall time of every `Analyzer::assess` call on the benchmark frames (benches/assess.rs: the
//! MIDV-500 dev frames turned landscape, at 1080p and 720p), as a distribution: median, 90th
//! percentile, slowest and mean, for stills (a full search every frame) and for a stream (each
//! card held for `--hold N` frames, default 10, so that it is tracked between searches).
//!
//! Criterion (`cargo bench --bench assess`) reports the mean per frame over many frames; in a
//! stream that mixes tracked frames with the occasional full search, and this shows both sides:
//! the median is a tracked frame, the slowest a search.
//!
//! ```text
//! cargo run --release --example frame_times [-- --hold 30 --rounds 20]
//! ```

#[path = "../tests/common/midv.rs"]
mod midv;

use std::time::Instant;

use idcap::quality::{Analyzer, Profile};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number_after = |flag: &str, default: usize| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|&n| n > 0)
            .unwrap_or(default)
    };
    let hold = number_after("--hold", 10);
    let rounds = number_after("--rounds", 10);
    let Some(dir) = midv::dataset_dir() else {
        eprintln!("dataset not found beside the repository");
        std::process::exit(2);
    };
    let profile = Profile::default();
    for (label, size) in [("1080p", (1920u32, 1080u32)), ("720p", (1280, 720))] {
        let frames = midv::benchmark_frames(&dir, size);
        if frames.is_empty() {
            continue;
        }
        for (case, held, mut analyzer) in [
            ("stills", 1, Analyzer::new()),
            ("stream", hold, Analyzer::for_stream()),
        ] {
            let mut times = Vec::new();
            for _ in 0..rounds {
                for frame in &frames {
                    for _ in 0..held {
                        let start = Instant::now();
                        let report = analyzer.assess(frame, &profile);
                        times.push(start.elapsed().as_secs_f64() * 1e3);
                        std::hint::black_box(report);
                    }
                }
            }
            times.sort_by(f64::total_cmp);
            let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
            let mean = times.iter().sum::<f64>() / times.len() as f64;
            println!(
                "{label} {case:<6} ({} frames{}): median {:.2} ms, p90 {:.2} ms, slowest {:.2} ms, mean {:.2} ms",
                times.len(),
                if held > 1 {
                    format!(", each card held {held}")
                } else {
                    String::new()
                },
                at(0.5),
                at(0.9),
                at(1.0),
                mean
            );
        }
    }
}
