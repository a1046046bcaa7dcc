#![allow(dead_code)]
//! Helpers shared by the integration tests.

pub mod dialogs;
pub mod fixtures;
pub mod midv;
pub mod ocrb;
pub mod ui;
