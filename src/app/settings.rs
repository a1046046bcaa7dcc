//! Settings that persist between runs (through eframe's storage): camera, resolution, document
//! type, mirror.
//!
//! Decides how the camera is remembered: by its stable id, not by the index the system gives it
//! today; settings saved before ids load and keep their index until a camera is chosen.

use serde::{Deserialize, Serialize};

use crate::camera::{DEFAULT_MAX_SIZE, SourceSpec};
use crate::quality::DocumentKind;

/// The storage key of the settings.
pub(crate) const STORAGE_KEY: &str = "idcap-settings";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct Settings {
    /// The webcam chosen last, by its stable id (`Device::id`: name plus bus or device path,
    /// which survive replug and reboot). `None`: the first usable one.
    pub camera_id: Option<String>,
    /// The webcam's index, as settings saved before ids remember it; used only without
    /// `camera_id`, and cleared when a camera is chosen.
    pub(crate) camera: Option<u32>,
    /// Largest resolution asked of the webcam, pixels.
    pub(crate) max_size: [u32; 2],
    /// Which document the person photographs (alignment frame and thresholds).
    pub(crate) doc: DocumentKind,
    /// Show the preview mirrored (the capture itself is never mirrored).
    pub(crate) mirror: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            camera_id: None,
            camera: None,
            max_size: DEFAULT_MAX_SIZE,
            doc: DocumentKind::IdCard,
            mirror: false,
        }
    }
}

impl Settings {
    pub(crate) fn load(storage: Option<&dyn eframe::Storage>) -> Settings {
        storage
            .and_then(|s| eframe::get_value(s, STORAGE_KEY))
            .unwrap_or_default()
    }

    pub(crate) fn save(&self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, STORAGE_KEY, self);
    }

    /// The remembered webcam at the remembered size (a size of 0×0 means the default).
    pub fn webcam(&self) -> SourceSpec {
        SourceSpec::Webcam {
            index: if self.camera_id.is_some() {
                None
            } else {
                self.camera
            },
            id: self.camera_id.clone(),
            max_size: if self.max_size == [0, 0] {
                DEFAULT_MAX_SIZE
            } else {
                self.max_size
            },
        }
    }

    /// Remembers the webcam of `spec` (nothing for other sources).
    pub fn remember(&mut self, spec: &SourceSpec) {
        if let SourceSpec::Webcam {
            index,
            id,
            max_size,
        } = spec
        {
            self.camera_id = id.clone();
            self.camera = if id.is_some() { None } else { *index };
            self.max_size = *max_size;
        }
    }
}

/// Resolutions offered in the camera panel, pixels.
pub(crate) const RESOLUTIONS: [[u32; 2]; 3] = [[1920, 1080], [1280, 720], [640, 480]];

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    #[derive(Default)]
    struct MemoryStorage(HashMap<String, String>);

    impl eframe::Storage for MemoryStorage {
        fn get_string(&self, key: &str) -> Option<String> {
            self.0.get(key).cloned()
        }
        fn set_string(&mut self, key: &str, value: String) {
            self.0.insert(key.to_string(), value);
        }
        fn remove_string(&mut self, key: &str) {
            self.0.remove(key);
        }
        fn flush(&mut self) {}
    }

    #[test]
    fn settings_survive_a_restart() {
        let mut storage = MemoryStorage::default();
        let chosen = Settings {
            camera_id: Some("HD Webcam C270@usb-0000:00:14.0-2".into()),
            camera: None,
            max_size: [1280, 720],
            doc: DocumentKind::Passport,
            mirror: true,
        };
        chosen.save(&mut storage);
        assert_eq!(Settings::load(Some(&storage)), chosen);
    }

    #[test]
    fn settings_saved_before_camera_ids_still_load() {
        let mut storage = MemoryStorage::default();
        let old = "(camera:Some(2),max_size:(1280,720),doc:passport,mirror:true)";
        eframe::Storage::set_string(&mut storage, STORAGE_KEY, old.into());
        let loaded = Settings::load(Some(&storage));
        assert_eq!(
            loaded,
            Settings {
                camera_id: None,
                camera: Some(2),
                max_size: [1280, 720],
                doc: DocumentKind::Passport,
                mirror: true,
            }
        );
        assert_eq!(
            loaded.webcam(),
            crate::camera::SourceSpec::Webcam {
                index: Some(2),
                id: None,
                max_size: [1280, 720]
            }
        );
    }

    #[test]
    fn missing_or_damaged_settings_fall_back_to_defaults() {
        assert_eq!(Settings::load(None), Settings::default());
        let mut storage = MemoryStorage::default();
        eframe::Storage::set_string(&mut storage, STORAGE_KEY, "not ron at all (".into());
        assert_eq!(Settings::load(Some(&storage)), Settings::default());
    }
}
