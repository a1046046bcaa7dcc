//! Parses the real webcam capability listings in /work/shared/cameras (test input only).
//!
//! Reads `v4l2-ctl --list-formats-ext` (new `[0]: 'MJPG'` and old `Index/Pixel Format` layouts,
//! `/dev/videoN | ` and `// ` and `#    ` line prefixes, `...` elisions, duplicated entries),
//! `v4l2-ctl --all/-l/-L` controls (ids, menus with named items, `flags=inactive`, old lines
//! without id or value), `--info` device caps, ffmpeg dshow `-list_options`, ffmpeg avfoundation
//! modes and pixel formats, and ffmpeg v4l2 `-list_formats all` (sizes without rates). Each
//! device node becomes a `ListedNode`; `camera_formats` turns its modes into the `CameraFormat`
//! list nokhwa would report (fourcc mapped like nokhwa, rates rounded to whole fps).

use std::path::PathBuf;

use idcap::camera::controls::{ControlDescription, DescriptionKind};
use idcap::camera::device::NodeProbe;
use idcap::camera::fake::{FakeBackend, FakeCamera};
use nokhwa::utils::{CameraFormat, FrameFormat, Resolution};

/// Where the listings live (the shared data folder next to the repository).
pub fn listings_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/cameras")
}

/// One mode line: a pixel format, a size and its frame rates (empty when the listing gives none).
#[derive(Clone, Debug, PartialEq)]
pub struct ListedMode {
    /// V4L2 fourcc spelling ("MJPG", "YUYV", "NV12", "GREY", "H264", "YU12", "BGR3", "I420"),
    /// or "" when the listing does not say (avfoundation modes).
    pub fourcc: String,
    pub width: u32,
    pub height: u32,
    pub fps: Vec<f64>,
}

/// One control line and its menu items.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ListedControl {
    pub name: String,
    /// The V4L2 control id, when the listing prints it.
    pub id: Option<u32>,
    /// "int", "bool", "menu", "bitmask", "unknown", ...
    pub kind: String,
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub step: Option<i64>,
    pub default: Option<i64>,
    pub value: Option<i64>,
    pub inactive: bool,
    /// Menu items (value, label) in listing order.
    pub items: Vec<(i64, String)>,
}

/// One device node (a /dev/video node, a dshow device, an avfoundation device).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ListedNode {
    pub path: String,
    pub card: Option<String>,
    pub bus: Option<String>,
    /// `Device Caps` of `v4l2-ctl --info`, when listed.
    pub device_caps: Option<u32>,
    pub modes: Vec<ListedMode>,
    pub controls: Vec<ListedControl>,
}

/// A whole listing file.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Listing {
    /// From the `# camera:` line.
    pub camera: String,
    pub nodes: Vec<ListedNode>,
    /// Pixel formats listed without sizes (ffmpeg avfoundation "Supported pixel formats").
    pub pixel_formats_only: Vec<String>,
}

impl ListedNode {
    /// The node's modes as nokhwa `CameraFormat`s: fourccs nokhwa knows (others dropped, as nokhwa
    /// drops them), each listed rate rounded to whole fps; modes without rates are left out.
    pub fn camera_formats(&self) -> Vec<CameraFormat> {
        self.camera_formats_assuming(None)
    }

    /// Like `camera_formats`, giving modes the listing lists without a rate `assumed_fps`.
    pub fn camera_formats_assuming(&self, assumed_fps: Option<u32>) -> Vec<CameraFormat> {
        let mut out = Vec::new();
        for m in &self.modes {
            let Some(format) = nokhwa_format(&m.fourcc) else {
                continue;
            };
            let res = Resolution::new(m.width, m.height);
            if m.fps.is_empty()
                && let Some(fps) = assumed_fps
            {
                out.push(CameraFormat::new(res, format, fps));
            }
            for fps in &m.fps {
                out.push(CameraFormat::new(res, format, fps.round() as u32));
            }
        }
        out
    }

    /// Whether `v4l2-ctl --info` says the node captures video (metadata nodes do not).
    pub fn captures_video(&self) -> Option<bool> {
        self.device_caps.map(|caps| caps & 0x1 != 0)
    }
}

/// The `FrameFormat` nokhwa reports for a listing's pixel format. AVFoundation modes without a
/// pixel format count as YUYV: nokhwa's AVFoundation backend reports its YUV formats ('2vuy',
/// 'yuvs', '420v') all as YUYV.
pub fn nokhwa_format(fourcc: &str) -> Option<FrameFormat> {
    match fourcc {
        "MJPG" => Some(FrameFormat::MJPEG),
        "YUYV" | "" => Some(FrameFormat::YUYV),
        "NV12" => Some(FrameFormat::NV12),
        "GREY" => Some(FrameFormat::GRAY),
        "RGB3" => Some(FrameFormat::RAWRGB),
        "BGR3" => Some(FrameFormat::RAWBGR),
        _ => None,
    }
}

/// Reads and parses one listing file.
pub fn load(name: &str) -> Listing {
    let path = listings_dir().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    parse(&text)
}

/// Every listing file name, sorted.
pub fn all_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(listings_dir())
        .expect("the camera listings folder")
        .filter_map(std::result::Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".txt"))
        .collect();
    names.sort();
    names
}

/// Strips the quirks copied with the listings: `/dev/videoN | ` (returns the node), `v4l2-ctl | `,
/// `// ` comments, `#    ` docstring lines and ffmpeg's `[dshow @ 0x…] ` tags.
fn strip_prefixes(line: &str) -> (Option<String>, String) {
    let mut node = None;
    let mut l = line.trim_end().to_string();
    if let Some((head, rest)) = l.split_once(" | ") {
        if head.starts_with("/dev/video") && !head.contains(' ') {
            node = Some(head.to_string());
            l = rest.to_string();
        } else if head == "v4l2-ctl" {
            l = rest.to_string();
        }
    }
    let trimmed = l.trim_start();
    if let Some(rest) = trimmed.strip_prefix("//") {
        l = rest.to_string();
    } else if let Some(rest) = trimmed.strip_prefix("#    ") {
        l = rest.to_string();
    }
    let t = l.trim_start();
    if t.starts_with('[')
        && t.contains(" @ ")
        && let Some(end) = t.find("] ")
    {
        l = t[end + 2..].to_string();
    }
    (node, l)
}

fn number_after<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    let start = text.find(key)? + key.len();
    let rest = &text[start..];
    let end = rest
        .find(|c: char| c.is_whitespace() || c == ',')
        .unwrap_or(rest.len());
    Some(&rest[..end])
}

fn parse_size(text: &str) -> Option<(u32, u32)> {
    let (w, h) = text.trim().split_once('x')?;
    let h: String = h.chars().take_while(char::is_ascii_digit).collect();
    Some((w.trim().parse().ok()?, h.parse().ok()?))
}

/// The device path a shell command line targets (`-d /dev/video2`, `--device=/dev/video2`).
fn command_device(line: &str) -> Option<String> {
    if !line.contains("v4l2-ctl") || line.contains("--list-devices") {
        return None;
    }
    for key in ["--device=", "-d "] {
        if let Some(at) = line.find(key) {
            let rest = &line[at + key.len()..];
            let dev: String = rest.chars().take_while(|c| !c.is_whitespace()).collect();
            if dev.starts_with("/dev/") {
                return Some(dev);
            }
        }
    }
    Some("/dev/video0".to_string())
}

struct Parser {
    listing: Listing,
    node: Option<usize>,
    fourcc: Option<String>,
    old_layout_index: bool,
    control: Option<usize>,
}

impl Parser {
    fn select(&mut self, path: &str) {
        if let Some(i) = self.listing.nodes.iter().position(|n| n.path == path) {
            self.node = Some(i);
        } else {
            self.listing.nodes.push(ListedNode {
                path: path.to_string(),
                ..Default::default()
            });
            self.node = Some(self.listing.nodes.len() - 1);
        }
    }

    fn current(&mut self) -> &mut ListedNode {
        if self.node.is_none() {
            self.select("/dev/video0");
        }
        let i = self.node.unwrap_or(0);
        &mut self.listing.nodes[i]
    }

    fn line(&mut self, raw: &str) {
        if let Some(camera) = raw.strip_prefix("# camera:") {
            self.listing.camera = camera.trim().to_string();
            return;
        }
        let (node, line) = strip_prefixes(raw);
        if let Some(path) = node
            && self.node.map(|i| self.listing.nodes[i].path.as_str()) != Some(path.as_str())
        {
            self.select(&path);
            self.fourcc = None;
        }
        let t = line.trim();
        // Node headings: markdown sections and shell commands.
        for heading in ["### /dev/", "## Device: /dev/"] {
            if let Some(rest) = t.strip_prefix(heading) {
                self.select(&format!("/dev/{}", rest.trim()));
                self.fourcc = None;
                return;
            }
        }
        if let Some(dev) = command_device(t) {
            self.select(&dev);
            self.fourcc = None;
            return;
        }
        if let Some(at) = t.find("-i video=\"") {
            let name: String = t[at + 10..].chars().take_while(|c| *c != '"').collect();
            if t.contains("-list_options") {
                self.select(&format!("dshow:{name}"));
                self.current().card = Some(name);
            }
            return;
        }
        if t == "..." || t.starts_with("... ") || t.is_empty() {
            return;
        }
        if t.starts_with("ioctl: VIDIOC_ENUM_FMT") {
            self.fourcc = None;
            return;
        }
        if t.starts_with("Type") && t.contains("Video Output") {
            self.fourcc = None;
            return;
        }
        self.device_info(t);
        if self.format_line(t) || self.control_line(t) {
            return;
        }
        self.ffmpeg_line(t);
    }

    fn device_info(&mut self, t: &str) {
        let value = |t: &str| t.split_once(':').map(|(_, v)| v.trim().to_string());
        if t.starts_with("Card type") {
            self.current().card = value(t);
        } else if t.starts_with("Bus info") {
            let bus = value(t);
            self.current().bus = bus;
        } else if t.starts_with("Device Caps") {
            let caps =
                value(t).and_then(|v| u32::from_str_radix(v.trim_start_matches("0x"), 16).ok());
            self.current().device_caps = caps;
        }
    }

    /// `[0]: 'MJPG' (…)`, `Index : 0` + `Pixel Format: 'MJPG'`, `Size: Discrete WxH`, `Interval: … (30.000 fps)`.
    fn format_line(&mut self, t: &str) -> bool {
        if t.starts_with('[') && t.contains("]: '") {
            let fourcc: String = t
                .split('\'')
                .nth(1)
                .map(|s| s.trim().to_string())
                .unwrap_or_default();
            self.fourcc = Some(fourcc);
            return true;
        }
        if t.starts_with("Index") && t.contains(':') {
            self.old_layout_index = true;
            return true;
        }
        if t.starts_with("Pixel Format") && self.old_layout_index {
            self.old_layout_index = false;
            self.fourcc = t.split('\'').nth(1).map(|s| s.trim().to_string());
            return true;
        }
        if let Some(rest) = t.strip_prefix("Size: Discrete") {
            let (Some(fourcc), Some((w, h))) = (self.fourcc.clone(), parse_size(rest)) else {
                return true;
            };
            let mut mode = ListedMode {
                fourcc,
                width: w,
                height: h,
                fps: Vec::new(),
            };
            // Lines whose intervals were joined onto the size line.
            mode.fps.extend(fps_in(rest));
            self.current().modes.push(mode);
            return true;
        }
        if t.starts_with("Interval:") {
            if self.fourcc.is_some() {
                let fps = fps_in(t);
                if let Some(m) = self.current().modes.last_mut() {
                    m.fps.extend(fps);
                }
            }
            return true;
        }
        false
    }

    /// `name 0x00980918 (menu) : min=0 max=2 default=2 value=2 (60 Hz) flags=inactive` and its
    /// indented `N: Label` menu items.
    fn control_line(&mut self, t: &str) -> bool {
        if let Some((n, label)) = t.split_once(": ")
            && n.chars().all(|c| c.is_ascii_digit())
            && !n.is_empty()
            && self.control.is_some()
        {
            let (Ok(v), Some(ci)) = (n.parse::<i64>(), self.control) else {
                return true;
            };
            if let Some(c) = self.current().controls.get_mut(ci) {
                c.items.push((v, label.trim().to_string()));
            }
            return true;
        }
        let Some(open) = t.find(" (") else {
            self.control = None;
            return false;
        };
        let Some(close) = t[open..].find(')') else {
            return false;
        };
        let kind = &t[open + 2..open + close];
        let head: Vec<&str> = t[..open].split_whitespace().collect();
        let after = &t[open + close + 1..];
        const KINDS: [&str; 12] = [
            "int", "int64", "bool", "menu", "intmenu", "button", "bitmask", "str", "u8", "u16",
            "u32", "unknown",
        ];
        if !after.trim_start().starts_with(':')
            || head.is_empty()
            || head.len() > 2
            || !KINDS.contains(&kind)
        {
            self.control = None;
            return false;
        }
        let num = |key: &str| number_after(after, key).and_then(|v| v.parse::<i64>().ok());
        let control = ListedControl {
            name: head[0].to_string(),
            id: head
                .get(1)
                .and_then(|h| u32::from_str_radix(h.trim_start_matches("0x"), 16).ok()),
            kind: kind.to_string(),
            min: num("min="),
            max: num("max="),
            step: num("step="),
            default: num("default="),
            value: num("value="),
            inactive: number_after(after, "flags=").is_some() && after.contains("inactive"),
            items: Vec::new(),
        };
        let node = self.current();
        node.controls.push(control);
        self.control = Some(node.controls.len() - 1);
        true
    }

    /// dshow `vcodec=mjpeg min s=WxH fps=A max s=WxH fps=B`, avfoundation `WxH@[A B]fps` and
    /// pixel-format lines, v4l2 `Raw : yuyv422 : YUYV 4:2:2 : 640x480 160x120 …`.
    fn ffmpeg_line(&mut self, t: &str) {
        if let Some(rest) = t
            .strip_prefix("vcodec=")
            .or_else(|| t.strip_prefix("pixel_format="))
        {
            let codec: String = rest.chars().take_while(|c| !c.is_whitespace()).collect();
            let (Some(size), Some(lo), Some(hi)) = (
                number_after(rest, "min s=").and_then(parse_size),
                number_after(rest, "fps=").and_then(|v| v.parse::<f64>().ok()),
                rest.find("max s=")
                    .and_then(|at| number_after(&rest[at..], "fps="))
                    .and_then(|v| v.parse::<f64>().ok()),
            ) else {
                return;
            };
            let mut fps = vec![hi];
            if lo != hi {
                fps.push(lo);
            }
            let fourcc = ffmpeg_fourcc(&codec);
            self.current().modes.push(ListedMode {
                fourcc,
                width: size.0,
                height: size.1,
                fps,
            });
            return;
        }
        if let Some((size, rates)) = t.split_once("@[") {
            if let (Some((w, h)), Some(rates)) = (parse_size(size), rates.strip_suffix("]fps")) {
                if self.node.is_none() {
                    self.select("avfoundation:0");
                }
                let fps: Vec<f64> = rates
                    .split_whitespace()
                    .filter_map(|r| r.parse().ok())
                    .rev()
                    .collect();
                self.current().modes.push(ListedMode {
                    fourcc: String::new(),
                    width: w,
                    height: h,
                    fps,
                });
            }
            return;
        }
        if t.starts_with("Supported pixel formats") {
            self.fourcc = Some("avfoundation-pixel-formats".into());
            return;
        }
        if self.fourcc.as_deref() == Some("avfoundation-pixel-formats") {
            if !t.contains(' ') {
                self.listing.pixel_formats_only.push(t.to_string());
            }
            return;
        }
        if (t.starts_with("Raw") || t.starts_with("Compressed")) && t.contains(" : ") {
            // "Compressed:" has no space before its colon, "Raw       :" has.
            let spaced = t.replacen("Compressed:", "Compressed :", 1);
            let parts: Vec<&str> = spaced.split(" : ").collect();
            if parts.len() == 4 {
                let fourcc = ffmpeg_fourcc(parts[1].trim());
                for size in parts[3].split_whitespace() {
                    if let Some((w, h)) = parse_size(size) {
                        self.current().modes.push(ListedMode {
                            fourcc: fourcc.clone(),
                            width: w,
                            height: h,
                            fps: Vec::new(),
                        });
                    }
                }
            }
        }
    }
}

fn ffmpeg_fourcc(codec: &str) -> String {
    match codec {
        "mjpeg" => "MJPG",
        "yuyv422" => "YUYV",
        "nv12" => "NV12",
        "bgr24" => "BGR3",
        "rgb24" => "RGB3",
        "gray" => "GREY",
        "yuv420p" => "I420",
        "h264" => "H264",
        other => other,
    }
    .to_string()
}

/// Every "(30.000 fps)" in a line.
fn fps_in(text: &str) -> Vec<f64> {
    text.split('(')
        .filter_map(|part| part.split_once(" fps)"))
        .filter_map(|(n, _)| n.trim().parse::<f64>().ok())
        .collect()
}

/// Parses a listing's text.
pub fn parse(text: &str) -> Listing {
    let mut p = Parser {
        listing: Listing::default(),
        node: None,
        fourcc: None,
        old_layout_index: false,
        control: None,
    };
    for line in text.lines() {
        p.line(line);
    }
    // `--list-devices` output and other commands can create nodes with nothing listed: keep only
    // nodes the listing says something about.
    p.listing
        .nodes
        .retain(|n| !n.modes.is_empty() || !n.controls.is_empty() || n.device_caps.is_some());
    p.listing
}

/// The node with this path.
pub fn node<'a>(listing: &'a Listing, path: &str) -> &'a ListedNode {
    listing
        .nodes
        .iter()
        .find(|n| n.path == path)
        .unwrap_or_else(|| {
            let paths: Vec<&str> = listing.nodes.iter().map(|n| n.path.as_str()).collect();
            panic!("no node {path}; nodes: {paths:?}")
        })
}

/// The node as a backend would report it.
pub fn probe_of(listing: &Listing, n: &ListedNode) -> NodeProbe {
    let index = n.path.trim_start_matches("/dev/video").parse().unwrap_or(0);
    let mut other: Vec<String> = n
        .modes
        .iter()
        .filter(|m| nokhwa_format(&m.fourcc).is_none())
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

pub fn description_of(c: &ListedControl) -> ControlDescription {
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

pub fn fake_of(listing: &Listing) -> FakeBackend {
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
