//! Settings that persist between runs (through eframe's storage): camera, resolution, document
//! type, mirror.

use serde::{Deserialize, Serialize};

use crate::camera::DEFAULT_MAX_SIZE;
use crate::quality::DocumentKind;

/// The storage key of the settings.
pub const STORAGE_KEY: &str = "idcap-settings";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The webcam to open (`None`: the first that opens).
    pub camera: Option<u32>,
    /// Largest resolution asked of the webcam, pixels.
    pub max_size: [u32; 2],
    /// Which document the person photographs (alignment frame and thresholds).
    pub doc: DocumentKind,
    /// Show the preview mirrored (the capture itself is never mirrored).
    pub mirror: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            camera: None,
            max_size: DEFAULT_MAX_SIZE,
            doc: DocumentKind::IdCard,
            mirror: false,
        }
    }
}

impl Settings {
    pub fn load(storage: Option<&dyn eframe::Storage>) -> Settings {
        storage
            .and_then(|s| eframe::get_value(s, STORAGE_KEY))
            .unwrap_or_default()
    }

    pub fn save(&self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, STORAGE_KEY, self);
    }
}

/// Resolutions offered in the camera panel, pixels.
pub const RESOLUTIONS: [[u32; 2]; 3] = [[1920, 1080], [1280, 720], [640, 480]];
