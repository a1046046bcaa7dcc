//! A fence around the work on one file or one frame: a panic inside becomes an error for that item.
//!
//! Decides what a bug costs: one file's result (an `InternalError` with a fixed, plain message),
//! never the batch, the review or the analysis thread. Callers wrap the whole per-item work —
//! decode, assess, export — so no panic crosses a thread. Release builds keep `panic = "unwind"`
//! (Cargo.toml) for this to work.
//!
//! After a caught panic, any state the closure borrowed mutably (an `Analyzer`'s scratch buffers, a
//! tracker) may be half-updated: callers replace it (`Analyzer::new()`) instead of reusing it.

use std::panic::{AssertUnwindSafe, catch_unwind};

/// What people see for a caught panic.
pub const INTERNAL_ERROR_MESSAGE: &str =
    "internal error while reading this file — please report it";

/// A panic caught by `catch_panic`. Its text is `INTERNAL_ERROR_MESSAGE`; `detail` holds the panic's
/// own message for a bug report (a code location and index values, never pixel data).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{INTERNAL_ERROR_MESSAGE}")]
pub struct InternalError {
    /// The panic's message and location (never pixel data).
    pub detail: String,
}

/// Runs `work`; a panic inside it is returned as an `InternalError` instead of unwinding further.
/// The default panic hook still prints the panic's message and location to stderr.
pub fn catch_panic<T>(work: impl FnOnce() -> T) -> Result<T, InternalError> {
    catch_unwind(AssertUnwindSafe(work)).map_err(|payload| {
        let detail = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_owned());
        InternalError { detail }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_passes_through() {
        assert_eq!(catch_panic(|| 41 + 1), Ok(42));
    }

    #[test]
    fn a_panic_becomes_the_plain_error_with_its_detail() {
        let v: Vec<u8> = vec![1, 2, 3];
        let index = v.len() + 4;
        let err = catch_panic(|| v[index]).expect_err("indexing past the end panics");
        assert_eq!(err.to_string(), INTERNAL_ERROR_MESSAGE);
        assert!(err.detail.contains("index out of bounds"), "{}", err.detail);
        let err = catch_panic(|| -> u8 { panic!("formatted {}", 7) }).expect_err("panics");
        assert_eq!(err.detail, "formatted 7");
    }

    #[test]
    fn the_thread_goes_on_after_a_caught_panic() {
        let results: Vec<_> = (0..3)
            .map(|i| catch_panic(|| if i == 1 { panic!("item {i}") } else { i }))
            .collect();
        assert_eq!(results[0], Ok(0));
        assert!(results[1].is_err());
        assert_eq!(results[2], Ok(2));
    }
}
