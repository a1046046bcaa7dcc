//! Writing a file so that it is either complete or absent.
//!
//! Decides how an export lands on disk: the bytes go to a temporary file in the target's own folder
//! (same file system, so the final step is a rename), are flushed to disk, and only then take the
//! target's name. An existing target is never replaced unless the caller says so: without `overwrite`
//! the temporary file is hard-linked to the target name, which fails atomically if the name exists
//! (on file systems without hard links, such as FAT USB sticks, an existence check and a rename are
//! used instead). On any failure the temporary file is removed.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// Why a file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{} already exists; choose another name, or allow replacing it", .0.display())]
    Exists(PathBuf),
    #[error("cannot write {}: {source}; nothing was written", path.display())]
    Io { path: PathBuf, source: io::Error },
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// Writes `bytes` to `target` atomically. With `overwrite` false an existing `target` is an error.
pub fn write_atomic(target: &Path, bytes: &[u8], overwrite: bool) -> Result<(), WriteError> {
    write_atomic_with(target, overwrite, |f| f.write_all(bytes))
}

/// Like `write_atomic`, with the content written by `fill` (tests use it to simulate a failing disk).
pub fn write_atomic_with(
    target: &Path,
    overwrite: bool,
    fill: impl FnOnce(&mut File) -> io::Result<()>,
) -> Result<(), WriteError> {
    let io_err = |source: io::Error| WriteError::Io {
        path: target.to_path_buf(),
        source,
    };
    if !overwrite && target.exists() {
        return Err(WriteError::Exists(target.to_path_buf()));
    }
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target
        .file_name()
        .ok_or_else(|| io_err(io::Error::new(io::ErrorKind::InvalidInput, "no file name")))?;
    let tmp = dir.join(format!(
        ".{}.idcap-{}-{}.tmp",
        name.to_string_lossy(),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
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
}
