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

#[path = "../tests/common/hostile.rs"]
mod hostile;

use std::path::Path;
use std::time::Instant;

use idcap::decode;
use idcap::guard::catch_panic;
use idcap::quality::{self, Profile};

fn write(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let corpus = hostile::corpus();
    for s in &corpus {
        std::fs::write(dir.join(&s.name), &s.bytes)?;
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
    }
    eprintln!("wrote {count} entries to {}", dir.display());
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
        Some((cmd, rest)) if cmd == "read" => read(rest),
        _ => {
            eprintln!("usage: hostile_corpus write DIR | hostile_corpus read FILE…");
            std::process::exit(2);
        }
    }
}
