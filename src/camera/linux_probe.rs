//! Linux: what each /dev/video node is, read straight from V4L2 (the `v4l` crate nokhwa itself
//! uses), and its controls with their menu entries.
//!
//! Decides how V4L2's answers become idcap's: the node's capture capability (metadata nodes have
//! none), its bus (for the stable id), every (format, size, interval) with fractional intervals
//! rounded to whole fps (nokhwa 0.10's own listing drops 1001/30000 s intervals or reports them
//! as 30000 fps), stepwise sizes reduced to their ends and the common sizes between them, and menu
//! controls with their named entries (nokhwa reports menus as plain integer ranges). Any panic
//! inside `v4l` (it unwraps on unknown control types and non-UTF-8 names) is caught here.

use std::panic::{AssertUnwindSafe, catch_unwind};

use nokhwa::utils::{CameraFormat, FrameFormat, Resolution};
use v4l::control::{Flags as ControlFlags, MenuItem, Type, Value};
use v4l::frameinterval::FrameIntervalEnum;
use v4l::framesize::FrameSizeEnum;
use v4l::video::Capture;

use super::controls::{ControlDescription, DescriptionKind};
use super::device::NodeProbe;

/// Common sizes tried inside a stepwise range.
const COMMON_SIZES: [(u32, u32); 5] = [
    (640, 480),
    (1280, 720),
    (1280, 960),
    (1920, 1080),
    (3840, 2160),
];

fn frame_format(fourcc: &[u8; 4]) -> Option<FrameFormat> {
    match fourcc {
        b"MJPG" => Some(FrameFormat::MJPEG),
        b"YUYV" => Some(FrameFormat::YUYV),
        b"NV12" => Some(FrameFormat::NV12),
        b"GREY" => Some(FrameFormat::GRAY),
        b"RGB3" => Some(FrameFormat::RAWRGB),
        b"BGR3" => Some(FrameFormat::RAWBGR),
        _ => None,
    }
}

fn whole_fps(numerator: u32, denominator: u32) -> Option<u32> {
    if numerator == 0 {
        return None;
    }
    let fps = (f64::from(denominator) / f64::from(numerator)).round();
    (fps >= 1.0).then_some(fps as u32)
}

fn sizes(size: FrameSizeEnum) -> Vec<(u32, u32)> {
    match size {
        FrameSizeEnum::Discrete(d) => vec![(d.width, d.height)],
        FrameSizeEnum::Stepwise(s) => {
            let fits = |w: u32, h: u32| {
                (s.min_width..=s.max_width).contains(&w)
                    && (s.min_height..=s.max_height).contains(&h)
                    && (w - s.min_width).is_multiple_of(s.step_width.max(1))
                    && (h - s.min_height).is_multiple_of(s.step_height.max(1))
            };
            let mut out = vec![(s.max_width, s.max_height), (s.min_width, s.min_height)];
            for (w, h) in COMMON_SIZES {
                if fits(w, h) && !out.contains(&(w, h)) {
                    out.push((w, h));
                }
            }
            out
        }
    }
}

fn rates(dev: &v4l::Device, fourcc: v4l::FourCC, w: u32, h: u32) -> Vec<u32> {
    let mut out = Vec::new();
    for interval in dev.enum_frameintervals(fourcc, w, h).unwrap_or_default() {
        match interval.interval {
            FrameIntervalEnum::Discrete(f) => out.extend(whole_fps(f.numerator, f.denominator)),
            // The fastest and slowest ends of a continuous range.
            FrameIntervalEnum::Stepwise(s) => {
                out.extend(whole_fps(s.min.numerator, s.min.denominator));
                out.extend(whole_fps(s.max.numerator, s.max.denominator));
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn probe_node(index: u32, path: &std::path::Path) -> Option<NodeProbe> {
    let dev = v4l::Device::with_path(path).ok()?;
    let caps = dev.query_caps().ok()?;
    let captures_video = caps
        .capabilities
        .contains(v4l::capability::Flags::VIDEO_CAPTURE);
    let mut formats = Vec::new();
    let mut other_formats = Vec::new();
    if captures_video {
        for desc in dev.enum_formats().unwrap_or_default() {
            let Some(ff) = frame_format(&desc.fourcc.repr) else {
                other_formats.push(
                    String::from_utf8_lossy(&desc.fourcc.repr)
                        .trim()
                        .to_string(),
                );
                continue;
            };
            for size in dev.enum_framesizes(desc.fourcc).unwrap_or_default() {
                for (w, h) in sizes(size.size) {
                    for fps in rates(&dev, desc.fourcc, w, h) {
                        formats.push(CameraFormat::new(Resolution::new(w, h), ff, fps));
                    }
                }
            }
        }
    }
    formats.dedup();
    other_formats.dedup();
    Some(NodeProbe {
        index,
        name: caps.card.trim().to_string(),
        path: path.display().to_string(),
        bus: caps.bus.trim().to_string(),
        captures_video: Some(captures_video),
        formats,
        other_formats,
    })
}

/// Every /dev/video node, with what it offers. Nodes that cannot be read (no permission, gone
/// while listing) are left out.
pub(crate) fn probe() -> Vec<NodeProbe> {
    catch_unwind(|| {
        let mut nodes: Vec<NodeProbe> = v4l::context::enum_devices()
            .into_iter()
            .filter_map(|node| {
                let index = u32::try_from(node.index()).ok()?;
                catch_unwind(AssertUnwindSafe(|| probe_node(index, node.path())))
                    .ok()
                    .flatten()
            })
            .collect();
        nodes.sort_by_key(|n| n.index);
        nodes
    })
    .unwrap_or_default()
}

fn describe(dev: &v4l::Device, d: v4l::control::Description) -> Option<ControlDescription> {
    let value = match dev.control(d.id).ok()?.value {
        Value::Integer(v) => v,
        Value::Boolean(b) => i64::from(b),
        _ => return None,
    };
    let kind = match d.typ {
        Type::Integer | Type::Integer64 => DescriptionKind::Integer {
            min: d.minimum,
            max: d.maximum,
            step: i64::try_from(d.step).unwrap_or(1),
        },
        Type::Boolean => DescriptionKind::Boolean,
        Type::Menu => DescriptionKind::Menu {
            items: d
                .items
                .unwrap_or_default()
                .into_iter()
                .map(|(v, item)| (i64::from(v), item.to_string()))
                .collect(),
        },
        Type::IntegerMenu => DescriptionKind::Values {
            values: d
                .items
                .unwrap_or_default()
                .into_iter()
                .filter_map(|(_, item)| match item {
                    MenuItem::Value(v) => Some(v),
                    MenuItem::Name(_) => None,
                })
                .collect(),
        },
        _ => DescriptionKind::Other,
    };
    Some(ControlDescription {
        id: u64::from(d.id),
        name: d.name,
        kind,
        value,
        inactive: d
            .flags
            .intersects(ControlFlags::INACTIVE | ControlFlags::DISABLED),
    })
}

/// The controls of the node at `path`, read through a second handle (V4L2 allows that while the
/// stream runs).
pub(crate) fn controls(path: &str) -> Vec<ControlDescription> {
    catch_unwind(|| {
        let Ok(dev) = v4l::Device::with_path(path) else {
            return Vec::new();
        };
        dev.query_controls()
            .unwrap_or_default()
            .into_iter()
            .filter_map(|d| describe(&dev, d))
            .collect()
    })
    .unwrap_or_default()
}

/// Sets one control on the node at `path`.
pub(crate) fn set_control(path: &str, id: u64, value: i64, boolean: bool) -> Result<(), String> {
    let id = u32::try_from(id).map_err(|_| format!("no control {id:#x}"))?;
    catch_unwind(|| {
        let dev = v4l::Device::with_path(path).map_err(|e| e.to_string())?;
        let value = if boolean {
            Value::Boolean(value != 0)
        } else {
            Value::Integer(value)
        };
        dev.set_control(v4l::control::Control { id, value })
            .map_err(|e| e.to_string())
    })
    .unwrap_or_else(|_| Err("the V4L2 control call failed".to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fractional_intervals_round_to_whole_fps() {
        assert_eq!(whole_fps(1001, 30000), Some(30));
        assert_eq!(whole_fps(2, 15), Some(8));
        assert_eq!(whole_fps(1, 5), Some(5));
        assert_eq!(whole_fps(0, 30), None);
        assert_eq!(whole_fps(3, 1), None);
    }

    #[test]
    fn stepwise_sizes_give_their_ends_and_common_sizes_on_the_grid() {
        let s = v4l::framesize::Stepwise {
            min_width: 320,
            max_width: 1920,
            step_width: 32,
            min_height: 240,
            max_height: 1080,
            step_height: 8,
        };
        // 1280 − 320 = 960 = 30 × 32 ✓; 720 − 240 = 480 = 60 × 8 ✓; 1920×1080 is the max.
        let got = sizes(FrameSizeEnum::Stepwise(s));
        assert_eq!(
            got,
            [
                (1920, 1080),
                (320, 240),
                (640, 480),
                (1280, 720),
                (1280, 960)
            ]
        );
    }

    #[test]
    fn probing_this_machine_never_panics() {
        // No camera on the build machine: an empty list (or whatever nodes exist), never a panic.
        let _ = probe();
        assert!(controls("/dev/does-not-exist").is_empty());
        assert!(set_control("/dev/does-not-exist", 0x0098_0918, 1, false).is_err());
    }
}
