//! Which camera nodes idcap offers, in what order, and under what name a choice is remembered.
//!
//! Decides the stable id (the camera's name plus its bus or device path, never the index, which
//! changes across replug and reboot), the sort order (by name, then id), and which nodes are left
//! out and why: nodes that cannot capture video (UVC metadata nodes), nodes without a format idcap
//! decodes at a live frame rate (an infrared node's greyscale, an H.264-only node), and the smaller
//! node of a camera that also has a bigger one on the same bus (the 340×340 YUYV infrared sensor
//! of a laptop camera). Skipped nodes keep their reason so `idcap cameras` can show them.

use nokhwa::utils::{CameraFormat, FrameFormat};

use super::format::{FormatChoice, choose_format, describe_offered};

/// What a backend reports about one node before it is opened.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeProbe {
    /// The backend's index for opening it now (changes across replug; never stored).
    pub index: u32,
    /// The name the system gives ("HD Pro Webcam C920").
    pub name: String,
    /// Where it is: "/dev/video0", a Windows symbolic link, a macOS unique id.
    pub path: String,
    /// The physical connection ("usb-0000:00:14.0-6"), shared by a camera's nodes; empty when the
    /// backend does not say.
    pub bus: String,
    /// False for nodes that the system says cannot capture video (metadata); `None` when unknown.
    pub captures_video: Option<bool>,
    /// Formats as nokhwa `CameraFormat`s.
    pub formats: Vec<CameraFormat>,
    /// Pixel formats listed that nokhwa cannot represent ("H264", "YU12"), for messages.
    pub other_formats: Vec<String>,
}

/// A node and what idcap makes of it.
#[derive(Clone, Debug, PartialEq)]
pub struct CameraDevice {
    /// Stable across replug and reboot: "name@bus", or "name@path" without a bus; a suffix
    /// "#2", "#3" tells apart nodes that would share one.
    pub id: String,
    /// What the listing said about the node (name, path, bus, formats, controls).
    pub probe: NodeProbe,
    /// The format idcap would request, or why the node is skipped.
    pub(crate) status: DeviceStatus,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum DeviceStatus {
    Usable(FormatChoice),
    Skipped(String),
}

impl CameraDevice {
    pub(crate) fn is_usable(&self) -> bool {
        matches!(self.status, DeviceStatus::Usable(_))
    }

    /// The format idcap would request, or `None` when the node is skipped.
    pub fn choice(&self) -> Option<&FormatChoice> {
        match &self.status {
            DeviceStatus::Usable(c) => Some(c),
            DeviceStatus::Skipped(_) => None,
        }
    }

    /// Why the node is skipped (metadata node, infrared, no decodable format), or `None` when
    /// usable.
    pub fn skip_reason(&self) -> Option<&str> {
        match &self.status {
            DeviceStatus::Usable(_) => None,
            DeviceStatus::Skipped(r) => Some(r),
        }
    }
}

fn base_id(p: &NodeProbe) -> String {
    let place = if p.bus.is_empty() { &p.path } else { &p.bus };
    format!("{}@{}", p.name.trim(), place)
}

fn pixels(c: &FormatChoice) -> u64 {
    u64::from(c.format.width()) * u64::from(c.format.height())
}

/// Classifies and sorts what a backend found, choosing each usable node's format within `limit`.
pub fn classify(probes: Vec<NodeProbe>, limit: [u32; 2]) -> Vec<CameraDevice> {
    let mut devices: Vec<CameraDevice> = probes
        .into_iter()
        .map(|probe| {
            let status = node_status(&probe, limit);
            CameraDevice {
                id: base_id(&probe),
                probe,
                status,
            }
        })
        .collect();
    // The smaller nodes of a camera that has a bigger usable one on the same bus.
    let largest: Vec<(String, u64, String)> = devices
        .iter()
        .filter(|d| !d.probe.bus.is_empty())
        .filter_map(|d| {
            Some((
                d.probe.bus.clone(),
                pixels(d.choice()?),
                d.probe.path.clone(),
            ))
        })
        .collect();
    for d in &mut devices {
        let Some(mine) = d.choice().map(pixels) else {
            continue;
        };
        let bigger = largest
            .iter()
            .filter(|(bus, px, path)| *bus == d.probe.bus && *px > mine && *path != d.probe.path)
            .max_by_key(|(_, px, _)| *px);
        if let Some((_, _, path)) = bigger {
            d.status = DeviceStatus::Skipped(format!(
                "a second sensor of the camera at {path} (likely infrared); {path} gives larger video"
            ));
        }
    }
    devices.sort_by(|a, b| {
        (
            !a.is_usable(),
            a.probe.name.to_lowercase(),
            &a.id,
            &a.probe.path,
        )
            .cmp(&(
                !b.is_usable(),
                b.probe.name.to_lowercase(),
                &b.id,
                &b.probe.path,
            ))
    });
    // Nodes that would share an id get "#2", "#3" in path order.
    let mut seen: Vec<String> = Vec::new();
    for d in &mut devices {
        let n = seen.iter().filter(|s| **s == d.id).count();
        seen.push(d.id.clone());
        if n > 0 {
            d.id = format!("{}#{}", d.id, n + 1);
        }
    }
    devices
}

fn node_status(p: &NodeProbe, limit: [u32; 2]) -> DeviceStatus {
    if p.captures_video == Some(false) {
        return DeviceStatus::Skipped("metadata node: it cannot capture video".to_string());
    }
    if p.formats.is_empty() && p.other_formats.is_empty() {
        return DeviceStatus::Skipped("lists no video formats".to_string());
    }
    if !p.formats.is_empty() && p.formats.iter().all(|f| f.format() == FrameFormat::GRAY) {
        return DeviceStatus::Skipped(format!(
            "greyscale only (an infrared sensor): {}",
            describe_offered(&p.formats)
        ));
    }
    match choose_format(&p.formats, limit) {
        Ok(choice) => DeviceStatus::Usable(choice),
        Err(_) if p.formats.is_empty() => DeviceStatus::Skipped(format!(
            "no format idcap can decode (it offers {})",
            p.other_formats.join(", ")
        )),
        Err(e) => {
            let mut offered = e.offered;
            if !p.other_formats.is_empty() {
                offered = format!("{offered}; also {}", p.other_formats.join(", "));
            }
            DeviceStatus::Skipped(format!(
                "no format idcap can use (MJPEG, YUYV or NV12 at 15 fps or more); it offers {offered}"
            ))
        }
    }
}

/// The device to open for a remembered id: the exact id, else (the id of a node that is gone or
/// renamed) nothing. `None` asks for the first usable device.
pub(crate) fn find<'a>(devices: &'a [CameraDevice], id: Option<&str>) -> Option<&'a CameraDevice> {
    match id {
        Some(id) => devices.iter().find(|d| d.id == id && d.is_usable()),
        None => devices.iter().find(|d| d.is_usable()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nokhwa::utils::Resolution;

    fn f(format: FrameFormat, w: u32, h: u32, fps: u32) -> CameraFormat {
        CameraFormat::new(Resolution::new(w, h), format, fps)
    }

    fn probe(index: u32, name: &str, bus: &str, formats: Vec<CameraFormat>) -> NodeProbe {
        NodeProbe {
            index,
            name: name.into(),
            path: format!("/dev/video{index}"),
            bus: bus.into(),
            captures_video: Some(true),
            formats,
            other_formats: Vec::new(),
        }
    }

    #[test]
    fn ids_are_name_and_bus_and_survive_a_new_index() {
        let a = classify(
            vec![probe(
                0,
                "Cam",
                "usb-1",
                vec![f(FrameFormat::MJPEG, 640, 480, 30)],
            )],
            [1920, 1080],
        );
        let b = classify(
            vec![probe(
                4,
                "Cam",
                "usb-1",
                vec![f(FrameFormat::MJPEG, 640, 480, 30)],
            )],
            [1920, 1080],
        );
        assert_eq!(a[0].id, "Cam@usb-1");
        assert_eq!(a[0].id, b[0].id);
        let mut no_bus = probe(2, "Cam", "", vec![f(FrameFormat::MJPEG, 640, 480, 30)]);
        no_bus.path = "\\\\?\\usb#vid_046d".into();
        assert_eq!(
            classify(vec![no_bus], [1920, 1080])[0].id,
            "Cam@\\\\?\\usb#vid_046d"
        );
    }

    #[test]
    fn metadata_grey_and_undecodable_nodes_are_skipped_with_a_reason() {
        let mut meta = probe(1, "Cam", "usb-1", vec![]);
        meta.captures_video = Some(false);
        let grey = probe(2, "Cam", "usb-1", vec![f(FrameFormat::GRAY, 640, 360, 15)]);
        let mut h264 = probe(3, "Cam", "usb-2", vec![]);
        h264.other_formats = vec!["H264".into()];
        let rgb = probe(
            0,
            "Cam",
            "usb-1",
            vec![f(FrameFormat::MJPEG, 1280, 720, 30)],
        );
        let devices = classify(vec![meta, grey, h264, rgb], [1920, 1080]);
        assert!(devices[0].is_usable(), "usable first");
        assert_eq!(devices[0].probe.path, "/dev/video0");
        let reason = |path: &str| {
            devices
                .iter()
                .find(|d| d.probe.path == path)
                .and_then(|d| d.skip_reason())
                .unwrap()
                .to_string()
        };
        assert_eq!(
            reason("/dev/video1"),
            "metadata node: it cannot capture video"
        );
        assert_eq!(
            reason("/dev/video2"),
            "greyscale only (an infrared sensor): GRAY up to 640×360 @ 15 fps"
        );
        assert_eq!(
            reason("/dev/video3"),
            "no format idcap can decode (it offers H264)"
        );
    }

    #[test]
    fn the_smaller_node_of_a_camera_is_its_second_sensor() {
        let rgb = probe(
            0,
            "HP",
            "usb-5",
            vec![f(FrameFormat::MJPEG, 1920, 1080, 30)],
        );
        let ir = probe(2, "HP", "usb-5", vec![f(FrameFormat::YUYV, 340, 340, 30)]);
        let other = probe(
            4,
            "USB cam",
            "usb-9",
            vec![f(FrameFormat::YUYV, 320, 240, 30)],
        );
        let devices = classify(vec![ir, rgb, other], [1920, 1080]);
        let usable: Vec<&str> = devices
            .iter()
            .filter(|d| d.is_usable())
            .map(|d| d.probe.path.as_str())
            .collect();
        // A small camera on its own bus stays usable.
        assert_eq!(usable, ["/dev/video0", "/dev/video4"]);
        assert!(devices[2].skip_reason().unwrap().contains("/dev/video0"));
    }

    #[test]
    fn sorted_by_name_and_duplicate_ids_numbered() {
        let a = probe(
            3,
            "b cam",
            "usb-1",
            vec![f(FrameFormat::MJPEG, 640, 480, 30)],
        );
        let b = probe(
            1,
            "A cam",
            "usb-2",
            vec![f(FrameFormat::MJPEG, 640, 480, 30)],
        );
        let c = probe(
            5,
            "b cam",
            "usb-1",
            vec![f(FrameFormat::MJPEG, 640, 480, 30)],
        );
        let devices = classify(vec![a, b, c], [1920, 1080]);
        let ids: Vec<&str> = devices.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["A cam@usb-2", "b cam@usb-1", "b cam@usb-1#2"]);
        assert_eq!(find(&devices, None).unwrap().id, "A cam@usb-2");
        assert_eq!(find(&devices, Some("b cam@usb-1")).unwrap().probe.index, 3);
        assert!(find(&devices, Some("gone@usb-7")).is_none());
    }
}
