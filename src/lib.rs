//! idcap: take an ID photo that a KYC portal accepts on the first try.
//!
//! # Public API
//!
//! What is `pub` here is what the `idcap` binary, the integration tests, the examples and the
//! benchmarks use; everything else is `pub(crate)`. The entry points:
//!
//! - [`cli::Cli`] and [`cli::run`]: the command line (`idcap check --json`, `idcap export`, …),
//!   as `src/main.rs` runs it.
//! - [`quality`]: the functional core, frame in, report out: [`quality::Analyzer::assess`] gives
//!   a [`quality::Report`] of [`quality::Check`]s for a [`quality::Frame`] under a
//!   [`quality::Profile`]; its submodules (detection, rectification, the MRZ reader) are public
//!   for the dataset tests and the tuning examples.
//! - [`decode::read_file`] and [`decode::decode_bytes`]: image files to upright RGB pixels.
//! - [`export`]: compliant JPGs for an [`export::ExportPreset`].
//! - [`app::App`]: the eframe GUI (live and review views), driven by the UI tests.
//! - [`camera`]: frame sources (webcam, demo camera, folder replay, a fake backend for tests).
//! - [`capture`], [`review`], [`metadata`], [`guard::catch_panic`]: auto-capture, the review
//!   session, EXIF reading, and turning a panic on one file or frame into that item's error.
//!
//! Inside the crate, `analysis` scores frames on a worker thread, `downscale` shrinks photos for
//! the screen and `output` renders reports for people and scripts. Arrows run one way: `cli` and
//! `app` use the rest. See docs/ARCHITECTURE.md for the layout.

pub(crate) mod analysis;
pub mod app;
pub mod camera;
pub mod capture;
pub mod cli;
pub mod clock;
pub mod decode;
pub(crate) mod downscale;
pub mod export;
pub mod guard;
pub mod metadata;
pub(crate) mod output;
pub mod quality;
pub mod review;
