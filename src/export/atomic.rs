//! Writing a file so that it is either complete or absent.
//!
//! Decides how an export lands on disk: the bytes go to a temporary file in the target's own folder
//! (same file system, so the final step is a rename), are flushed to disk, and only then take the
//! target's name. An existing target is never replaced unless the caller says so: without `overwrite`
//! the temporary file is hard-linked to the target name, which fails atomically if the name exists
//! (on file systems without hard links, such as FAT USB sticks, an existence check and a rename are
//! used instead). On any failure the temporary file is removed.
//!
//! Only a regular file is ever replaced: a folder, device or pipe in the target's place is refused
//! even when overwriting is allowed. The temporary name is short (`.idcap-PID-N.tmp`, at most 32
//! bytes) so any target name the file system accepts works; temporaries that a killed run left
//! behind (idcap's own pattern, from a process that no longer exists) are removed by the next write
//! into the same folder.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// Why a file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{} already exists; choose another name, or allow replacing it", .0.display())]
    Exists(PathBuf),
    #[error("{} is {kind}, not a file; idcap only replaces files; nothing was written", path.display())]
    NotAFile { path: PathBuf, kind: &'static str },
    #[error("cannot write {}: {source}; nothing was written", path.display())]
    Io { path: PathBuf, source: io::Error },
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// Writes `bytes` to `target` atomically. With `overwrite` false an existing `target` is an error.
pub(crate) fn write_atomic(target: &Path, bytes: &[u8], overwrite: bool) -> Result<(), WriteError> {
    write_atomic_with(target, overwrite, |f| f.write_all(bytes))
}

/// Like `write_atomic`, with the content written by `fill` (tests use it to simulate a failing disk).
pub(crate) fn write_atomic_with(
    target: &Path,
    overwrite: bool,
    fill: impl FnOnce(&mut File) -> io::Result<()>,
) -> Result<(), WriteError> {
    let io_err = |source: io::Error| WriteError::Io {
        path: target.to_path_buf(),
        source,
    };
    check_target(target, overwrite)?;
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if target.file_name().is_none() {
        return Err(io_err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "no file name",
        )));
    }
    remove_stale_temporaries(&dir);
    let tmp = dir.join(temporary_name(
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
    ));
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .map_err(io_err)?;
    let result = fill(&mut file)
        .and_then(|()| file.sync_all())
        .map_err(io_err)
        .and_then(|()| {
            drop(file);
            place(&tmp, target, overwrite)
        });
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Whether `target` may be written: it does not exist, or `overwrite` is allowed and it is a regular
/// file (following a symbolic link: a link to a device is refused like the device).
pub(crate) fn check_target(target: &Path, overwrite: bool) -> Result<(), WriteError> {
    if !overwrite && target.exists() {
        return Err(WriteError::Exists(target.to_path_buf()));
    }
    if let Ok(meta) = std::fs::metadata(target)
        && !meta.is_file()
    {
        return Err(WriteError::NotAFile {
            path: target.to_path_buf(),
            kind: file_kind(&meta.file_type()),
        });
    }
    Ok(())
}

/// The temporary file's name: `.idcap-PID-N.tmp`, at most 32 bytes whatever the target's name.
fn temporary_name(pid: u32, n: u32) -> String {
    format!(".idcap-{pid}-{n}.tmp")
}

/// The process id in a temporary file name of idcap's: `.idcap-PID-N.tmp`, or the longer
/// `.TARGET.idcap-PID-N.tmp` of earlier versions. `None` for any other name.
fn temporary_owner(name: &str) -> Option<u32> {
    let core = name.strip_prefix('.')?.strip_suffix(".tmp")?;
    let tail = match core.strip_prefix("idcap-") {
        Some(tail) => tail,
        None => core.rsplit_once(".idcap-")?.1,
    };
    let (pid, n) = tail.split_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(pid) || !digits(n) {
        return None;
    }
    pid.parse().ok()
}

/// Whether process `pid` exists. Only Linux can tell (through /proc); elsewhere every process is
/// assumed alive, so nothing is removed.
fn process_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

/// Removes from `dir` the regular files named like idcap's temporaries whose process is gone (a run
/// killed between creating and renaming its file). Best effort: errors are ignored.
fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let me = std::process::id();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(temporary_owner) else {
            continue;
        };
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if is_file && pid != me && !process_alive(pid) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// A few words for what a non-file directory entry is.
fn file_kind(kind: &std::fs::FileType) -> &'static str {
    if kind.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a pipe";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    "not a regular file"
}

/// Gives the finished temporary file the target's name.
fn place(tmp: &Path, target: &Path, overwrite: bool) -> Result<(), WriteError> {
    let io_err = |source: io::Error| WriteError::Io {
        path: target.to_path_buf(),
        source,
    };
    if overwrite {
        return std::fs::rename(tmp, target).map_err(io_err);
    }
    match std::fs::hard_link(tmp, target) {
        Ok(()) => {
            let _ = std::fs::remove_file(tmp);
            Ok(())
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            Err(WriteError::Exists(target.to_path_buf()))
        }
        Err(_) => {
            // No hard links here: check, then rename (a tiny window in which another program could
            // create the target; acceptable for a person's own export folder).
            if target.exists() {
                return Err(WriteError::Exists(target.to_path_buf()));
            }
            std::fs::rename(tmp, target).map_err(io_err)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leftovers(dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .map(|rd| {
                rd.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.ends_with(".tmp"))
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn a_file_is_written_whole_and_no_temporary_file_remains() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("out.jpg");
        write_atomic(&target, b"hello", false).expect("write");
        assert_eq!(std::fs::read(&target).expect("read"), b"hello");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn an_existing_file_is_kept_unless_overwriting_is_allowed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("out.jpg");
        std::fs::write(&target, b"old").expect("seed");
        let err = write_atomic(&target, b"new", false).expect_err("must refuse");
        assert!(matches!(err, WriteError::Exists(_)));
        assert!(err.to_string().contains("already exists"));
        assert_eq!(std::fs::read(&target).expect("read"), b"old");
        write_atomic(&target, b"new", true).expect("overwrite");
        assert_eq!(std::fs::read(&target).expect("read"), b"new");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn a_failure_while_writing_leaves_no_file_at_all() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("out.jpg");
        let err = write_atomic_with(&target, false, |f| {
            f.write_all(b"half a fi")?;
            Err(io::Error::other("No space left on device"))
        })
        .expect_err("must fail");
        assert!(err.to_string().contains("No space left"), "{err}");
        assert!(err.to_string().contains("nothing was written"));
        assert!(!target.exists());
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn a_missing_folder_is_a_clear_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("no/such/folder/out.jpg");
        let err = write_atomic(&target, b"x", false).expect_err("must fail");
        assert!(err.to_string().starts_with("cannot write"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn a_read_only_folder_is_a_clear_error_and_leaves_nothing() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let locked = dir.path().join("locked");
        std::fs::create_dir(&locked).expect("mkdir");
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).expect("chmod");
        let target = locked.join("out.jpg");
        let result = write_atomic(&target, b"x", false);
        let _ = std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755));
        // Root ignores permissions; only check the message when the write was refused.
        if let Err(e) = result {
            assert!(e.to_string().contains("ermission denied"), "{e}");
            assert!(!target.exists());
        }
        assert!(leftovers(&locked).is_empty());
    }

    #[test]
    fn a_name_as_long_as_the_file_system_allows_is_written() {
        let dir = tempfile::tempdir().expect("tempdir");
        // 255 bytes: NAME_MAX on Linux file systems; the old temporary name added about 20.
        let name = format!("{}.jpg", "a".repeat(251));
        let target = dir.path().join(&name);
        write_atomic(&target, b"x", false).expect("write");
        assert_eq!(std::fs::read(&target).expect("read"), b"x");
        assert!(temporary_name(u32::MAX, u32::MAX).len() <= 32);
    }

    #[test]
    fn only_idcaps_own_temporary_names_are_recognised() {
        assert_eq!(temporary_owner(".idcap-1234-0.tmp"), Some(1234));
        assert_eq!(temporary_owner(".out.jpg.idcap-77-3.tmp"), Some(77));
        assert_eq!(temporary_owner(".a.idcap-b.idcap-9-12.tmp"), Some(9));
        for other in [
            "idcap-1234-0.tmp",
            ".idcap-1234-0.tmp.jpg",
            ".idcap-12x4-0.tmp",
            ".idcap--0.tmp",
            ".idcap-1-.tmp",
            ".out.jpg.tmp",
            ".idcap-99999999999-0.tmp",
            "photo.jpg",
        ] {
            assert_eq!(temporary_owner(other), None, "{other}");
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_dead_runs_temporary_is_removed_and_a_live_ones_is_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        // A process id above the kernel's maximum (4 194 304) never exists.
        let dead = dir.path().join(".out.jpg.idcap-4194305-0.tmp");
        let dead_short = dir.path().join(".idcap-4194306-1.tmp");
        let mine = dir.path().join(temporary_name(std::process::id(), 999_999));
        let alive = dir.path().join(".idcap-1-0.tmp"); // init
        let foreign = dir.path().join(".out.jpg.other-4194305-0.tmp");
        for p in [&dead, &dead_short, &mine, &alive, &foreign] {
            std::fs::write(p, b"partial").expect("seed");
        }
        write_atomic(&dir.path().join("next.jpg"), b"x", false).expect("write");
        assert!(!dead.exists() && !dead_short.exists(), "stale ones removed");
        assert!(
            mine.exists() && alive.exists() && foreign.exists(),
            "others kept"
        );
    }

    #[cfg(unix)]
    #[test]
    fn replacing_a_folder_a_device_or_a_pipe_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let folder = dir.path().join("folder.jpg");
        std::fs::create_dir(&folder).expect("mkdir");
        let link_to_device = dir.path().join("null.jpg");
        std::os::unix::fs::symlink("/dev/null", &link_to_device).expect("symlink");
        let fifo = dir.path().join("pipe.jpg");
        let made_fifo = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|s| s.success());
        let mut targets = vec![(folder, "a folder"), (link_to_device, "a device")];
        if made_fifo {
            targets.push((fifo, "a pipe"));
        }
        for (target, kind) in targets {
            let err = write_atomic(&target, b"x", true).expect_err("must refuse");
            assert!(matches!(err, WriteError::NotAFile { .. }), "{err}");
            assert!(err.to_string().contains(kind), "{err}");
        }
        assert_eq!(
            std::fs::metadata("/dev/null").map(|m| m.is_file()).ok(),
            Some(false)
        );
        assert!(leftovers(dir.path()).is_empty());
    }
}
