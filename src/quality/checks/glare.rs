//! `glare`: specular highlights on the document, how much of it they cover, and where they are.
//!
//! A highlight is a connected blob of pixels whose luma reaches the clip level
//! (`profile.glare_clip_level`) on a document whose paper white is itself below that level:
//! clipping relative to an unclipped paper white (after Morgand & Tamaazousti, VISAPP 2014;
//! docs/ARCHITECTURE.md, Research). That separates a reflection from white print (as white as the
//! paper, so unclipped when the paper is) and from tinted security print that clips a single colour
//! channel. Blobs smaller than `profile.glare_min_blob_frac` of the document (a glint on a
//! hologram, a bright pixel of noise) do not count. The blobs' bounding boxes are returned in image
//! pixels for an overlay.
//!
//! When the paper white itself is clipped (a white card photographed bright, or over-exposure), a
//! reflection cannot be told from the paper in one frame: the check then passes and says so, and
//! `exposure` judges the brightness. On the MIDV-500 dev set 6 of 59 real frames are like that.

use crate::quality::geometry::Point;
use crate::quality::histogram::{LumaHistograms, percentile};
use crate::quality::profile::Profile;
use crate::quality::rectify::Rectified;
use crate::quality::{Check, CheckId, Region};

/// The percentile of the document's luma taken as its paper white, 0–1: most of an ID card
/// or passport page is paper, so its upper-middle brightness is the paper, while a reflection of a
/// few per cent of the area cannot move it.
const PAPER_WHITE_PERCENTILE: f64 = 0.75;

/// The paper white must stay at least this many levels (0–255) below the clip level for clipping
/// to mean "brighter than the paper"; closer than that, the paper itself grazes the clip level and
/// clipped pixels are just bright paper (the exposure check judges that).
const PAPER_HEADROOM: u8 = 8;

/// Pixels of a row-order run that `measure_with` skips at once when none of them is clipped.
const SCAN_CHUNK_PX: usize = 64;

/// The result of the glare check, with the highlights for an overlay.
pub struct GlareResult {
    /// The `glare` check's result.
    pub check: Check,
    /// Highlight blobs in image pixels.
    pub regions: Vec<Region>,
}

/// What `measure` found.
#[derive(Clone, Debug, PartialEq)]
pub struct Highlights {
    /// Paper white, luma 0–255 at `PAPER_WHITE_PERCENTILE` of the valid document.
    pub paper_white: u8,
    /// Whether clipped pixels can be told from the paper (paper white below clip − headroom).
    pub measurable: bool,
    /// Area of the counted blobs over the valid document area, 0–1.
    pub fraction: f64,
    /// Counted blobs as canonical (x0, y0, x1, y1), end-exclusive.
    pub(crate) blobs: Vec<(u32, u32, u32, u32)>,
}

/// Scratch buffers for `measure_with`, reusable across frames: a visited flag per canonical pixel
/// (258 KB for a 640 × 404 document) and the flood-fill stack.
#[derive(Default)]
pub(crate) struct GlareScratch {
    seen: Vec<bool>,
    stack: Vec<u32>,
}

/// Finds the clipped blobs on the valid part of the document. Counts the document's histograms
/// and allocates its scratch; see `measure_with` to reuse both.
pub fn measure(doc: &Rectified, profile: &Profile) -> Highlights {
    measure_with(
        doc,
        &LumaHistograms::of(doc),
        profile,
        &mut GlareScratch::default(),
    )
}

/// `measure` with the document's histograms (`LumaHistograms::of(doc)`) and caller-owned scratch
/// buffers.
pub(crate) fn measure_with(
    doc: &Rectified,
    histograms: &LumaHistograms,
    profile: &Profile,
    scratch: &mut GlareScratch,
) -> Highlights {
    let (w, h) = (doc.width as usize, doc.height as usize);
    let n = w * h;
    let mut none = Highlights {
        paper_white: 0,
        measurable: false,
        fraction: 0.0,
        blobs: Vec::new(),
    };
    if n == 0 || doc.luma.len() < n || doc.valid.len() < n || doc.valid_count == 0 {
        return none;
    }
    let hist = &histograms.total;
    let paper_white = percentile(hist, PAPER_WHITE_PERCENTILE);
    none.paper_white = paper_white;
    let clip = profile.glare_clip_level;
    if u16::from(paper_white) + u16::from(PAPER_HEADROOM) > u16::from(clip) {
        return none;
    }
    let min_blob = (profile.glare_min_blob_frac * doc.valid_count as f64)
        .ceil()
        .max(1.0) as usize;
    // Most frames have no clipped pixel at all, or too few for one blob: then there is nothing
    // to flood.
    let clipped_total: u32 = hist[clip as usize..].iter().sum();
    if (clipped_total as usize) < min_blob {
        return Highlights {
            paper_white,
            measurable: true,
            fraction: 0.0,
            blobs: Vec::new(),
        };
    }
    let hot = |i: usize| doc.valid[i] != 0 && doc.luma[i] >= clip;
    // Flood fill (8-connected) over hot pixels. Scratch is per call: one byte per canonical pixel.
    let seen = &mut scratch.seen;
    seen.clear();
    seen.resize(n, false);
    let stack = &mut scratch.stack;
    stack.clear();
    let mut blobs = Vec::new();
    let mut area_total = 0usize;
    // Blobs are flooded from their first pixel in row order. Most of the document is far below
    // the clip level: a run of `SCAN_CHUNK_PX` pixels whose brightest is below it holds no start
    // (a max over bytes vectorises; testing every pixel does not).
    let starts = doc.luma[..n]
        .chunks(SCAN_CHUNK_PX)
        .enumerate()
        .filter(|(_, chunk)| chunk.iter().fold(0, |m, &l| m.max(l)) >= clip)
        .flat_map(|(k, chunk)| k * SCAN_CHUNK_PX..k * SCAN_CHUNK_PX + chunk.len());
    for start in starts {
        if seen[start] || !hot(start) {
            continue;
        }
        seen[start] = true;
        stack.push(start as u32);
        let (mut x0, mut y0, mut x1, mut y1) = (w, h, 0usize, 0usize);
        let mut area = 0usize;
        while let Some(i) = stack.pop() {
            let (x, y) = (i as usize % w, i as usize / w);
            area += 1;
            x0 = x0.min(x);
            x1 = x1.max(x);
            y0 = y0.min(y);
            y1 = y1.max(y);
            for ny in y.saturating_sub(1)..=(y + 1).min(h - 1) {
                for nx in x.saturating_sub(1)..=(x + 1).min(w - 1) {
                    let j = ny * w + nx;
                    if !seen[j] && hot(j) {
                        seen[j] = true;
                        stack.push(j as u32);
                    }
                }
            }
        }
        if area >= min_blob {
            area_total += area;
            blobs.push((x0 as u32, y0 as u32, x1 as u32 + 1, y1 as u32 + 1));
        }
    }
    Highlights {
        paper_white,
        measurable: true,
        fraction: area_total as f64 / doc.valid_count as f64,
        blobs,
    }
}

/// The glare check: fails when highlights cover more than `profile.max_glare_frac` of the document.
/// Counts the document's histograms and allocates its scratch; see `assess_with` to reuse both.
pub fn assess(doc: &Rectified, profile: &Profile) -> GlareResult {
    assess_with(
        doc,
        &LumaHistograms::of(doc),
        profile,
        &mut GlareScratch::default(),
    )
}

/// `assess` with the document's histograms (`LumaHistograms::of(doc)`) and caller-owned scratch
/// buffers (for a live stream).
pub(crate) fn assess_with(
    doc: &Rectified,
    histograms: &LumaHistograms,
    profile: &Profile,
    scratch: &mut GlareScratch,
) -> GlareResult {
    let limit = 100.0 * profile.max_glare_frac;
    let m = measure_with(doc, histograms, profile, scratch);
    if doc.valid_count == 0 {
        return GlareResult {
            check: Check::new(CheckId::Glare, false, None, Some(limit))
                .message("Not measured: the document is not in the frame.")
                .hint("Show the document to the camera"),
            regions: Vec::new(),
        };
    }
    if !m.measurable {
        return GlareResult {
            check: Check::new(CheckId::Glare, true, Some(0.0), Some(limit))
                .message(format!(
                    "Reflections cannot be told apart: the card's white is already at the sensor \
                     limit ({}/255). Less light would let them show.",
                    m.paper_white
                ))
                .hint("No reflections"),
            regions: Vec::new(),
        };
    }
    let regions = m
        .blobs
        .iter()
        .filter_map(|&(x0, y0, x1, y1)| {
            let corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
                .map(|(x, y)| doc.to_image_point(Point::new(f64::from(x), f64::from(y))));
            let mut bx = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
            for p in corners {
                let p = p?;
                bx = (bx.0.min(p.x), bx.1.max(p.x), bx.2.min(p.y), bx.3.max(p.y));
            }
            Some(Region {
                x: bx.0,
                y: bx.2,
                w: bx.1 - bx.0,
                h: bx.3 - bx.2,
            })
        })
        .collect();
    // Reported and decided in thousandths of a percent (see `checks::round2`).
    let value = super::round3(100.0 * m.fraction);
    let pass = value <= limit;
    let check = Check::new(CheckId::Glare, pass, Some(value), Some(limit));
    let (value, limit) = crate::quality::shown::pair(value, limit);
    let check = if pass {
        check
            .message(format!(
                "No reflections: {value}% of the document is washed out ({limit}% accepted)."
            ))
            .hint("No reflections")
    } else {
        check
            .message(format!(
                "Reflection on the document: {value}% of it is washed out ({limit}% \
                 accepted). Tilt the card slightly or move it away from the lamp."
            ))
            .hint("Tilt the card to move the reflection")
    };
    GlareResult { check, regions }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::test_card::{self, card, card_with_paper};

    #[test]
    fn a_clean_card_with_white_print_has_no_glare() {
        // The card's paper is its white; clip-free print at paper level is not glare.
        let r = assess(&card(), &Profile::default());
        assert!(r.check.pass, "{}", r.check.message);
        assert_eq!(r.check.value, Some(0.0));
        assert!(r.regions.is_empty());
    }

    #[test]
    fn a_reflection_fails_and_is_located_in_image_pixels() {
        let mut doc = card();
        // Clipped disc of radius 45 px: π·45² / (640·404) ≈ 2.5 % of the card (the dark print under
        // it clips a little less).
        test_card::glare(&mut doc, 400.0, 200.0, 45.0);
        // Put the document at an offset in the image so the mapping is exercised.
        doc.to_image = Some(crate::quality::geometry::Homography([
            2.0, 0.0, 100.0, 0.0, 2.0, 50.0, 0.0, 0.0, 1.0,
        ]));
        let r = assess(&doc, &Profile::default());
        assert!(!r.check.pass);
        let v = r.check.value.unwrap_or(0.0);
        assert!((1.5..2.7).contains(&v), "{v} %");
        assert_eq!(r.check.hint, "Tilt the card to move the reflection");
        assert_eq!(r.check.portal, "Reflection detected");
        assert_eq!(r.regions.len(), 1);
        let g = r.regions[0];
        // Canonical centre (400, 200) is image (900, 450); the box spans about 2·2·45 px.
        assert!((g.x + g.w / 2.0 - 900.0).abs() < 6.0 && (g.y + g.h / 2.0 - 450.0).abs() < 6.0);
        assert!((g.w - 180.0).abs() < 20.0, "{g:?}");
    }

    #[test]
    fn a_tiny_glint_does_not_count() {
        let mut doc = card();
        test_card::glare(&mut doc, 400.0, 200.0, 3.0); // ≈ 28 px, under 0.02 % (52 px) of the card
        let r = assess(&doc, &Profile::default());
        assert!(r.check.pass);
        assert!(r.regions.is_empty());
    }

    #[test]
    fn a_white_or_over_exposed_card_is_left_to_exposure() {
        for paper in [252.0, 255.0] {
            let r = assess(&card_with_paper(paper), &Profile::default());
            assert!(r.check.pass, "paper {paper}: {}", r.check.message);
        }
        let mut bright = card();
        test_card::map(&mut bright, |_, _, v| v * 2.5);
        assert!(assess(&bright, &Profile::default()).check.pass);
    }

    #[test]
    fn a_bright_but_unclipped_paper_still_shows_glare() {
        let mut doc = card_with_paper(238.0);
        test_card::glare(&mut doc, 300.0, 250.0, 45.0);
        assert!(!assess(&doc, &Profile::default()).check.pass);
    }

    #[test]
    fn glare_outside_the_frame_is_ignored() {
        let mut doc = card();
        test_card::glare(&mut doc, 100.0, 200.0, 45.0);
        let w = doc.width as usize;
        for (i, v) in doc.valid.iter_mut().enumerate() {
            if i % w < 200 {
                *v = 0;
            }
        }
        doc.valid_count = doc.valid.iter().filter(|&&v| v != 0).count();
        assert!(assess(&doc, &Profile::default()).check.pass);
    }
}
