//! Which capture format idcap asks a webcam for, chosen from the camera's own list.
//!
//! Decides, purely from the formats a camera offers (nokhwa's `CameraFormat`: pixel format, size,
//! whole frames per second):
//! 1. the size: the largest one (by pixel count, then width) that fits inside the size limit and
//!    has a usable pixel format at ≥ `MIN_FPS`; only when nothing fits, the smallest larger one.
//!    A size counts only through the formats that reach `MIN_FPS` there, so a webcam whose YUYV
//!    2304×1536 runs at 2 fps does not make 2304×1536 "the largest";
//! 2. the pixel format at that size: MJPEG, then YUYV, then NV12 (the ones idcap decodes);
//! 3. the frame rate at that size and format: the one nearest `PREFERRED_FPS` (ties go to the
//!    faster one).
//!
//! The result is always one of the offered entries, so it can be requested with
//! `RequestedFormatType::Exact` (nokhwa's `Closest` fails when the nearest size lacks the requested
//! rate, and AVFoundation aborts on a format/rate pair the device never listed).

use std::cmp::Reverse;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use nokhwa::utils::{CameraFormat, FrameFormat};

/// Slowest frame rate worth a live view, frames per second.
pub(crate) const MIN_FPS: f64 = 15.0;
/// The frame rate idcap prefers, frames per second (29.97 counts as "about 30").
pub(crate) const PREFERRED_FPS: f64 = 30.0;

/// Pixel formats idcap decodes, best first.
pub(crate) const USABLE_FORMATS: [FrameFormat; 3] =
    [FrameFormat::MJPEG, FrameFormat::YUYV, FrameFormat::NV12];

/// The chosen format and one line saying why.
#[derive(Clone, Debug, PartialEq)]
pub struct FormatChoice {
    /// One entry of the camera's own list, to request with `Exact`.
    pub(crate) format: CameraFormat,
    /// "MJPEG 1280×720 @ 30 fps: largest ≤ 1920×1080 with ≥ 15 fps".
    pub reason: String,
}

/// Nothing the camera offers is usable; `offered` summarises what it does offer.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error(
    "The camera offers no format idcap can use (MJPEG, YUYV or NV12 at 15 fps or more). It offers: {offered}"
)]
pub struct NoUsableFormat {
    /// The formats the camera offered, as one human-readable line.
    pub offered: String,
}

/// The frame rate nokhwa's whole number stands for, frames per second.
///
/// nokhwa's V4L2 listing reports a `1001/30000 s` interval as "30000" (the interval's denominator),
/// so a rate of 1000 or more that is a multiple of 1000 is read as `n / 1001` (29.97, 59.94, 23.976).
/// Other backends round or truncate (29.97 arrives as 29 or 30) and pass through unchanged.
pub(crate) fn effective_fps(raw: u32) -> f64 {
    if raw >= 1000 && raw.is_multiple_of(1000) {
        f64::from(raw) / 1001.0
    } else {
        f64::from(raw)
    }
}

fn rank(format: FrameFormat) -> Option<usize> {
    USABLE_FORMATS.iter().position(|f| *f == format)
}

fn fits(f: &CameraFormat, limit: [u32; 2]) -> bool {
    f.width() <= limit[0] && f.height() <= limit[1]
}

/// Picks the format to request from `offered`, keeping the size within `limit` (width, height in
/// pixels; `DEFAULT_MAX_SIZE` is 1920×1080) when the camera allows.
pub fn choose_format(
    offered: &[CameraFormat],
    limit: [u32; 2],
) -> Result<FormatChoice, NoUsableFormat> {
    let usable: Vec<&CameraFormat> = offered
        .iter()
        .filter(|f| rank(f.format()).is_some() && effective_fps(f.frame_rate()) >= MIN_FPS)
        .collect();
    let area = |f: &CameraFormat| (u64::from(f.width()) * u64::from(f.height()), f.width());
    let within = usable
        .iter()
        .filter(|f| fits(f, limit))
        .max_by_key(|f| area(f));
    let (size_ref, fits_limit) = match within {
        Some(f) => (*f, true),
        None => match usable.iter().min_by_key(|f| area(f)) {
            Some(f) => (*f, false),
            None => {
                return Err(NoUsableFormat {
                    offered: describe_offered(offered),
                });
            }
        },
    };
    let size = (size_ref.width(), size_ref.height());
    let at_size = usable
        .iter()
        .filter(|f| (f.width(), f.height()) == size)
        .copied();
    // Best pixel format first, then the rate nearest PREFERRED_FPS, then the faster rate.
    let best = at_size.min_by(|a, b| {
        let key = |f: &CameraFormat| {
            let fps = effective_fps(f.frame_rate());
            (rank(f.format()), (fps - PREFERRED_FPS).abs(), -fps)
        };
        let (ra, da, fa) = key(a);
        let (rb, db, fb) = key(b);
        ra.cmp(&rb).then(da.total_cmp(&db)).then(fa.total_cmp(&fb))
    });
    let Some(best) = best.copied() else {
        return Err(NoUsableFormat {
            offered: describe_offered(offered),
        });
    };
    let why = if fits_limit {
        format!("largest ≤ {}×{} with ≥ {} fps", limit[0], limit[1], MIN_FPS)
    } else {
        format!(
            "nothing ≤ {}×{} reaches {} fps; smallest larger size",
            limit[0], limit[1], MIN_FPS
        )
    };
    Ok(FormatChoice {
        format: best,
        reason: format!("{}: {why}", describe(&best)),
    })
}

/// "MJPEG 1280×720 @ 30 fps" (29.97 fps shown with two decimals).
pub(crate) fn describe(f: &CameraFormat) -> String {
    format!(
        "{} {}×{} @ {} fps",
        f.format(),
        f.width(),
        f.height(),
        fps_text(f.frame_rate())
    )
}

/// A frame rate for people: whole rates as integers, NTSC rates with two decimals.
pub(crate) fn fps_text(raw: u32) -> String {
    let fps = effective_fps(raw);
    if fps.fract() == 0.0 {
        format!("{fps}")
    } else {
        format!("{fps:.2}")
    }
}

/// One pixel format's sizes, largest first, each with its frame rates, fastest first.
#[derive(Clone, Debug, PartialEq)]
pub struct FormatGroup {
    /// The pixel format (MJPEG, YUYV, NV12, …).
    pub format: FrameFormat,
    /// (width, height, frame rates as nokhwa reports them), no duplicates.
    pub sizes: Vec<(u32, u32, Vec<u32>)>,
}

/// The camera's list merged and sorted: one group per pixel format (usable ones first, in
/// preference order), duplicates removed.
pub fn merge_formats(offered: &[CameraFormat]) -> Vec<FormatGroup> {
    type Sizes = BTreeMap<Reverse<(u64, u32, u32)>, Vec<u32>>;
    let mut by_format: BTreeMap<(usize, FrameFormat), Sizes> = BTreeMap::new();
    for f in offered {
        let key = (rank(f.format()).unwrap_or(USABLE_FORMATS.len()), f.format());
        let size = Reverse((
            u64::from(f.width()) * u64::from(f.height()),
            f.width(),
            f.height(),
        ));
        let rates = by_format.entry(key).or_default().entry(size).or_default();
        if !rates.contains(&f.frame_rate()) {
            rates.push(f.frame_rate());
        }
    }
    by_format
        .into_iter()
        .map(|((_, format), sizes)| FormatGroup {
            format,
            sizes: sizes
                .into_iter()
                .map(|(Reverse((_, w, h)), mut rates)| {
                    rates.sort_by(|a, b| effective_fps(*b).total_cmp(&effective_fps(*a)));
                    (w, h, rates)
                })
                .collect(),
        })
        .collect()
}

/// What a camera offers in one line: each pixel format with its largest size and that size's
/// fastest rate ("MJPEG up to 1920×1080 @ 30 fps; GRAY up to 640×360 @ 15 fps"), or
/// "no formats" for an empty list.
pub(crate) fn describe_offered(offered: &[CameraFormat]) -> String {
    let groups = merge_formats(offered);
    if groups.is_empty() {
        return "no formats".to_string();
    }
    let mut out = String::new();
    for g in &groups {
        let Some((w, h, rates)) = g.sizes.first() else {
            continue;
        };
        if !out.is_empty() {
            out.push_str("; ");
        }
        let fastest = rates.first().map_or("?".to_string(), |r| fps_text(*r));
        let _ = write!(out, "{} up to {w}×{h} @ {fastest} fps", g.format);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use nokhwa::utils::Resolution;

    const LIMIT: [u32; 2] = [1920, 1080];

    fn f(format: FrameFormat, w: u32, h: u32, fps: u32) -> CameraFormat {
        CameraFormat::new(Resolution::new(w, h), format, fps)
    }

    fn chosen(offered: &[CameraFormat]) -> CameraFormat {
        choose_format(offered, LIMIT).unwrap().format
    }

    #[test]
    fn largest_size_within_the_limit_wins_over_a_bigger_one() {
        let offered = [
            f(FrameFormat::MJPEG, 640, 480, 30),
            f(FrameFormat::MJPEG, 3840, 2160, 30),
            f(FrameFormat::MJPEG, 1280, 720, 30),
            f(FrameFormat::MJPEG, 1920, 1080, 30),
        ];
        assert_eq!(chosen(&offered), f(FrameFormat::MJPEG, 1920, 1080, 30));
        let choice = choose_format(&offered, [1280, 720]).unwrap();
        assert_eq!(choice.format, f(FrameFormat::MJPEG, 1280, 720, 30));
        assert_eq!(
            choice.reason,
            "MJPEG 1280×720 @ 30 fps: largest ≤ 1280×720 with ≥ 15 fps"
        );
    }

    #[test]
    fn a_size_only_slow_in_yuyv_does_not_count_as_larger() {
        // The C920 pattern: YUYV reaches 2304×1536 and 1920×1080 only at 2–5 fps, MJPEG 1080p at 30.
        let offered = [
            f(FrameFormat::YUYV, 1920, 1080, 5),
            f(FrameFormat::YUYV, 1280, 720, 10),
            f(FrameFormat::YUYV, 640, 480, 30),
            f(FrameFormat::MJPEG, 1280, 720, 30),
            f(FrameFormat::MJPEG, 960, 720, 30),
        ];
        // 1920×1080 exists only at 5 fps, so the largest usable size is 1280×720, in MJPEG.
        assert_eq!(chosen(&offered), f(FrameFormat::MJPEG, 1280, 720, 30));
        // Without MJPEG, YUYV 1280×720 at 10 fps is too slow: YUYV 640×480 @ 30.
        let yuyv_only: Vec<_> = offered
            .iter()
            .copied()
            .filter(|c| c.format() == FrameFormat::YUYV)
            .collect();
        assert_eq!(chosen(&yuyv_only), f(FrameFormat::YUYV, 640, 480, 30));
    }

    #[test]
    fn mjpeg_before_yuyv_before_nv12_at_the_same_size() {
        let offered = [
            f(FrameFormat::NV12, 1280, 720, 30),
            f(FrameFormat::YUYV, 1280, 720, 30),
            f(FrameFormat::MJPEG, 1280, 720, 15),
        ];
        assert_eq!(chosen(&offered), f(FrameFormat::MJPEG, 1280, 720, 15));
        assert_eq!(chosen(&offered[..2]), f(FrameFormat::YUYV, 1280, 720, 30));
        assert_eq!(chosen(&offered[..1]), f(FrameFormat::NV12, 1280, 720, 30));
    }

    #[test]
    fn the_rate_nearest_30_is_preferred_and_15_is_the_floor() {
        let offered = [
            f(FrameFormat::MJPEG, 1280, 720, 60),
            f(FrameFormat::MJPEG, 1280, 720, 24),
            f(FrameFormat::MJPEG, 1280, 720, 30),
            f(FrameFormat::MJPEG, 1280, 720, 5),
        ];
        assert_eq!(chosen(&offered).frame_rate(), 30);
        assert_eq!(chosen(&[offered[0], offered[1]]).frame_rate(), 24);
        // 14 fps is below the floor; 15 is accepted.
        let slow = [f(FrameFormat::MJPEG, 1280, 720, 14)];
        assert!(choose_format(&slow, LIMIT).is_err());
        assert_eq!(
            chosen(&[f(FrameFormat::MJPEG, 1280, 720, 15)]).frame_rate(),
            15
        );
        // Equal distance from 30: the faster one.
        assert_eq!(
            chosen(&[
                f(FrameFormat::MJPEG, 640, 480, 25),
                f(FrameFormat::MJPEG, 640, 480, 35)
            ])
            .frame_rate(),
            35
        );
    }

    #[test]
    fn fractional_rates_count_as_about_30() {
        // 29.97 arrives truncated (29) from some backends and as "30000" from nokhwa's V4L2 list.
        assert_eq!(
            chosen(&[f(FrameFormat::NV12, 1280, 720, 29)]).frame_rate(),
            29
        );
        let ntsc = [
            f(FrameFormat::NV12, 1280, 720, 30000),
            f(FrameFormat::NV12, 1280, 720, 60000),
        ];
        let choice = choose_format(&ntsc, LIMIT).unwrap();
        assert_eq!(choice.format.frame_rate(), 30000);
        assert!(
            choice.reason.starts_with("NV12 1280×720 @ 29.97 fps"),
            "{}",
            choice.reason
        );
        assert!((effective_fps(30000) - 29.97).abs() < 0.01);
        assert_eq!(effective_fps(30), 30.0);
    }

    #[test]
    fn above_the_limit_only_when_nothing_fits_and_then_the_smallest() {
        let offered = [
            f(FrameFormat::NV12, 4096, 2160, 30),
            f(FrameFormat::NV12, 3840, 2160, 30),
            f(FrameFormat::MJPEG, 640, 480, 5),
        ];
        let choice = choose_format(&offered, LIMIT).unwrap();
        assert_eq!(choice.format, f(FrameFormat::NV12, 3840, 2160, 30));
        assert_eq!(
            choice.reason,
            "NV12 3840×2160 @ 30 fps: nothing ≤ 1920×1080 reaches 15 fps; smallest larger size"
        );
    }

    #[test]
    fn nothing_usable_names_what_the_camera_offers() {
        let ir = [
            f(FrameFormat::GRAY, 640, 360, 15),
            f(FrameFormat::GRAY, 340, 340, 15),
        ];
        let err = choose_format(&ir, LIMIT).unwrap_err();
        assert_eq!(err.offered, "GRAY up to 640×360 @ 15 fps");
        assert!(
            err.to_string()
                .contains("It offers: GRAY up to 640×360 @ 15 fps")
        );
        assert_eq!(choose_format(&[], LIMIT).unwrap_err().offered, "no formats");
        let slow = [f(FrameFormat::YUYV, 1280, 960, 7)];
        assert_eq!(
            choose_format(&slow, LIMIT).unwrap_err().offered,
            "YUYV up to 1280×960 @ 7 fps"
        );
    }

    #[test]
    fn merged_list_drops_duplicates_and_sorts() {
        let offered = [
            f(FrameFormat::YUYV, 640, 480, 30),
            f(FrameFormat::MJPEG, 640, 480, 15),
            f(FrameFormat::MJPEG, 1280, 720, 30),
            f(FrameFormat::MJPEG, 640, 480, 30),
            f(FrameFormat::MJPEG, 640, 480, 30),
        ];
        let groups = merge_formats(&offered);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].format, FrameFormat::MJPEG);
        assert_eq!(
            groups[0].sizes,
            vec![(1280, 720, vec![30]), (640, 480, vec![30, 15])]
        );
        assert_eq!(groups[1].format, FrameFormat::YUYV);
        assert_eq!(
            describe_offered(&offered),
            "MJPEG up to 1280×720 @ 30 fps; YUYV up to 640×480 @ 30 fps"
        );
    }
}
