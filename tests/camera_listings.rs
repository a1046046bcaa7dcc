//! Every real webcam listing in /work/shared/cameras, parsed, classified and opened on the fake
//! backend: which node idcap offers, which it skips and why, and the exact format it requests.
//! Each expected value was written by reading the listing.

#[path = "common/camera_listings.rs"]
mod camera_listings;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use camera_listings::{ListedNode, Listing, description_of, fake_of, load, node, probe_of};
use idcap::camera::controls::{ControlDescription, offered};
use idcap::camera::device::{CameraDevice, classify};
use idcap::camera::fake::{FakeBackend, FakeCamera, Step};
use idcap::camera::format::{choose_format, merge_formats};
use idcap::camera::webcam::{Wanted, WebcamSource};
use idcap::camera::{ControlKind, DEFAULT_MAX_SIZE, FrameSource};
use idcap::cli::cameras::{CamerasArgs, run_with};
use nokhwa::utils::FrameFormat;
use serde_json::Value;

fn devices(listing: &Listing) -> Vec<CameraDevice> {
    let probes = listing.nodes.iter().map(|n| probe_of(listing, n)).collect();
    classify(probes, DEFAULT_MAX_SIZE)
}

/// What idcap makes of a listing: (path, the chosen format's description or the skip reason).
fn outcome(file: &str) -> Vec<(String, String)> {
    let listing = load(file);
    devices(&listing)
        .into_iter()
        .map(|d| {
            let what = match d.choice() {
                Some(c) => c.reason.clone(),
                None => format!("skipped: {}", d.skip_reason().unwrap_or_default()),
            };
            (d.probe.path.clone(), what)
        })
        .collect()
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

const FULL_HD: &str = "MJPEG 1920×1080 @ 30 fps: largest ≤ 1920×1080 with ≥ 15 fps";

/// Opens the first usable device on the fake backend and returns the (format, size) of its first
/// frame: the chooser's answer requested with `Exact` and decoded.
fn first_frame(file: &str) -> (FrameFormat, (u32, u32)) {
    let listing = load(file);
    let backend = fake_of(&listing);
    let mut src =
        WebcamSource::with_backend(Box::new(backend.clone()), Wanted::First, DEFAULT_MAX_SIZE);
    let frame = src.next_frame().unwrap_or_else(|e| panic!("{file}: {e}"));
    let opened = backend.opened();
    assert_eq!(opened.len(), 1, "{file}");
    (opened[0].1.format(), frame.image.dimensions())
}

#[test]
fn every_listing_has_a_test_below() {
    let names = camera_listings::all_names();
    assert_eq!(names.len(), 17, "{names:?}");
}

#[test]
fn arducam_h264_node_is_skipped_and_duplicates_merge() {
    assert_eq!(
        outcome("linux-arducam-1080p-h264-node.txt"),
        pairs(&[
            ("/dev/video8", FULL_HD),
            (
                "/dev/video10",
                "skipped: no format idcap can decode (it offers H264)"
            ),
        ])
    );
    let listing = load("linux-arducam-1080p-h264-node.txt");
    let formats = node(&listing, "/dev/video8").camera_formats();
    // 1920×1080 MJPEG is listed twice with two 30 fps intervals each: one size, one rate.
    // MJPEG: 2 + 1 + 1 + 1 + 2 entries; YUYV: 2 + 1 + 2.
    assert_eq!(formats.len(), 12);
    let merged = merge_formats(&formats);
    assert_eq!(merged[0].format, FrameFormat::MJPEG);
    assert_eq!(merged[0].sizes[0], (1920, 1080, vec![30]));
    assert_eq!(merged[0].sizes.len(), 4);
    assert_eq!(
        merged[1].sizes,
        vec![(640, 480, vec![30]), (320, 240, vec![30])]
    );
    assert_eq!(
        first_frame("linux-arducam-1080p-h264-node.txt"),
        (FrameFormat::MJPEG, (1920, 1080))
    );
}

#[test]
fn dell_ir_and_metadata_nodes_are_skipped() {
    assert_eq!(
        outcome("linux-dell-latitude-7420-integrated-webcam-fhd-ir.txt"),
        pairs(&[
            ("/dev/video0", FULL_HD),
            (
                "/dev/video1",
                "skipped: metadata node: it cannot capture video"
            ),
            (
                "/dev/video2",
                "skipped: greyscale only (an infrared sensor): GRAY up to 640×360 @ 15 fps"
            ),
            (
                "/dev/video3",
                "skipped: metadata node: it cannot capture video"
            ),
        ])
    );
    let listing = load("linux-dell-latitude-7420-integrated-webcam-fhd-ir.txt");
    let d = devices(&listing);
    assert_eq!(
        d[0].id,
        "Integrated_Webcam_FHD: Integrat@usb-0000:00:14.0-6"
    );
}

#[test]
fn camlink_only_above_1080p_and_at_29_97_fps() {
    assert_eq!(
        outcome("linux-elgato-camlink-4k-nv12-29.97fps.txt"),
        pairs(&[(
            "/dev/video0",
            "NV12 3840×2160 @ 30 fps: nothing ≤ 1920×1080 reaches 15 fps; smallest larger size"
        )])
    );
    let listing = load("linux-elgato-camlink-4k-nv12-29.97fps.txt");
    let n = node(&listing, "/dev/video0");
    assert_eq!(n.modes.len(), 3, "NV12 twice, YU12 once");
    assert!(n.modes.iter().all(|m| m.fps == vec![29.97]));
    assert_eq!(
        first_frame("linux-elgato-camlink-4k-nv12-29.97fps.txt"),
        (FrameFormat::NV12, (3840, 2160))
    );
}

#[test]
fn generic_yuyv_only_camera() {
    assert_eq!(
        outcome("linux-generic-usb2-camera-yuyv-only.txt"),
        pairs(&[(
            "/dev/video0",
            "YUYV 640×480 @ 30 fps: largest ≤ 1920×1080 with ≥ 15 fps"
        )])
    );
    assert_eq!(
        first_frame("linux-generic-usb2-camera-yuyv-only.txt"),
        (FrameFormat::YUYV, (640, 480))
    );
}

#[test]
fn hp_ir_sensor_and_metadata_nodes_are_skipped() {
    assert_eq!(
        outcome("linux-hp-wide-vision-fhd-ir-metadata.txt"),
        pairs(&[
            ("/dev/video0", FULL_HD),
            // Skipped nodes sort by name: the IR sensor's card name ends "HP I", the RGB's "HP W".
            (
                "/dev/video2",
                "skipped: a second sensor of the camera at /dev/video0 (likely infrared); \
                 /dev/video0 gives larger video"
            ),
            (
                "/dev/video3",
                "skipped: metadata node: it cannot capture video"
            ),
            (
                "/dev/video1",
                "skipped: metadata node: it cannot capture video"
            ),
        ])
    );
    // Power-line frequency has a fourth entry, Auto; auto exposure lists only 1 and 3.
    let listing = load("linux-hp-wide-vision-fhd-ir-metadata.txt");
    let controls: Vec<ControlDescription> = node(&listing, "/dev/video0")
        .controls
        .iter()
        .map(description_of)
        .collect();
    let infos = offered(&controls);
    let names: Vec<&str> = infos.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Power line frequency",
            "Auto exposure",
            "Exposure time absolute",
            "Exposure dynamic framerate"
        ]
    );
    let ControlKind::Menu { options, value } = &infos[0].kind else {
        panic!("{:?}", infos[0])
    };
    assert_eq!(*value, 2);
    assert_eq!(options.last().map(|o| o.label.as_str()), Some("Auto"));
    let ControlKind::Menu { options, .. } = &infos[1].kind else {
        panic!("{:?}", infos[1])
    };
    let values: Vec<i64> = options.iter().map(|o| o.value).collect();
    assert_eq!(values, [1, 3]);
    assert!(
        !infos[2].active,
        "exposure time is inactive under auto exposure"
    );
}

#[test]
fn brio_full_hd_at_30_rather_than_60_or_4k() {
    assert_eq!(
        outcome("linux-logitech-brio.txt"),
        pairs(&[("/dev/video2", FULL_HD)])
    );
    let listing = load("linux-logitech-brio.txt");
    let formats = node(&listing, "/dev/video2").camera_formats();
    assert!(
        formats
            .iter()
            .any(|f| f.width() == 4096 && f.format() == FrameFormat::MJPEG)
    );
    assert!(formats.iter().any(|f| f.format() == FrameFormat::NV12));
}

#[test]
fn c270_largest_is_1280x960_in_mjpeg() {
    assert_eq!(
        outcome("linux-logitech-c270-partial.txt"),
        pairs(&[(
            "/dev/video0",
            "MJPEG 1280×960 @ 30 fps: largest ≤ 1920×1080 with ≥ 15 fps"
        )])
    );
    // The `...` elisions leave 3 YUYV and 3 MJPEG sizes.
    let listing = load("linux-logitech-c270-partial.txt");
    assert_eq!(node(&listing, "/dev/video0").modes.len(), 6);
}

#[test]
fn c310_sizes_without_rates() {
    let listing = load("linux-logitech-c310-ffmpeg-sizes.txt");
    let n = node(&listing, "/dev/video0");
    assert_eq!(n.modes.len(), 38);
    // ffmpeg's v4l2 list has no frame rates: nothing can be requested exactly from it.
    assert!(n.camera_formats().is_empty());
    assert_eq!(
        choose_format(&n.camera_formats(), DEFAULT_MAX_SIZE)
            .unwrap_err()
            .offered,
        "no formats"
    );
    // Had the camera listed 30 fps for each size (as the C270, its sibling, does in MJPEG):
    let assumed = choose_format(&n.camera_formats_assuming(Some(30)), DEFAULT_MAX_SIZE).unwrap();
    assert_eq!(
        assumed.reason,
        "MJPEG 1280×960 @ 30 fps: largest ≤ 1920×1080 with ≥ 15 fps"
    );
}

#[test]
fn c525_old_layout_full_hd_mjpeg_and_old_control_names() {
    assert_eq!(
        outcome("linux-logitech-c525.txt"),
        pairs(&[("/dev/video0", FULL_HD)])
    );
    let listing = load("linux-logitech-c525.txt");
    let n = node(&listing, "/dev/video0");
    assert_eq!(
        n.modes.len(),
        25 * 2,
        "unsorted sizes, the current-format block not counted"
    );
    let infos = offered(&n.controls.iter().map(description_of).collect::<Vec<_>>());
    let names: Vec<&str> = infos.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Exposure absolute",
            "Exposure auto",
            "Exposure auto priority",
            "Focus absolute",
            "Focus auto",
            "Power line frequency"
        ]
    );
    // No `value=` in this old listing: the default stands in.
    assert!(matches!(infos[1].kind, ControlKind::Menu { value: 3, .. }));
}

#[test]
fn c920_full_hd_mjpeg_not_2304_yuyv() {
    assert_eq!(
        outcome("linux-logitech-c920.txt"),
        pairs(&[("/dev/camera", FULL_HD)])
    );
    let listing = load("linux-logitech-c920.txt");
    let n = node(&listing, "/dev/camera");
    let probe = probe_of(&listing, n);
    assert_eq!(probe.other_formats, ["H264"]);
    let infos = offered(&n.controls.iter().map(description_of).collect::<Vec<_>>());
    let inactive: Vec<&str> = infos
        .iter()
        .filter(|c| !c.active)
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(inactive, ["Exposure time absolute", "Focus absolute"]);
    let ControlKind::Menu { options, value } = &infos[0].kind else {
        panic!("{:?}", infos[0])
    };
    assert_eq!(infos[0].name, "Power line frequency");
    assert_eq!(*value, 2);
    let labels: Vec<&str> = options.iter().map(|o| o.label.as_str()).collect();
    assert_eq!(labels, ["Disabled", "50 Hz", "60 Hz"]);
    // The fake camera reads a set value back; a value outside the menu is refused.
    let backend = fake_of(&listing);
    let mut src = WebcamSource::with_backend(Box::new(backend), Wanted::First, [640, 480]);
    assert_eq!(src.next_frame().unwrap().image.dimensions(), (640, 480));
    assert_eq!(src.set_control(0x0098_0918, 1).unwrap().kind.value(), 1);
    assert!(
        src.set_control(0x009a_0901, 2).is_err(),
        "auto exposure has no entry 2"
    );
}

#[test]
fn c922_prefixed_lines_and_metadata_node() {
    assert_eq!(
        outcome("linux-logitech-c922.txt"),
        pairs(&[
            ("/dev/video0", FULL_HD),
            (
                "/dev/video1",
                "skipped: metadata node: it cannot capture video"
            ),
        ])
    );
    // `--list-ctrls` prints no menu entries: such a menu cannot be offered truthfully.
    let listing = load("linux-logitech-c922.txt");
    let infos = offered(
        &node(&listing, "/dev/video0")
            .controls
            .iter()
            .map(description_of)
            .collect::<Vec<_>>(),
    );
    assert!(
        infos
            .iter()
            .all(|c| !matches!(c.kind, ControlKind::Menu { .. }))
    );
    assert!(infos.iter().any(|c| c.name == "Focus automatic continuous"));
}

#[test]
fn c930e_three_sizes() {
    assert_eq!(
        outcome("linux-logitech-c930e.txt"),
        pairs(&[("/dev/video2", FULL_HD)])
    );
    let listing = load("linux-logitech-c930e.txt");
    let n = node(&listing, "/dev/video2");
    assert_eq!(n.modes.len(), 6);
    // 640×480 YUYV lists 5 fps twice.
    assert_eq!(n.modes[0].fps.iter().filter(|f| **f == 5.0).count(), 2);
}

#[test]
fn windows_dshow_listings() {
    assert_eq!(
        outcome("windows-dshow-logitech-c920.txt"),
        pairs(&[("dshow:Logitech HD Pro Webcam C920", FULL_HD)])
    );
    assert_eq!(
        outcome("windows-dshow-logitech-c930e.txt"),
        pairs(&[("dshow:Logitech Webcam C930e", FULL_HD)])
    );
    assert_eq!(
        outcome("windows-dshow-lenovo-easycamera.txt"),
        pairs(&[(
            "dshow:Lenovo EasyCamera",
            "MJPEG 1280×720 @ 30 fps: largest ≤ 1920×1080 with ≥ 15 fps"
        )])
    );
    // Every C930e mode is listed twice, the notes after two of them included.
    let listing = load("windows-dshow-logitech-c930e.txt");
    let n = node(&listing, "dshow:Logitech Webcam C930e");
    // 17 MJPEG and 19 YUYV sizes, each listed twice.
    assert_eq!(n.modes.len(), 72);
    let yuyv_720p = n
        .modes
        .iter()
        .find(|m| m.fourcc == "YUYV" && m.width == 1280)
        .unwrap();
    assert_eq!(yuyv_720p.fps, vec![10.0, 5.0]);
    assert_eq!(
        first_frame("windows-dshow-lenovo-easycamera.txt"),
        (FrameFormat::MJPEG, (1280, 720))
    );
}

#[test]
fn macos_listings() {
    // ffmpeg's default 29.97 is refused by this camera; idcap only requests listed rates.
    assert_eq!(
        outcome("macos-facetime-hd.txt"),
        pairs(&[(
            "avfoundation:0",
            "YUYV 1280×720 @ 30 fps: largest ≤ 1920×1080 with ≥ 15 fps"
        )])
    );
    let listing = load("macos-macbookpro-2018-pixel-formats.txt");
    assert!(listing.nodes.is_empty());
    assert_eq!(
        listing.pixel_formats_only,
        ["uyvy422", "yuyv422", "nv12", "0rgb", "bgr0"]
    );
}

/// `idcap cameras` with `args` on the fake camera of `backend`: (exit status, stdout, stderr).
fn run_cameras(args: &CamerasArgs, backend: &FakeBackend) -> (u8, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let status = run_with(args, &mut || Box::new(backend.clone()), &mut out, &mut err);
    (
        status,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

const LIST: CamerasArgs = CamerasArgs {
    json: false,
    test: None,
};
const LIST_JSON: CamerasArgs = CamerasArgs {
    json: true,
    test: None,
};

/// Every (format, width, height, whole fps) a node's listing offers in a format idcap decodes,
/// read from the listing itself (not through idcap's merging).
fn listed_modes(n: &ListedNode) -> BTreeSet<(String, u32, u32, u32)> {
    n.modes
        .iter()
        .filter_map(|m| Some((camera_listings::nokhwa_format(&m.fourcc)?, m)))
        .flat_map(|(f, m)| {
            m.fps
                .iter()
                .map(move |fps| (f.to_string(), m.width, m.height, fps.round() as u32))
        })
        .collect()
}

/// The same from `idcap cameras --json`'s `formats`, checking on the way that they are merged
/// and sorted: usable formats first in preference order, each size once and largest first, each
/// rate once and fastest first.
fn json_modes(file: &str, formats: &[Value]) -> BTreeSet<(String, u32, u32, u32)> {
    let preference = ["MJPEG", "YUYV", "NV12"];
    let rank = |f: &str| preference.iter().position(|p| *p == f).unwrap_or(3);
    let names: Vec<&str> = formats
        .iter()
        .map(|f| f["format"].as_str().unwrap())
        .collect();
    assert!(
        names
            .windows(2)
            .all(|w| rank(w[0]) <= rank(w[1]) && w[0] != w[1]),
        "{file}: {names:?}"
    );
    let mut out = BTreeSet::new();
    for f in formats {
        let name = f["format"].as_str().unwrap();
        let sizes = f["sizes"].as_array().unwrap();
        let areas: Vec<u64> = sizes
            .iter()
            .map(|s| s["width"].as_u64().unwrap() * s["height"].as_u64().unwrap())
            .collect();
        assert!(
            areas.windows(2).all(|w| w[0] >= w[1]),
            "{file} {name}: {areas:?}"
        );
        let mut seen = BTreeSet::new();
        for s in sizes {
            let (w, h) = (s["width"].as_u64().unwrap(), s["height"].as_u64().unwrap());
            assert!(seen.insert((w, h)), "{file} {name}: {w}×{h} twice");
            let fps: Vec<f64> = s["fps"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_f64().unwrap())
                .collect();
            assert!(
                fps.windows(2).all(|p| p[0] > p[1]),
                "{file} {name}: {fps:?}"
            );
            for r in fps {
                out.insert((name.to_string(), w as u32, h as u32, r.round() as u32));
            }
        }
    }
    out
}

#[test]
fn idcap_cameras_prints_every_listing_merged_with_the_choice_and_skips() {
    for file in camera_listings::all_names() {
        let listing = load(&file);
        let backend = fake_of(&listing);
        let (status, text, err) = run_cameras(&LIST, &backend);
        if std::env::var_os("IDCAP_PRINT_CAMERAS").is_some() {
            println!("== idcap cameras ({file}): exit {status}\n{text}{err}");
        }
        if listing.nodes.is_empty() {
            // The pixel-format-only macOS list has no device: the app's "no camera" message.
            assert_eq!(
                (status, text.as_str(), err.as_str()),
                (1, "", "idcap cameras: No camera found.\n"),
                "{file}"
            );
            continue;
        }
        assert_eq!(status, 0, "{file}: {err}");
        assert!(err.is_empty(), "{file}: {err}");
        let (json_status, json, _) = run_cameras(&LIST_JSON, &backend);
        assert_eq!(json_status, 0, "{file}");
        let entries: Vec<Value> = serde_json::from_str(&json).unwrap();
        // Every node is listed once, with the choice or the reason it is skipped.
        let expected = outcome(&file);
        let got: Vec<(String, String)> = entries
            .iter()
            .map(|e| {
                let what = match (e["choice"]["reason"].as_str(), e["skipped"].as_str()) {
                    (Some(reason), None) => reason.to_string(),
                    (None, Some(why)) => format!("skipped: {why}"),
                    other => panic!("{file}: {other:?}"),
                };
                (e["path"].as_str().unwrap().to_string(), what)
            })
            .collect();
        assert_eq!(got, expected, "{file}");
        for e in &entries {
            let path = e["path"].as_str().unwrap();
            let id = e["id"].as_str().unwrap();
            assert!(text.contains(&format!("  id: {id}\n")), "{file}: {text}");
            // All the node's decodable modes are there, merged, and nothing else.
            let formats = e["formats"].as_array().unwrap();
            assert_eq!(
                json_modes(&file, formats),
                listed_modes(node(&listing, path)),
                "{file} {path}"
            );
            // The node's block of text shows the same: one line per format with every size.
            let block = text
                .split("\n\n")
                .find(|b| {
                    b.lines()
                        .next()
                        .is_some_and(|l| l.ends_with(&format!("({path})")))
                })
                .unwrap_or_else(|| panic!("{file}: no block for {path} in\n{text}"));
            for f in formats {
                let name = f["format"].as_str().unwrap();
                let prefix = format!("  {name:<6} ");
                let line = block
                    .lines()
                    .find(|l| l.starts_with(&prefix))
                    .unwrap_or_else(|| panic!("{file}: no {name} line in\n{text}"));
                for s in f["sizes"].as_array().unwrap() {
                    let size = format!("{}×{} @ ", s["width"], s["height"]);
                    assert!(line.contains(&size), "{file}: {size} not in {line}");
                }
            }
        }
        for (path, what) in &expected {
            assert!(text.contains(&format!("({path})")), "{file}: {text}");
            let line = what.strip_prefix("skipped: ").map_or_else(
                || format!("  idcap uses: {what}\n"),
                |s| format!("  skipped: {s}\n"),
            );
            assert!(text.contains(&line), "{file}: {text}");
        }
    }
    // The HP camera's controls as printed: menus with their entries, inactive marked.
    let backend = fake_of(&load("linux-hp-wide-vision-fhd-ir-metadata.txt"));
    let (_, text, _) = run_cameras(&LIST, &backend);
    assert!(
        text.contains("control Power line frequency: 2 [0: Disabled, 1: 50 Hz, 2: 60 Hz, 3: Auto]"),
        "{text}"
    );
    assert!(
        text.contains("control Exposure time absolute: 255 [10…2046] (inactive)"),
        "{text}"
    );
    assert!(
        text.contains("control Exposure dynamic framerate: 0 (on/off)\n"),
        "{text}"
    );
    assert!(
        text.contains("  MJPEG  1920×1080 @ 30, 1280×720 @ 30, 640×480 @ 30, 640×360 @ 30"),
        "{text}"
    );
}

#[test]
fn idcap_cameras_without_a_camera_exits_1_with_the_apps_message() {
    let nothing = FakeBackend::new(Vec::new());
    for json in [false, true] {
        let (status, out, err) = run_cameras(&CamerasArgs { json, test: None }, &nothing);
        assert_eq!((status, out.as_str()), (1, ""));
        assert_eq!(err, "idcap cameras: No camera found.\n");
    }
    // `--test` with no camera: exit 1, the same message first, then what to try.
    let args = CamerasArgs {
        json: true,
        test: Some(None),
    };
    let (status, out, _) = run_cameras(&args, &nothing);
    assert_eq!(status, 1);
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["works"], false);
    assert_eq!(report["frames"], 0);
    let verdict = report["verdict"].as_str().unwrap();
    assert!(verdict.starts_with("No camera found."), "{verdict}");
    assert!(verdict.contains("camera permission"), "{verdict}");
    // Only a metadata node and an infrared sensor: the skipped nodes are named.
    let mut dell = load("linux-dell-latitude-7420-integrated-webcam-fhd-ir.txt");
    dell.nodes.retain(|n| n.path != "/dev/video0");
    let (status, out, _) = run_cameras(
        &CamerasArgs {
            json: false,
            test: Some(None),
        },
        &fake_of(&dell),
    );
    assert_eq!(status, 1);
    assert!(
        out.contains("verdict: No usable camera found. Skipped: /dev/video1 (metadata node"),
        "{out}"
    );
    assert!(
        out.contains("/dev/video2 (greyscale only (an infrared sensor)"),
        "{out}"
    );
}

#[test]
fn idcap_cameras_test_reports_a_hanging_camera_within_5_seconds() {
    // A C270 whose driver never returns from its first read.
    let listing = load("linux-logitech-c270-partial.txt");
    let hanging = || {
        FakeBackend::new(
            listing
                .nodes
                .iter()
                .map(|n| FakeCamera {
                    probe: probe_of(&listing, n),
                    controls: n.controls.iter().map(description_of).collect(),
                    script: vec![Step::Hang],
                })
                .collect(),
        )
    };
    for json in [true, false] {
        // A fresh camera each time: the hung stream of the first run never releases its device.
        let t0 = Instant::now();
        let (status, out, _) = run_cameras(
            &CamerasArgs {
                json,
                test: Some(None),
            },
            &hanging(),
        );
        let took = t0.elapsed();
        assert!(took < Duration::from_millis(5500), "{took:?}");
        assert_eq!(status, 1, "{out}");
        let verdict = if json {
            let report: Value = serde_json::from_str(&out).unwrap();
            assert_eq!(report["frames"], 0);
            report["verdict"].as_str().unwrap().to_string()
        } else {
            assert!(out.contains("frames: 0 in 0 s"), "{out}");
            out.lines()
                .find_map(|l| l.strip_prefix("verdict: "))
                .unwrap()
                .to_string()
        };
        assert!(
            verdict.starts_with("no frame within 4 s: the camera hangs; try another USB port"),
            "{verdict}"
        );
    }
}

#[test]
fn idcap_cameras_test_streams_a_working_camera() {
    // The YUYV-only camera: cheap fake frames, and the full 3 s test.
    let backend = fake_of(&load("linux-generic-usb2-camera-yuyv-only.txt"));
    let (status, out, _) = run_cameras(
        &CamerasArgs {
            json: false,
            test: Some(None),
        },
        &backend,
    );
    if std::env::var_os("IDCAP_PRINT_CAMERAS").is_some() {
        println!("== idcap cameras --test (linux-generic-usb2-camera-yuyv-only.txt)\n{out}");
    }
    assert_eq!(status, 0, "{out}");
    assert!(
        out.contains("format: YUYV 640×480 @ 30 fps: largest ≤ 1920×1080 with ≥ 15 fps\n"),
        "{out}"
    );
    assert!(out.contains("verdict: works"), "{out}");
    assert!(out.contains("analysis: "), "{out}");
    let frames: u64 = out
        .lines()
        .find_map(|l| l.strip_prefix("frames: "))
        .and_then(|l| l.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(frames >= 3, "{out}");
}
