//! idcap: take an ID photo that a KYC portal accepts on the first try.
//!
//! `quality` is the functional core (frame in, report out); `decode` reads image files; `report`
//! renders reports for people and scripts; `camera` delivers frames (webcam, demo, folder replay)
//! and carries them through the analysis; `capture` decides when to capture automatically; `app`
//! is the eframe GUI; `export` writes compliant JPGs; `metadata` reads EXIF; `review` decodes and
//! analyses dropped or opened files off the UI thread; `guard` turns a panic on one file or frame
//! into that item's error. See ARCHITECTURE.md for the layout.

pub mod app;
pub mod camera;
pub mod capture;
pub mod decode;
pub mod export;
pub mod guard;
pub mod metadata;
pub mod quality;
pub mod report;
pub mod review;
