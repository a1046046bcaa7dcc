//! `background`: whether the surface behind the document lets its outline stand out.
//!
//! Decided on the colours across the outline (`quality::border`): the contrast at a station is
//! the luma difference between the background 2 mm outside the outline and the card's rim 1.5 mm
//! inside it (a pink card on white paper of the same brightness is as hard to outline as a white
//! one); the check's value is the median over the outline, so a finger or a
//! patch of matching background over part of it does not decide. A white card on white paper
//! reads a few levels and fails below `profile.min_background_contrast`; when both sides are dark
//! the portal wording is "Background too dark".
//!
//! A busy, patterned background is measured too (edges per centimetre crossed 6 mm outside the
//! outline) and reported in the message, but it does not fail the check: on the MIDV-500 dev
//! frames the cluttered desks (cables, sticky notes, keyboards) have the highest counts and their
//! outlines are all detected (tests/occlusion_dataset.rs prints the figures); what the busy
//! background costs is detection, and `document` already judges that.

use super::round2;
use crate::quality::border::{self, Border, Station, colour_distance, luma};
use crate::quality::profile::Profile;
use crate::quality::{Check, CheckId};

/// Two neighbouring clutter samples (1 mm apart) differ by more than this when an edge of the
/// background passes between them (largest channel difference, 0–255).
const CLUTTER_EDGE_LEVELS: f32 = 40.0;
/// Above this many background edges per centimetre of outline the message calls the background
/// busy (dev frames: plain desks 0–0.5, cluttered desks and keyboards up to ~3).
const BUSY_EDGES_PER_CM: f64 = 1.5;
/// Background and rim both darker than this (luma 0–255) make a low contrast "too dark".
const DARK_LUMA: f32 = 70.0;

/// What `measure_stations` found.
#[derive(Clone, Debug, PartialEq)]
pub struct Contrast {
    /// Median luma contrast across the outline, levels 0–255.
    pub contrast: f64,
    /// Background edges crossed per centimetre of outline, 6 mm outside it.
    pub clutter_per_cm: f64,
    /// Median luma of the background just outside the outline, 0–255.
    pub background_luma: f64,
    /// Median luma of the card's rim just inside the outline, 0–255.
    pub rim_luma: f64,
}

/// Contrast and clutter from stations along the outline; `None` when no station has both an
/// outside and a rim sample in the frame.
pub fn measure_stations(stations: &[Station]) -> Option<Contrast> {
    let mut contrasts: Vec<f32> = stations
        .iter()
        .filter_map(|s| Some((luma(s.outside?) - luma(s.rim?)).abs()))
        .collect();
    if contrasts.is_empty() {
        return None;
    }
    contrasts.sort_by(f32::total_cmp);
    let contrast = f64::from(contrasts[contrasts.len() / 2]);
    let background = border::median_colour(stations.iter().filter_map(|s| s.outside))?;
    let rim = border::median_colour(stations.iter().filter_map(|s| s.rim))?;
    let (mut edges, mut pairs) = (0usize, 0usize);
    for pair in stations.windows(2) {
        if pair[0].side != pair[1].side {
            continue;
        }
        if let (Some(a), Some(b)) = (pair[0].clutter, pair[1].clutter) {
            pairs += 1;
            if colour_distance(a, b) > CLUTTER_EDGE_LEVELS {
                edges += 1;
            }
        }
    }
    let clutter_per_cm = if pairs == 0 {
        0.0
    } else {
        edges as f64 / (pairs as f64 * border::STATION_STEP_MM) * 10.0
    };
    Some(Contrast {
        contrast,
        clutter_per_cm,
        background_luma: f64::from(luma(background)),
        rim_luma: f64::from(luma(rim)),
    })
}

/// The background check on stations already sampled (`Border::stations`).
pub fn assess_stations(stations: &[Station], profile: &Profile) -> Check {
    let limit = profile.min_background_contrast;
    let Some(m) = measure_stations(stations) else {
        return Check::new(CheckId::Background, false, None, Some(limit))
            .message("Not measured: the document's outline is not in the frame.")
            .hint("Show the whole document");
    };
    let pass = m.contrast >= limit;
    let check = Check::new(
        CheckId::Background,
        pass,
        Some(round2(m.contrast)),
        Some(limit),
    );
    if pass {
        let busy = if m.clutter_per_cm > BUSY_EDGES_PER_CM {
            format!(
                " The background is busy ({:.1} edges per cm around the card); a plain surface \
                 makes the outline easier to find.",
                m.clutter_per_cm
            )
        } else {
            String::new()
        };
        return check.message(format!(
            "The document stands out from the background (contrast {:.0}, at least {limit:.0} \
             needed).{busy}",
            m.contrast
        ));
    }
    let dark = m.background_luma < f64::from(DARK_LUMA) && m.rim_luma < f64::from(DARK_LUMA);
    let check = check
        .message(format!(
            "Put the card on a plain dark surface: its edges barely differ from the background \
             (contrast {:.0}, at least {limit:.0} needed).",
            m.contrast
        ))
        .hint("Put the card on a plain dark surface");
    if dark {
        check
            .message(format!(
                "Use a lighter plain surface or more light: the document and the background are \
                 both dark (contrast {:.0}, at least {limit:.0} needed).",
                m.contrast
            ))
            .hint("More light, plain surface")
    } else {
        check.portal("Document not fully visible")
    }
}

/// The background check on the rectified document's outline in `frame`.
pub fn assess(border: Option<&Border>, profile: &Profile) -> Check {
    match border {
        Some(b) => assess_stations(&b.stations(), profile),
        None => Check::new(
            CheckId::Background,
            false,
            None,
            Some(profile.min_background_contrast),
        )
        .message("Not measured: the document could not be rectified.")
        .hint("Show the whole document"),
    }
}
