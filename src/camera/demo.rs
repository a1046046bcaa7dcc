//! The built-in demo camera: a rendered ID card, marked SPECIMEN, filmed on a wooden desk.
//!
//! Decides the demo's script, a 20 s loop in which every problem the live view explains shows up
//! once: the card drifts in from the left, small and cut off (0–3 s), is held close but out of focus
//! (3–5.5 s), catches a glare spot that moves across it (5.5–8 s), is tilted away (8–10.5 s), then
//! settles sharp and flat (10.5–20 s), so auto-capture fires about 12.5 s in. Frames are a pure
//! function of time (`render`), and time is frame index / fps, so tests are deterministic. The card
//! is drawn once at high resolution; each frame projects it through a pinhole camera onto the
//! desk, which needs no files and no fonts.

use std::sync::Arc;
use std::time::{Duration, Instant};

use image::{Rgb, RgbImage};
use imageproc::drawing::{draw_filled_circle_mut, draw_filled_ellipse_mut, draw_filled_rect_mut};
use imageproc::rect::Rect;

use super::{CameraFrame, FrameSource, SourceError};
use crate::quality::geometry::Homography;
use crate::quality::{DocumentKind, Point};

/// Frame size of the demo camera, pixels.
pub const DEMO_SIZE: (u32, u32) = (1280, 720);
/// Frames per second the demo camera delivers.
pub const DEMO_FPS: f64 = 30.0;
/// Length of the demo's loop, seconds.
pub const LOOP_S: f64 = 20.0;
/// When the card is settled sharp and flat, seconds into the loop.
pub const SETTLED_S: f64 = 10.5;
/// Card texture resolution, pixels per millimetre.
const CARD_PX_PER_MM: f64 = 13.0;
/// Focal length of the simulated camera, pixels (≈ 70° horizontal field of view at 1280 px).
const FOCAL_PX: f64 = 914.0;
/// Width of the settled card in the frame, pixels (≈ 285 dpi across an ID-1 card).
const SETTLED_WIDTH_PX: f64 = 960.0;

/// A tiny deterministic random generator (xorshift), so the card is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u32) -> u32 {
        (self.next() % u64::from(n.max(1))) as u32
    }
}

/// Where the card is and how it looks at one moment.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pose {
    /// Card centre offset from the frame centre, pixels at the settled distance.
    pub dx: f64,
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
    if t < 3.0 {
        let u = t / 3.0;
        Pose {
            dx: smooth(-820.0, -40.0, u),
            dy: smooth(60.0, 10.0, u),
            scale: smooth(0.55, 0.9, u),
            roll_deg: smooth(-12.0, -2.0, u),
            ..still
        }
    } else if t < 5.5 {
        let u = (t - 3.0) / 2.5;
        Pose {
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
        }
    } else if t < 8.0 {
        let u = (t - 5.5) / 2.5;
        Pose {
            glare: Some((smooth(0.25, 0.8, u), 0.4 + 0.1 * (u * 6.0).sin())),
            ..still
        }
    } else if t < SETTLED_S {
        let u = (t - 8.0) / (SETTLED_S - 8.0);
        // Turned away by 18° (nearly twice the 10° limit), a little farther so no corner leaves the frame.
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
    } else {
        still
    }
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
}

impl DemoCamera {
    pub fn new(fps: f64, paced: bool) -> Self {
        DemoCamera {
            scene: Arc::new(Scene::new()),
            fps: fps.clamp(1.0, 120.0),
            paced,
            seq: 0,
            tick: 0,
            start: None,
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
}

impl FrameSource for DemoCamera {
    fn name(&self) -> String {
        "Demo camera".to_string()
    }

    fn next_frame(&mut self) -> Result<CameraFrame, SourceError> {
        if self.paced {
            // Keep to the wall clock: when rendering is slower than `fps`, frames are skipped (as a
            // real camera drops them) so the script still plays in real time.
            let start = *self.start.get_or_insert_with(Instant::now);
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
    desk: RgbImage,
}

/// Card texture size in pixels.
fn card_size() -> (u32, u32) {
    let (w, h) = DocumentKind::IdCard.size_mm();
    (
        (w * CARD_PX_PER_MM).round() as u32,
        (h * CARD_PX_PER_MM).round() as u32,
    )
}

impl Scene {
    fn new() -> Self {
        let card = render_card();
        let card_blurred = imageproc::filter::gaussian_blur_f32(&card, 9.0);
        Scene {
            card,
            card_blurred,
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
        for y in ys..ye {
            for x in xs..xe {
                let p = h.apply(Point::new(f64::from(x) + 0.5, f64::from(y) + 0.5));
                let (u, v) = (p.x, p.y);
                if !inside_rounded(u, v, cwf, chf, radius) {
                    continue;
                }
                let mut c = sample(&self.card, u, v);
                if blur > 0.0 {
                    let b = sample(&self.card_blurred, u, v);
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
pub fn project(pose: &Pose, cw: u32, ch: u32) -> [Point; 4] {
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

/// A wooden desk: dark brown grain with knots and fine noise, so the pale card stands out.
fn render_desk() -> RgbImage {
    let (w, h) = DEMO_SIZE;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    RgbImage::from_fn(w, h, |x, y| {
        let (xf, yf) = (f64::from(x), f64::from(y));
        let grain = (yf * 0.09 + (xf * 0.011).sin() * 6.0 + (xf * 0.0023).sin() * 14.0).sin();
        let fine = (yf * 0.8 + xf * 0.02).sin() * 0.3;
        let noise = (rng.below(17) as f64) - 8.0;
        let base = 62.0 + 16.0 * grain + 6.0 * fine + noise;
        Rgb([
            (base * 1.35).clamp(0.0, 255.0) as u8,
            (base * 0.92).clamp(0.0, 255.0) as u8,
            (base * 0.62).clamp(0.0, 255.0) as u8,
        ])
    })
}

/// Draws a thick line from a to b by stamping discs of `r` pixels.
fn thick_line(img: &mut RgbImage, a: (f64, f64), b: (f64, f64), r: i32, color: Rgb<u8>) {
    let len = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
    let steps = len.ceil().max(1.0) as i32;
    for i in 0..=steps {
        let t = f64::from(i) / f64::from(steps);
        let x = a.0 + (b.0 - a.0) * t;
        let y = a.1 + (b.1 - a.1) * t;
        draw_filled_circle_mut(img, (x.round() as i32, y.round() as i32), r, color);
    }
}

/// Stroke glyphs on a 4 × 6 grid for the letters of SPECIMEN.
fn glyph(c: char) -> &'static [&'static [(f64, f64)]] {
    match c {
        'S' => &[&[
            (4.0, 0.0),
            (0.0, 0.0),
            (0.0, 3.0),
            (4.0, 3.0),
            (4.0, 6.0),
            (0.0, 6.0),
        ]],
        'P' => &[&[(0.0, 6.0), (0.0, 0.0), (4.0, 0.0), (4.0, 3.0), (0.0, 3.0)]],
        'E' => &[
            &[(4.0, 0.0), (0.0, 0.0), (0.0, 6.0), (4.0, 6.0)],
            &[(0.0, 3.0), (3.0, 3.0)],
        ],
        'C' => &[&[(4.0, 0.0), (0.0, 0.0), (0.0, 6.0), (4.0, 6.0)]],
        'I' => &[
            &[(2.0, 0.0), (2.0, 6.0)],
            &[(1.0, 0.0), (3.0, 0.0)],
            &[(1.0, 6.0), (3.0, 6.0)],
        ],
        'M' => &[&[(0.0, 6.0), (0.0, 0.0), (2.0, 3.0), (4.0, 0.0), (4.0, 6.0)]],
        'N' => &[&[(0.0, 6.0), (0.0, 0.0), (4.0, 6.0), (4.0, 0.0)]],
        _ => &[],
    }
}

/// Writes `text` with stroke glyphs, `cell` pixels per grid unit, from (x, y), slanted by `slope`
/// (pixels of rise per pixel across).
fn stroke_text(
    img: &mut RgbImage,
    text: &str,
    x: f64,
    y: f64,
    cell: f64,
    slope: f64,
    color: Rgb<u8>,
) {
    let r = (cell * 0.45).round() as i32;
    for (i, c) in text.chars().enumerate() {
        let ox = x + i as f64 * cell * 6.0;
        let oy = y - (i as f64 * cell * 6.0) * slope;
        for stroke in glyph(c) {
            for pair in stroke.windows(2) {
                let a = (
                    ox + pair[0].0 * cell,
                    oy + pair[0].1 * cell - pair[0].0 * cell * slope,
                );
                let b = (
                    ox + pair[1].0 * cell,
                    oy + pair[1].1 * cell - pair[1].0 * cell * slope,
                );
                thick_line(img, a, b, r, color);
            }
        }
    }
}

/// Rows of small pseudo-characters: 3 × 5 random bitmaps at `px` pixels per dot. Fine detail that
/// a focus measure can see, without a font.
fn text_line(
    img: &mut RgbImage,
    rng: &mut Rng,
    x: i32,
    y: i32,
    chars: u32,
    px: i32,
    color: Rgb<u8>,
) {
    let mut cx = x;
    for i in 0..chars {
        if i > 0 && rng.below(6) == 0 {
            cx += 3 * px; // a word gap
            continue;
        }
        let bits = rng.next();
        for row in 0..5 {
            for col in 0..3 {
                if (bits >> (row * 3 + col)) & 1 == 1 || col == 0 && row % 2 == 0 {
                    draw_filled_rect_mut(
                        img,
                        Rect::at(cx + col * px, y + row * px).of_size(px as u32, px as u32),
                        color,
                    );
                }
            }
        }
        cx += 4 * px;
    }
}

/// The ID card: pale security print with fine guilloche lines, a portrait, data lines, an MRZ-like
/// band and a red SPECIMEN stamp.
fn render_card() -> RgbImage {
    let (w, h) = card_size();
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut card = RgbImage::from_fn(w, h, |x, y| {
        let (u, v) = (f64::from(x) / f64::from(w), f64::from(y) / f64::from(h));
        let guilloche = ((u * 90.0 + (v * 11.0).sin() * 3.0).sin() * (v * 70.0).cos()).abs();
        let line = if guilloche > 0.93 { 30.0 } else { 0.0 };
        Rgb([
            (228.0 - 18.0 * v - line * 0.8) as u8,
            (236.0 - 8.0 * v - line * 0.5) as u8,
            (246.0 - line * 0.2) as u8,
        ])
    });
    let s = CARD_PX_PER_MM;
    let mm = |v: f64| (v * s).round() as i32;
    // Header band.
    draw_filled_rect_mut(
        &mut card,
        Rect::at(0, 0).of_size(w, mm(9.0) as u32),
        Rgb([32, 72, 140]),
    );
    text_line(
        &mut card,
        &mut rng,
        mm(4.0),
        mm(2.8),
        26,
        5,
        Rgb([240, 240, 250]),
    );
    // Portrait.
    let (px, py, pw, ph) = (mm(4.0), mm(12.5), mm(24.0), mm(30.0));
    draw_filled_rect_mut(
        &mut card,
        Rect::at(px, py).of_size(pw as u32, ph as u32),
        Rgb([176, 188, 200]),
    );
    draw_filled_ellipse_mut(
        &mut card,
        (px + pw / 2, py + ph * 2 / 5),
        pw / 4,
        ph / 4,
        Rgb([120, 96, 84]),
    );
    draw_filled_ellipse_mut(
        &mut card,
        (px + pw / 2, py + ph),
        pw * 9 / 20,
        ph * 3 / 10,
        Rgb([54, 62, 80]),
    );
    // Data fields: a small label line and a bigger value line each.
    for (i, len) in [14u32, 18, 10, 16, 12].iter().enumerate() {
        let y = mm(12.5) + i as i32 * mm(6.2);
        text_line(&mut card, &mut rng, mm(31.0), y, 10, 3, Rgb([90, 100, 130]));
        text_line(
            &mut card,
            &mut rng,
            mm(31.0),
            y + mm(1.8),
            *len,
            5,
            Rgb([20, 24, 36]),
        );
    }
    // Signature-like scribble.
    let mut prev = (f64::from(mm(60.0)), f64::from(mm(40.0)));
    for k in 1..40 {
        let t = f64::from(k) / 40.0;
        let next = (
            f64::from(mm(60.0)) + t * f64::from(mm(20.0)),
            f64::from(mm(40.0)) + (t * 25.0).sin() * f64::from(mm(1.6)),
        );
        thick_line(&mut card, prev, next, 2, Rgb([30, 40, 110]));
        prev = next;
    }
    // Machine-readable band.
    for row in 0..2 {
        text_line(
            &mut card,
            &mut rng,
            mm(4.0),
            mm(45.5) + row * mm(3.6),
            44,
            5,
            Rgb([16, 16, 20]),
        );
    }
    // SPECIMEN, diagonal, in red.
    stroke_text(
        &mut card,
        "SPECIMEN",
        f64::from(mm(17.0)),
        f64::from(mm(37.0)),
        f64::from(mm(1.25)),
        0.28,
        Rgb([205, 40, 40]),
    );
    card
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_deterministic_and_sized() {
        let cam = DemoCamera::new(DEMO_FPS, false);
        let a = cam.frame_at(11.0);
        let b = cam.frame_at(11.0);
        assert_eq!(a.dimensions(), DEMO_SIZE);
        assert!(a == b);
    }

    #[test]
    fn settled_card_is_inside_the_frame_and_large() {
        let (cw, ch) = card_size();
        let q = project(&pose_at(12.0), cw, ch);
        for p in &q {
            assert!(
                p.x > 20.0 && p.x < 1260.0 && p.y > 20.0 && p.y < 700.0,
                "{p:?}"
            );
        }
        let width = q[1].x - q[0].x;
        assert!(width > 900.0, "{width}");
    }

    #[test]
    fn script_starts_cut_off_and_tilts_before_settling() {
        let (cw, ch) = card_size();
        let start = project(&pose_at(0.2), cw, ch);
        assert!(start.iter().any(|p| p.x < 0.0), "the card starts cut off");
        assert!(pose_at(4.0).blur > 0.9);
        assert!(pose_at(6.5).glare.is_some());
        assert!(pose_at(9.0).yaw_deg > 15.0);
        let settled = pose_at(SETTLED_S + 0.5);
        assert_eq!(
            (settled.blur, settled.yaw_deg, settled.glare),
            (0.0, 0.0, None)
        );
    }

    #[test]
    fn glare_clips_pixels_on_the_card() {
        let cam = DemoCamera::new(DEMO_FPS, false);
        let f = cam.frame_at(6.5);
        let clipped = f.pixels().filter(|p| p.0.iter().all(|&c| c >= 250)).count();
        assert!(clipped > 500, "{clipped}");
        let s = cam.frame_at(12.0);
        let clipped = s.pixels().filter(|p| p.0.iter().all(|&c| c >= 250)).count();
        assert_eq!(clipped, 0);
    }

    #[test]
    fn paced_source_keeps_to_the_wall_clock() {
        let mut cam = DemoCamera::new(30.0, true);
        let a = cam.next_frame().expect("frame");
        std::thread::sleep(Duration::from_millis(400));
        let b = cam.next_frame().expect("frame");
        assert_eq!((a.seq, b.seq), (0, 1));
        assert!(b.time_s >= 0.39, "{}", b.time_s);
    }

    #[test]
    fn unpaced_source_counts_time_by_frames() {
        let mut cam = DemoCamera::new(10.0, false);
        let a = cam.next_frame().expect("frame");
        let b = cam.next_frame().expect("frame");
        assert_eq!((a.seq, b.seq), (0, 1));
        assert!((b.time_s - 0.1).abs() < 1e-12);
    }
}
