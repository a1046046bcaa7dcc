//! Writes the hostile corpus (tests/common/hostile.rs) to a folder, with the special files the
//! corpus test makes on disk, or reads files the way `check` does and prints each one's outcome
//! and time. Peak memory is measured from outside:
//!
//! ```text
//! cargo run --release --example hostile_corpus -- write DIR
//! for f in DIR/*; do /usr/bin/time -f "%M KB %e s $f" \
//!     target/release/examples/hostile_corpus read "$f"; done
//! ```
//!
//! `read` prints `outcome<TAB>milliseconds<TAB>file` per file (outcome: decoded, refused or
//! PANIC) and never stops at a bad file.
//!
//! `table DIR` writes the corpus, the special files and the committed fuzz crashers
//! (tests/fuzz_seeds) into DIR, runs each through `idcap check --json` (`cli::check::run`) in this
//! one process, and prints a table per category (files, error lines, pass, fail, slowest), the
//! slowest file and the process's peak RSS (VmHWM, Linux):
//!
//! ```text
//! cargo run --release --example hostile_corpus -- table /tmp/corpus
//! ```

#[path = "../tests/common/hostile.rs"]
mod hostile;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use idcap::decode;
use idcap::guard::catch_panic;
use idcap::quality::{self, Profile};

/// Writes the corpus and the special files; returns each entry's category and path, in order.
fn write(dir: &Path) -> std::io::Result<Vec<(String, PathBuf)>> {
    std::fs::create_dir_all(dir)?;
    let corpus = hostile::corpus();
    let mut entries = Vec::new();
    for s in &corpus {
        std::fs::write(dir.join(&s.name), &s.bytes)?;
        entries.push((s.category.to_owned(), dir.join(&s.name)));
    }
    let mut count = corpus.len();
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        std::fs::create_dir_all(dir.join("folder.jpg"))?;
        let links = [("zero.jpg", "/dev/zero"), ("null.jpg", "/dev/null")];
        for (name, target) in links {
            let _ = std::os::unix::fs::symlink(target, dir.join(name));
        }
        let _ = std::process::Command::new("mkfifo")
            .arg(dir.join("pipe.jpg"))
            .status();
        let name = std::ffi::OsStr::from_bytes(b"pass\xff\xfeport.jpg");
        std::fs::write(
            dir.join(name),
            hostile::jpeg(&hostile::textured(64, 48), 90, None),
        )?;
        count += 6;
        for special in ["folder.jpg", "zero.jpg", "null.jpg", "pipe.jpg"] {
            entries.push(("special file".to_owned(), dir.join(special)));
        }
        entries.push(("non-UTF-8 name".to_owned(), dir.join(name)));
    }
    eprintln!("wrote {count} entries to {}", dir.display());
    Ok(entries)
}

/// The process's peak resident set so far, MB (Linux; 0 elsewhere).
fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Counts per category: files, error lines, pass, fail, slowest file (ms).
#[derive(Default)]
struct Row {
    files: usize,
    errors: usize,
    pass: usize,
    fail: usize,
    slowest_ms: f64,
}

fn table(dir: &Path) -> std::io::Result<()> {
    use idcap::cli::check::{CheckArgs, run};
    use idcap::quality::{DocChoice, Preset};
    let mut entries = write(dir)?;
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_seeds");
    let mut crashers: Vec<PathBuf> = std::fs::read_dir(seeds)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    crashers.sort();
    for c in crashers {
        let Some(name) = c.file_name() else { continue };
        let path = dir.join("seed").with_extension(name);
        std::fs::copy(&c, &path)?;
        entries.push(("fuzz crasher".to_owned(), path));
    }
    let mut rows: BTreeMap<String, Row> = BTreeMap::new();
    let (mut slowest, mut slowest_ms, mut lines) = (String::new(), 0.0f64, 0usize);
    for (category, path) in &entries {
        let args = CheckArgs {
            json: true,
            doc: DocChoice::Auto,
            preset: Preset::Standard,
            today: idcap::quality::mrz::CalendarDate::new(2026, 12, 4).expect("a date"),
            files: vec![path.clone()],
        };
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let t0 = Instant::now();
        let _ = run(&args, &mut out, &mut err);
        let ms = t0.elapsed().as_secs_f64() * 1e3;
        let text = String::from_utf8_lossy(&out);
        lines += text.lines().count();
        let row = rows.entry(category.clone()).or_default();
        row.files += 1;
        row.slowest_ms = row.slowest_ms.max(ms);
        let line: serde_json::Value = serde_json::from_str(text.trim()).unwrap_or_default();
        match line["verdict"].as_str() {
            Some("pass") => row.pass += 1,
            Some(_) => row.fail += 1,
            None => row.errors += 1,
        }
        if ms > slowest_ms {
            (slowest, slowest_ms) = (path.display().to_string(), ms);
        }
    }
    println!("| category | files | error line | pass | fail | slowest ms |");
    println!("|---|---:|---:|---:|---:|---:|");
    for (category, r) in &rows {
        println!(
            "| {category} | {} | {} | {} | {} | {:.0} |",
            r.files, r.errors, r.pass, r.fail, r.slowest_ms
        );
    }
    println!(
        "{} entries, {lines} JSON lines; slowest {slowest} ({slowest_ms:.0} ms); peak RSS {:.0} MB",
        entries.len(),
        peak_rss_mb()
    );
    Ok(())
}

fn read(paths: &[std::ffi::OsString]) {
    let profile = Profile::default();
    for p in paths {
        let t0 = Instant::now();
        let outcome = catch_panic(|| match decode::read_file(Path::new(p)) {
            Ok(photo) => {
                let _ = quality::assess(&photo.image, &profile);
                "decoded".to_owned()
            }
            Err(e) => format!("refused: {e}"),
        })
        .unwrap_or_else(|e| format!("PANIC: {}", e.detail));
        let name = Path::new(p).display();
        println!("{outcome}\t{:.0}\t{name}", t0.elapsed().as_secs_f64() * 1e3);
    }
}

fn main() {
    // File names need not be UTF-8.
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    match args.split_first() {
        Some((cmd, rest)) if cmd == "write" && rest.len() == 1 => {
            if let Err(e) = write(Path::new(&rest[0])) {
                eprintln!("hostile_corpus: {e}");
                std::process::exit(1);
            }
        }
        Some((cmd, rest)) if cmd == "table" && rest.len() == 1 => {
            if let Err(e) = table(Path::new(&rest[0])) {
                eprintln!("hostile_corpus: {e}");
                std::process::exit(1);
            }
        }
        Some((cmd, rest)) if cmd == "read" => read(rest),
        _ => {
            eprintln!("usage: hostile_corpus write DIR | read FILE… | table DIR");
            std::process::exit(2);
        }
    }
}
