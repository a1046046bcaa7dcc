//! idcap: take an ID photo that a KYC portal accepts on the first try.
//!
//! `quality` is the functional core (frame in, report out); `decode` reads image files; `report`
//! renders reports for people and scripts. See ARCHITECTURE.md for the layout.

pub mod decode;
pub mod quality;
pub mod report;
