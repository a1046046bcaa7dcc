//! Every real webcam listing in /work/shared/cameras, parsed, classified and opened on the fake
//! backend: which node idcap offers, which it skips and why, and the exact format it requests.
//! Each expected value was written by reading the listing.

#[path = "common/camera_listings.rs"]
mod camera_listings;

use camera_listings::{ListedNode, Listing, load, node};
use idcap::camera::controls::{ControlDescription, DescriptionKind, offered};
use idcap::camera::device::{CameraDevice, NodeProbe, classify};
use idcap::camera::fake::{FakeBackend, FakeCamera};
use idcap::camera::format::{choose_format, merge_formats};
use idcap::camera::webcam::{Wanted, WebcamSource};
use idcap::camera::{ControlKind, DEFAULT_MAX_SIZE, FrameSource};
use nokhwa::utils::FrameFormat;

/// The node as a backend would report it.
fn probe_of(listing: &Listing, n: &ListedNode) -> NodeProbe {
    let index = n.path.trim_start_matches("/dev/video").parse().unwrap_or(0);
    let mut other: Vec<String> = n
        .modes
        .iter()
        .filter(|m| camera_listings::nokhwa_format(&m.fourcc).is_none())
        .map(|m| m.fourcc.clone())
        .collect();
    other.dedup();
    NodeProbe {
        index,
        name: n.card.clone().unwrap_or_else(|| listing.camera.clone()),
        path: n.path.clone(),
        bus: n.bus.clone().unwrap_or_default(),
        captures_video: n.captures_video(),
        formats: n.camera_formats(),
        other_formats: other,
    }
}

fn description_of(c: &camera_listings::ListedControl) -> ControlDescription {
    let kind = match c.kind.as_str() {
        "int" | "int64" => DescriptionKind::Integer {
            min: c.min.unwrap_or(0),
            max: c.max.unwrap_or(0),
            step: c.step.unwrap_or(1),
        },
        "bool" => DescriptionKind::Boolean,
        "menu" => DescriptionKind::Menu {
            items: c.items.clone(),
        },
        _ => DescriptionKind::Other,
    };
    ControlDescription {
        id: u64::from(c.id.unwrap_or(0)),
        name: c.name.clone(),
        kind,
        // Old listings print only the default.
        value: c.value.or(c.default).unwrap_or(0),
        inactive: c.inactive,
    }
}

fn fake_of(listing: &Listing) -> FakeBackend {
    FakeBackend::new(
        listing
            .nodes
            .iter()
            .map(|n| FakeCamera {
                probe: probe_of(listing, n),
                controls: n.controls.iter().map(description_of).collect(),
                script: Vec::new(),
            })
            .collect(),
    )
}

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

#[test]
fn idcap_cameras_lists_every_listing_through_the_fake_backend() {
    use idcap::camera::inspect::{list_cameras, render_list};
    for file in camera_listings::all_names() {
        let listing = load(&file);
        let mut backend = fake_of(&listing);
        let listed = list_cameras(&mut backend, DEFAULT_MAX_SIZE);
        if listing.nodes.is_empty() {
            assert_eq!(listed.unwrap_err(), "No camera found.", "{file}");
            continue;
        }
        let entries = listed.unwrap();
        let expected = outcome(&file);
        let got: Vec<(String, String)> = entries
            .iter()
            .map(|e| {
                let what = match (&e.choice, &e.skipped) {
                    (Some(c), _) => c.reason.clone(),
                    (None, Some(s)) => format!("skipped: {s}"),
                    (None, None) => String::new(),
                };
                (e.path.clone(), what)
            })
            .collect();
        assert_eq!(got, expected, "{file}");
        let text = render_list(&entries);
        if std::env::var_os("IDCAP_PRINT_CAMERAS").is_some() {
            println!("== {file}\n{text}");
        }
        for (path, what) in &expected {
            assert!(text.contains(&format!("({path})")), "{file}: {text}");
            let line = what.strip_prefix("skipped: ").map_or_else(
                || format!("idcap uses: {what}"),
                |s| format!("skipped: {s}"),
            );
            assert!(text.contains(&line), "{file}: {text}");
        }
    }
    // The HP camera's controls as printed: menus with their entries, inactive marked.
    let mut backend = fake_of(&load("linux-hp-wide-vision-fhd-ir-metadata.txt"));
    let text = render_list(&list_cameras(&mut backend, DEFAULT_MAX_SIZE).unwrap());
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
