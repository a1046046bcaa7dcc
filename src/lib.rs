//! idcap: take an ID photo that a KYC portal accepts on the first try.
//!
//! `quality` is the functional core (frame in, report out); `decode` reads image files;
//! `downscale` shrinks photos for the screen; `camera` delivers frames (webcam, demo, folder
//! replay) from its own thread; `analysis` scores them on another and wires camera → analysis →
//! UI; `capture` decides when to capture automatically; `app` is the eframe GUI; `review` decodes
//! and analyses dropped or opened files off the UI thread; `export` writes compliant JPGs;
//! `metadata` reads EXIF; `output` renders reports for people and scripts (the `check --json`
//! JSON Lines); `cli` is the command line, one module per subcommand; `guard` turns a panic on one file or frame into
//! that item's error. Arrows run one way: `cli`
//! and `app` use the rest; `quality` reaches outside itself only for `metadata`'s flags (in
//! `quality::flags::soft_flags`). See docs/ARCHITECTURE.md for the layout.

pub mod analysis;
pub mod app;
pub mod camera;
pub mod capture;
pub mod cli;
pub mod clock;
pub mod decode;
pub mod downscale;
pub mod export;
pub mod guard;
pub mod metadata;
pub mod output;
pub mod quality;
pub mod review;
