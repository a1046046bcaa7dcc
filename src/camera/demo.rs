//! The built-in demo camera: a rendered ID card, marked SPECIMEN, filmed on a wooden desk.
//!
//! Decides the demo's script (`SCRIPT`, a 33 s loop of acts) in which every problem the live view
//! explains shows up once: the card drifts in from the left, small and cut off (0–3 s), is held
//! close but out of focus (3–5.5 s), catches a glare spot that moves across it (5.5–8 s), is tilted
//! away (8–10.5 s), then settles sharp and flat (10.5–17.5 s), so auto-capture of the front fires
//! about 12.5 s in; it is then turned over (17.5–20 s) and the back is held still (20–31 s) before
//! the card is taken away. The back carries a valid specimen machine-readable zone that expires a
//! few days after the demo's "today" (`mrz_specimen::demo_td1`), so the live view reads it and warns
//! of the expiry. Frames are a pure function of time (`render`) and of that day (`on_day`), and
//! time is frame index / fps, so tests are deterministic. While the live view is hidden the camera is not read; a paced
//! demo then resumes its script where it stopped. Both sides are drawn once at high resolution;
//! each frame projects one through a pinhole camera onto the desk, which needs no files and no
//! fonts.

use std::sync::Arc;
use std::time::{Duration, Instant};

use image::{Rgb, RgbImage};

mod art;

use super::{CameraFrame, FrameSource, SourceError};
use crate::quality::geometry::Homography;
use crate::quality::mrz::CalendarDate;
use crate::quality::{DocumentKind, Point};
use art::{render_card, render_card_back, render_desk};

/// Frame size of the demo camera, pixels.
pub(crate) const DEMO_SIZE: (u32, u32) = (1280, 720);
/// Frames per second the demo camera delivers.
pub(crate) const DEMO_FPS: f64 = 30.0;
/// Length of the demo's loop, seconds.
pub const LOOP_S: f64 = act_start(Act::Leave) + 2.0;
/// When the card is settled sharp and flat, front up, seconds into the loop.
pub const SETTLED_S: f64 = act_start(Act::SettleFront);
/// When the card is settled sharp and flat, back up, and nothing covers it (the demo's thumb
/// leaves it first), seconds into the loop.
pub const BACK_SETTLED_S: f64 = super::demo_thumb::THUMB_WINDOW_S.1;
/// Card texture resolution, pixels per millimetre.
const CARD_PX_PER_MM: f64 = 13.0;
/// Focal length of the simulated camera, pixels (≈ 70° horizontal field of view at 1280 px).
const FOCAL_PX: f64 = 914.0;
/// Width of the settled card in the frame, pixels (≈ 285 dpi across an ID-1 card).
const SETTLED_WIDTH_PX: f64 = 960.0;

/// Where the card is and how it looks at one moment.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pose {
    /// Card centre offset from the frame centre, pixels at the settled distance.
    pub dx: f64,
    /// Card centre offset down from the frame centre, pixels at the settled distance.
    pub dy: f64,
    /// Size relative to the settled card (1 = settled).
    pub scale: f64,
    /// Rotation about the vertical axis (out of plane), degrees.
    pub yaw_deg: f64,
    /// Rotation in the image plane, degrees.
    pub roll_deg: f64,
    /// 0 = sharp, 1 = fully defocused.
    pub blur: f64,
    /// Glare spot centre in card coordinates (0–1 across, 0–1 down), when there is one.
    pub glare: Option<(f64, f64)>,
}

fn smooth(a: f64, b: f64, t: f64) -> f64 {
    let t = t.clamp(0.0, 1.0);
    let s = t * t * (3.0 - 2.0 * t);
    a + (b - a) * s
}

/// One act of the demo's script; each lasts its `SCRIPT` duration and shapes the pose from the
/// act's progress `u` (0–1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Act {
    /// The card drifts in from the left, small and cut off.
    Enter,
    /// Held close but out of focus.
    Defocus,
    /// A glare spot moves across it.
    Glare,
    /// Turned away from the camera, then back.
    Tilt,
    /// Held sharp and flat, front up: the front is captured here.
    SettleFront,
    /// Lifted and turned over about its vertical axis (edge-on half-way).
    Flip,
    /// Held sharp and flat, back up: the back is captured here.
    SettleBack,
    /// Taken away to the right before the loop starts again.
    Leave,
}

/// The demo's script: each act and how long it lasts, seconds. A new act is one more row here and
/// one more arm in `pose_at`.
pub const SCRIPT: [(Act, f64); 8] = [
    (Act::Enter, 3.0),
    (Act::Defocus, 2.5),
    (Act::Glare, 2.5),
    (Act::Tilt, 2.5),
    (Act::SettleFront, 7.0),
    (Act::Flip, 2.5),
    (Act::SettleBack, 11.0),
    (Act::Leave, 2.0),
];

/// When `act` starts, seconds into the loop.
pub const fn act_start(act: Act) -> f64 {
    let mut t = 0.0;
    let mut i = 0;
    while i < SCRIPT.len() {
        if SCRIPT[i].0 as u8 == act as u8 {
            return t;
        }
        t += SCRIPT[i].1;
        i += 1;
    }
    t
}

/// The act at `t` seconds into the loop and its progress 0–1.
pub fn act_at(t: f64) -> (Act, f64) {
    let mut start = 0.0;
    for (act, len) in SCRIPT {
        if t < start + len {
            return (act, ((t - start) / len).clamp(0.0, 1.0));
        }
        start += len;
    }
    (Act::Leave, 1.0)
}

/// The demo's script: the card's pose at `t` seconds (looping every `LOOP_S`).
pub fn pose_at(t: f64) -> Pose {
    let t = t.rem_euclid(LOOP_S);
    // A hand never holds perfectly still: a sub-pixel tremor, larger while the card moves.
    let tremor = 0.25;
    let still = Pose {
        dx: tremor * (t * 7.3).sin(),
        dy: tremor * (t * 5.1).cos(),
        scale: 1.0,
        yaw_deg: 0.0,
        roll_deg: 0.0,
        blur: 0.0,
        glare: None,
    };
    let (act, u) = act_at(t);
    match act {
        Act::Enter => Pose {
            dx: smooth(-820.0, -40.0, u),
            dy: smooth(60.0, 10.0, u),
            scale: smooth(0.55, 0.9, u),
            roll_deg: smooth(-12.0, -2.0, u),
            ..still
        },
        Act::Defocus => Pose {
            dx: smooth(-40.0, 0.0, u) + 3.0 * (t * 3.0).sin(),
            dy: smooth(10.0, 0.0, u),
            scale: smooth(0.9, 1.0, u),
            roll_deg: smooth(-2.0, 0.0, u),
            blur: if u < 0.85 {
                1.0
            } else {
                smooth(1.0, 0.0, (u - 0.85) / 0.15)
            },
            ..still
        },
        Act::Glare => Pose {
            glare: Some((smooth(0.25, 0.8, u), 0.4 + 0.1 * (u * 6.0).sin())),
            ..still
        },
        Act::Tilt => {
            // Turned away by 18° (nearly twice the 10° limit), a little farther so no corner leaves
            // the frame.
            let k = if u < 0.7 {
                smooth(0.0, 1.0, u / 0.25)
            } else {
                smooth(1.0, 0.0, (u - 0.7) / 0.3)
            };
            Pose {
                yaw_deg: 18.0 * k,
                scale: 1.0 - 0.05 * k,
                ..still
            }
        }
        Act::SettleFront => still,
        Act::Flip => {
            // Lifted towards the camera a little while it turns, as a hand does.
            let lift = (u * std::f64::consts::PI).sin();
            Pose {
                yaw_deg: smooth(0.0, 180.0, u),
                scale: 1.0 - 0.12 * lift,
                dy: -30.0 * lift,
                ..still
            }
        }
        Act::SettleBack => Pose {
            yaw_deg: 180.0,
            ..still
        },
        Act::Leave => Pose {
            yaw_deg: 180.0,
            dx: smooth(0.0, 900.0, u),
            scale: smooth(1.0, 0.7, u),
            ..still
        },
    }
}

/// Whether `pose` shows the back of the card (turned more than a quarter turn).
pub fn shows_back(pose: &Pose) -> bool {
    pose.yaw_deg.rem_euclid(360.0).abs() > 90.0 && pose.yaw_deg.rem_euclid(360.0) < 270.0
}

/// The demo camera: renders frames on demand, paced to `fps` unless unpaced (tests).
pub struct DemoCamera {
    scene: Arc<Scene>,
    fps: f64,
    paced: bool,
    seq: u64,
    /// Index of the next frame on the frame-time grid (paced: never behind the wall clock).
    tick: u64,
    start: Option<Instant>,
    /// When a frame was last asked for (paced), to resume the script after a pause.
    last_read: Option<Instant>,
}

/// A paced demo not read for longer than this was paused, not slow: it resumes its script.
const RESUME_GAP: Duration = Duration::from_millis(500);

impl DemoCamera {
    /// A demo camera at `fps` frames per second; `paced` sleeps between frames like a camera,
    /// otherwise frames come as fast as they are read. The back's zone expires a few days after
    /// the system's date (`clock::today`), as the app judges it.
    pub fn new(fps: f64, paced: bool) -> Self {
        Self::on_day(fps, paced, crate::clock::today())
    }

    /// `new`, with the back's zone expiring `mrz_specimen::DEMO_EXPIRES_IN_DAYS` after `today`
    /// (tests fix the day).
    pub fn on_day(fps: f64, paced: bool, today: CalendarDate) -> Self {
        DemoCamera {
            scene: Arc::new(Scene::new(today)),
            fps: fps.clamp(1.0, 120.0),
            paced,
            seq: 0,
            tick: 0,
            start: None,
            last_read: None,
        }
    }

    /// The frame at `t` seconds.
    pub fn frame_at(&self, t: f64) -> RgbImage {
        let pose = pose_at(t);
        let mut frame = self.scene.render(&pose);
        let (cw, ch) = card_size();
        super::demo_thumb::draw(&mut frame, &project(&pose, cw, ch), t, LOOP_S);
        frame
    }

    /// The frame of the card in `pose` (tests pose it outside the script).
    pub fn render_pose(&self, pose: &Pose) -> RgbImage {
        self.scene.render(pose)
    }
}

impl FrameSource for DemoCamera {
    fn name(&self) -> String {
        "Demo camera".to_string()
    }

    fn next_frame(&mut self) -> Result<CameraFrame, SourceError> {
        if self.paced {
            // Keep to the wall clock: when rendering is slower than `fps`, frames are skipped (as a
            // real camera drops them) so the script still plays in real time.
            let now = Instant::now();
            // Not read for a while (the live view was hidden): go on from where the script stopped
            // rather than jumping ahead by the time it was hidden.
            if let Some(last) = self.last_read
                && now.duration_since(last) > RESUME_GAP
            {
                self.start = Some(now - Duration::from_secs_f64(self.tick as f64 / self.fps));
            }
            self.last_read = Some(now);
            let start = *self.start.get_or_insert(now);
            let now_tick = (start.elapsed().as_secs_f64() * self.fps).floor() as u64;
            self.tick = self.tick.max(now_tick);
            let due = start + Duration::from_secs_f64(self.tick as f64 / self.fps);
            let now = Instant::now();
            if due > now {
                std::thread::sleep(due - now);
            }
        }
        let t = self.tick as f64 / self.fps;
        self.tick += 1;
        let image = self.frame_at(t);
        let frame = CameraFrame {
            image: Arc::new(image),
            seq: self.seq,
            time_s: t,
        };
        self.seq += 1;
        Ok(frame)
    }
}

/// What every frame is made from, rendered once.
struct Scene {
    card: RgbImage,
    card_blurred: RgbImage,
    back: RgbImage,
    back_blurred: RgbImage,
    desk: RgbImage,
}

/// Card texture size in pixels (both sides).
pub fn card_size() -> (u32, u32) {
    let (w, h) = DocumentKind::IdCard.size_mm();
    (
        (w * CARD_PX_PER_MM).round() as u32,
        (h * CARD_PX_PER_MM).round() as u32,
    )
}

impl Scene {
    fn new(today: CalendarDate) -> Self {
        let card = render_card();
        let card_blurred = imageproc::filter::gaussian_blur_f32(&card, 9.0);
        let back = render_card_back(today);
        let back_blurred = imageproc::filter::gaussian_blur_f32(&back, 9.0);
        Scene {
            card,
            card_blurred,
            back,
            back_blurred,
            desk: render_desk(),
        }
    }

    /// One camera frame of the card in `pose` on the desk.
    fn render(&self, pose: &Pose) -> RgbImage {
        let mut frame = self.desk.clone();
        let (fw, fh) = DEMO_SIZE;
        let (cw, ch) = card_size();
        let quad = project(pose, cw, ch);
        let tex = [
            Point::new(0.0, 0.0),
            Point::new(f64::from(cw), 0.0),
            Point::new(f64::from(cw), f64::from(ch)),
            Point::new(0.0, f64::from(ch)),
        ];
        let Some(h) = Homography::from_points(&quad, &tex) else {
            return frame;
        };
        let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for p in &quad {
            x0 = x0.min(p.x);
            y0 = y0.min(p.y);
            x1 = x1.max(p.x);
            y1 = y1.max(p.y);
        }
        let xs = x0.floor().max(0.0) as u32;
        let ys = y0.floor().max(0.0) as u32;
        let xe = (x1.ceil().max(0.0) as u32).min(fw);
        let ye = (y1.ceil().max(0.0) as u32).min(fh);
        let radius = 3.18 * CARD_PX_PER_MM;
        let (cwf, chf) = (f64::from(cw), f64::from(ch));
        let blur = pose.blur.clamp(0.0, 1.0);
        let glare = pose.glare.map(|(gx, gy)| (gx * cwf, gy * chf));
        let glare_r = 0.09 * cwf;
        // Seen from behind, the card's own left edge is on the right of the projected texture.
        let back = shows_back(pose);
        let (card, card_blurred) = if back {
            (&self.back, &self.back_blurred)
        } else {
            (&self.card, &self.card_blurred)
        };
        for y in ys..ye {
            for x in xs..xe {
                let p = h.apply(Point::new(f64::from(x) + 0.5, f64::from(y) + 0.5));
                let (u, v) = if back { (cwf - p.x, p.y) } else { (p.x, p.y) };
                if !inside_rounded(u, v, cwf, chf, radius) {
                    continue;
                }
                let mut c = sample(card, u, v);
                if blur > 0.0 {
                    let b = sample(card_blurred, u, v);
                    for k in 0..3 {
                        c[k] = c[k] * (1.0 - blur) + b[k] * blur;
                    }
                }
                // Paper under a desk lamp: a little darker towards the bottom right.
                let shade = 1.0 - 0.06 * (u / cwf + v / chf) / 2.0;
                for v in &mut c {
                    *v *= shade;
                }
                if let Some((gx, gy)) = glare {
                    let d2 = ((u - gx).powi(2) + (v - gy).powi(2) * 1.8) / (glare_r * glare_r);
                    let g = 420.0 * (-d2).exp();
                    for v in &mut c {
                        *v += g;
                    }
                }
                frame.put_pixel(
                    x,
                    y,
                    Rgb([
                        c[0].clamp(0.0, 255.0) as u8,
                        c[1].clamp(0.0, 255.0) as u8,
                        c[2].clamp(0.0, 255.0) as u8,
                    ]),
                );
            }
        }
        frame
    }
}

/// The card's corners in the frame for `pose`: a pinhole camera looking at a card turned by the
/// pose's yaw and roll.
pub(crate) fn project(pose: &Pose, cw: u32, ch: u32) -> [Point; 4] {
    let (fw, fh) = (f64::from(DEMO_SIZE.0), f64::from(DEMO_SIZE.1));
    let half_w = SETTLED_WIDTH_PX / 2.0;
    let half_h = half_w * f64::from(ch) / f64::from(cw);
    // At depth FOCAL_PX one unit is one pixel; `scale` moves the card nearer or farther.
    let z0 = FOCAL_PX / pose.scale.max(0.05);
    let (sy, cy) = pose.yaw_deg.to_radians().sin_cos();
    let (sr, cr) = pose.roll_deg.to_radians().sin_cos();
    let cx = fw / 2.0 + pose.dx * pose.scale;
    let cyy = fh / 2.0 + pose.dy * pose.scale;
    [
        (-half_w, -half_h),
        (half_w, -half_h),
        (half_w, half_h),
        (-half_w, half_h),
    ]
    .map(|(x, y)| {
        let (x, y) = (x * cr - y * sr, x * sr + y * cr);
        let (xr, zr) = (x * cy, z0 + x * sy);
        Point::new(cx + FOCAL_PX * xr / zr, cyy + FOCAL_PX * y / zr)
    })
}

/// Whether texture point (u, v) lies on a card of w × h with corners rounded by `r`.
fn inside_rounded(u: f64, v: f64, w: f64, h: f64, r: f64) -> bool {
    if u < 0.0 || v < 0.0 || u >= w || v >= h {
        return false;
    }
    let cx = u.clamp(r, w - r);
    let cy = v.clamp(r, h - r);
    (u - cx).powi(2) + (v - cy).powi(2) <= r * r
}

/// Bilinear sample of `img` at (u, v), edges clamped.
fn sample(img: &RgbImage, u: f64, v: f64) -> [f64; 3] {
    let (w, h) = img.dimensions();
    let x = (u - 0.5).clamp(0.0, f64::from(w - 1));
    let y = (v - 0.5).clamp(0.0, f64::from(h - 1));
    let (x0, y0) = (x.floor() as u32, y.floor() as u32);
    let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
    let (fx, fy) = (x - f64::from(x0), y - f64::from(y0));
    let p = |xx, yy| img.get_pixel(xx, yy).0.map(f64::from);
    let (a, b, c, d) = (p(x0, y0), p(x1, y0), p(x0, y1), p(x1, y1));
    let mut out = [0.0; 3];
    for k in 0..3 {
        let top = a[k] + (b[k] - a[k]) * fx;
        let bottom = c[k] + (d[k] - c[k]) * fx;
        out[k] = top + (bottom - top) * fy;
    }
    out
}

#[cfg(test)]
mod tests;
