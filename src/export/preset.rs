//! What a portal accepts, as export presets.
//!
//! Decides the file-size band, the JPEG quality range searched, and the resolution the deskewed crop
//! aims for. "100 KB" and "5 MB" are ambiguous on portals (1000 or 1024?): the band is chosen so the
//! file satisfies both readings — at least 102 400 bytes and at most 5 000 000 bytes.

use crate::quality::Preset;

/// Highest JPEG quality tried (image's encoder scale, 1–100). The search starts here: the highest
/// quality that fits the band wins.
pub(crate) const MAX_QUALITY: u8 = 100;

/// Lowest JPEG quality accepted before the photo is scaled down instead (1–100). Below 70 JPEG
/// artefacts start to blur small print on a card.
pub(crate) const MIN_QUALITY: u8 = 70;

/// Resolution the deskewed crop aims for, dots per inch of the document (AssureID asks ≥ 300).
pub(crate) const CROP_TARGET_DPI: f64 = 300.0;

/// Highest resolution the crop is written at, dots per inch: a 50 MP close-up would otherwise give a
/// crop of 2 000+ dpi and tens of megabytes. 600 dpi is what authentication back ends ask for.
pub(crate) const CROP_MAX_DPI: f64 = 600.0;

/// A named set of rules an exported file must meet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExportPreset {
    /// The name used on the command line (`--preset kyc-portal`).
    pub name: &'static str,
    /// What people see in the export dialog.
    pub label: &'static str,
    /// Smallest accepted file, bytes.
    pub min_bytes: u64,
    /// Largest accepted file, bytes.
    pub max_bytes: u64,
    /// The quality thresholds the photo is checked against before export.
    pub checks: Preset,
}

/// The default: what Binance-style KYC portals accept (JPG, 100 KB – 5 MB, full frame).
pub(crate) const KYC_PORTAL: ExportPreset = ExportPreset {
    name: "kyc-portal",
    label: "KYC portal (Binance-style): JPG, 100 KB – 5 MB",
    min_bytes: 102_400,
    max_bytes: 5_000_000,
    checks: Preset::Standard,
};

/// Portals that take up to 10 MB (idnorm-style).
pub(crate) const KYC_PORTAL_10MB: ExportPreset = ExportPreset {
    name: "kyc-portal-10mb",
    label: "KYC portal, large files: JPG, 100 KB – 10 MB",
    min_bytes: 102_400,
    max_bytes: 10_000_000,
    checks: Preset::Standard,
};

/// Back ends that read the document automatically (AssureID-style): stricter checks (300 dpi); use
/// with the deskewed crop.
pub(crate) const DOCUMENT_READER: ExportPreset = ExportPreset {
    name: "document-reader",
    label: "Document reader (AssureID-style): JPG ≤ 5 MB, strict checks",
    min_bytes: 0,
    max_bytes: 5_000_000,
    checks: Preset::Strict,
};

impl ExportPreset {
    /// Every preset, the default first.
    pub(crate) const ALL: [ExportPreset; 3] = [KYC_PORTAL, KYC_PORTAL_10MB, DOCUMENT_READER];

    /// Finds a preset by its command-line name.
    pub(crate) fn by_name(name: &str) -> Option<ExportPreset> {
        Self::ALL.iter().copied().find(|p| p.name == name)
    }

    /// The preset names, for error messages.
    pub(crate) fn names() -> String {
        Self::ALL.map(|p| p.name).join(", ")
    }

    /// The band for people: "100 KB – 5 MB".
    pub(crate) fn band_text(&self) -> String {
        if self.min_bytes == 0 {
            format!("at most {}", human_bytes(self.max_bytes))
        } else {
            format!(
                "{} – {}",
                human_bytes(self.min_bytes),
                human_bytes(self.max_bytes)
            )
        }
    }
}

impl Default for ExportPreset {
    fn default() -> Self {
        KYC_PORTAL
    }
}

/// A byte count for people: "731 bytes", "63 KB", "4.8 MB" (1 KB = 1024 bytes, 1 MB = 1 000 000 bytes, the way
/// portals usually mean them).
pub fn human_bytes(n: u64) -> String {
    if n >= 1_000_000 {
        format!("{:.1} MB", n as f64 / 1e6)
            .replace(".0 MB", " MB")
            .clone()
    } else if n >= 1024 {
        format!("{} KB", n / 1024)
    } else {
        format!("{n} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_are_found_by_name_and_the_default_is_first() {
        assert_eq!(ExportPreset::default(), ExportPreset::ALL[0]);
        assert_eq!(ExportPreset::by_name("kyc-portal"), Some(KYC_PORTAL));
        assert_eq!(ExportPreset::by_name("nope"), None);
        assert_eq!(KYC_PORTAL.band_text(), "100 KB – 5 MB");
        assert_eq!(human_bytes(4_800_000), "4.8 MB");
        // A 64 × 48 export is a few hundred bytes: not "0 KB".
        assert_eq!(human_bytes(731), "731 bytes");
        assert_eq!(human_bytes(2048), "2 KB");
    }
}
