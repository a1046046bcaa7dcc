//! Plane geometry shared by the checks: quads, homographies and the document's 3-D pose.
//!
//! Decides the canonical corner order (clockwise from the corner nearest the image's top-left), how a
//! quad maps to the document rectangle, and how tilt and aspect ratio follow from that mapping with an
//! assumed focal length (Zhang & He's whiteboard method).

use serde::{Serialize, Serializer};

use super::profile::DocumentKind;

/// A point in image pixels (x right, y down).
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Point {
    /// Horizontal coordinate, pixels, growing rightwards.
    pub x: f64,
    /// Vertical coordinate, pixels, growing downwards.
    pub y: f64,
}

impl Point {
    /// The point (`x`, `y`).
    pub const fn new(x: f64, y: f64) -> Self {
        Point { x, y }
    }
    /// Euclidean distance. (`sqrt` of the sum of squares: an instruction, where `hypot` is a
    /// libm call guarding against overflows pixel coordinates never reach; the detector calls
    /// this ~100 000 times per frame.)
    pub fn dist(self, o: Point) -> f64 {
        self.minus(o).norm()
    }
    /// This point minus `o` (a vector from `o` to this point).
    pub fn minus(self, o: Point) -> Point {
        Point::new(self.x - o.x, self.y - o.y)
    }
    /// This point plus `o`.
    pub fn plus(self, o: Point) -> Point {
        Point::new(self.x + o.x, self.y + o.y)
    }
    /// This point scaled by `s` about the origin.
    pub fn scale(self, s: f64) -> Point {
        Point::new(self.x * s, self.y * s)
    }
    /// The 2-D cross product `x·o.y − y·o.x` (the z component of the 3-D one).
    pub fn cross(self, o: Point) -> f64 {
        self.x * o.y - self.y * o.x
    }
    pub(crate) fn dot(self, o: Point) -> f64 {
        self.x * o.x + self.y * o.y
    }
    /// Length of the vector from the origin, same units as `x` and `y`.
    pub fn norm(self) -> f64 {
        (self.x * self.x + self.y * self.y).sqrt()
    }
}

impl Serialize for Point {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Two decimals are well below the detector's accuracy and keep JSON short.
        let round = |v: f64| (v * 100.0).round() / 100.0;
        [round(self.x), round(self.y)].serialize(s)
    }
}

/// Four corners of a document in image pixels, clockwise (on screen, y down) from the corner nearest
/// the image's top-left.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Quad(pub [Point; 4]);

impl Quad {
    /// Puts four corners of a convex quadrilateral into the canonical order.
    pub fn ordered(mut pts: [Point; 4]) -> Quad {
        let c = pts
            .iter()
            .fold(Point::default(), |a, p| a.plus(*p))
            .scale(0.25);
        // Sort by angle around the centroid; with y down, increasing atan2 is clockwise on screen.
        pts.sort_by(|a, b| {
            let ta = (a.y - c.y).atan2(a.x - c.x);
            let tb = (b.y - c.y).atan2(b.x - c.x);
            ta.total_cmp(&tb)
        });
        let start = (0..4)
            .min_by(|&i, &j| {
                let di = pts[i].x.hypot(pts[i].y);
                let dj = pts[j].x.hypot(pts[j].y);
                di.total_cmp(&dj)
            })
            .unwrap_or(0);
        pts.rotate_left(start);
        Quad(pts)
    }

    /// The four corners, clockwise from the one nearest the image's top-left.
    pub fn corners(&self) -> &[Point; 4] {
        &self.0
    }

    /// Edge `i` runs from corner `i` to corner `i + 1`.
    pub fn edge(&self, i: usize) -> (Point, Point) {
        (self.0[i % 4], self.0[(i + 1) % 4])
    }

    /// Signed area (positive when clockwise on screen), square pixels.
    pub(crate) fn signed_area(&self) -> f64 {
        polygon_signed_area(&self.0)
    }

    /// Area enclosed, square pixels.
    pub fn area(&self) -> f64 {
        self.signed_area().abs()
    }

    pub(crate) fn centroid(&self) -> Point {
        self.0
            .iter()
            .fold(Point::default(), |a, p| a.plus(*p))
            .scale(0.25)
    }

    /// Whether the quad is convex and non-degenerate.
    pub(crate) fn is_convex(&self) -> bool {
        let mut sign = 0.0;
        for i in 0..4 {
            let a = self.0[i];
            let b = self.0[(i + 1) % 4];
            let c = self.0[(i + 2) % 4];
            let z = b.minus(a).cross(c.minus(b));
            if z.abs() < 1e-9 {
                return false;
            }
            if sign == 0.0 {
                sign = z.signum();
            } else if z.signum() != sign {
                return false;
            }
        }
        true
    }

    /// Mean lengths of the two pairs of opposite edges, longer pair first, in pixels.
    pub fn side_lengths(&self) -> (f64, f64) {
        let e = |i: usize| {
            let (a, b) = self.edge(i);
            a.dist(b)
        };
        let a = 0.5 * (e(0) + e(2));
        let b = 0.5 * (e(1) + e(3));
        if a >= b { (a, b) } else { (b, a) }
    }

    /// Intersection over union with another quad (both convex), 0–1.
    pub fn iou(&self, other: &Quad) -> f64 {
        let inter = convex_intersection_area(&self.0, &other.0);
        let union = self.area() + other.area() - inter;
        if union <= 0.0 { 0.0 } else { inter / union }
    }

    /// The part of the quad's area that lies inside a `width` × `height` image, 0–1.
    pub(crate) fn fraction_inside(&self, width: f64, height: f64) -> f64 {
        let frame = [
            Point::new(0.0, 0.0),
            Point::new(width, 0.0),
            Point::new(width, height),
            Point::new(0.0, height),
        ];
        let a = self.area();
        if a <= 0.0 {
            0.0
        } else {
            convex_intersection_area(&self.0, &frame) / a
        }
    }
}

fn polygon_signed_area(p: &[Point]) -> f64 {
    let n = p.len();
    let mut s = 0.0;
    for i in 0..n {
        s += p[i].cross(p[(i + 1) % n]);
    }
    0.5 * s
}

/// Area of the intersection of two convex polygons (Sutherland–Hodgman clipping).
fn convex_intersection_area(a: &[Point], b: &[Point]) -> f64 {
    let orient = |p: &[Point]| -> Vec<Point> {
        let mut v = p.to_vec();
        if polygon_signed_area(&v) < 0.0 {
            v.reverse();
        }
        v
    };
    let subject = orient(a);
    let clip = orient(b);
    let mut out = subject;
    for i in 0..clip.len() {
        if out.is_empty() {
            break;
        }
        let c0 = clip[i];
        let c1 = clip[(i + 1) % clip.len()];
        let inside = |p: Point| c1.minus(c0).cross(p.minus(c0)) >= 0.0;
        let input = std::mem::take(&mut out);
        for j in 0..input.len() {
            let p = input[j];
            let q = input[(j + 1) % input.len()];
            let (pin, qin) = (inside(p), inside(q));
            if pin {
                out.push(p);
            }
            if pin != qin
                && let Some(x) = line_intersection(p, q, c0, c1)
            {
                out.push(x);
            }
        }
    }
    polygon_signed_area(&out).abs()
}

/// Intersection of the infinite lines p0–p1 and q0–q1, if they are not parallel.
pub(crate) fn line_intersection(p0: Point, p1: Point, q0: Point, q1: Point) -> Option<Point> {
    let r = p1.minus(p0);
    let s = q1.minus(q0);
    let d = r.cross(s);
    if d.abs() < 1e-12 {
        return None;
    }
    let t = q0.minus(p0).cross(s) / d;
    Some(p0.plus(r.scale(t)))
}

/// A 3×3 projective transform, row-major, mapping (x, y, 1) to (x', y', w').
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Homography(pub [f64; 9]);

impl Homography {
    /// The transform taking `src[i]` to `dst[i]` for four point pairs, or `None` when three of them
    /// are collinear.
    pub fn from_points(src: &[Point; 4], dst: &[Point; 4]) -> Option<Homography> {
        // Solve the 8×8 linear system with h22 = 1.
        let mut m = [[0.0f64; 9]; 8];
        for i in 0..4 {
            let (x, y) = (src[i].x, src[i].y);
            let (u, v) = (dst[i].x, dst[i].y);
            m[2 * i] = [x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y, u];
            m[2 * i + 1] = [0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y, v];
        }
        for col in 0..8 {
            let pivot = (col..8).max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs()))?;
            if m[pivot][col].abs() < 1e-12 {
                return None;
            }
            m.swap(col, pivot);
            for row in 0..8 {
                if row != col {
                    let f = m[row][col] / m[col][col];
                    if f != 0.0 {
                        let pivot_row = m[col];
                        for (cell, p) in m[row].iter_mut().zip(pivot_row.iter()).skip(col) {
                            *cell -= f * p;
                        }
                    }
                }
            }
        }
        let mut h = [0.0; 9];
        for i in 0..8 {
            h[i] = m[i][8] / m[i][i];
        }
        h[8] = 1.0;
        Some(Homography(h))
    }

    /// Maps `p` through the homography (projective transform).
    pub fn apply(&self, p: Point) -> Point {
        let h = &self.0;
        let w = h[6] * p.x + h[7] * p.y + h[8];
        Point::new(
            (h[0] * p.x + h[1] * p.y + h[2]) / w,
            (h[3] * p.x + h[4] * p.y + h[5]) / w,
        )
    }
}

/// The document's pose against the camera, from its quad and an assumed field of view.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pose {
    /// Angle between the document's normal and the camera axis, degrees (0 = facing the camera).
    pub tilt_deg: f64,
    /// Angle of the document's long edge from the nearest image axis, degrees, −45…45.
    pub(crate) rotation_deg: f64,
    /// Long side over short side of the document, corrected for perspective.
    pub aspect: f64,
}

impl Pose {
    /// `hfov_deg` is the field of view across the frame's longer side.
    pub fn estimate(
        quad: &Quad,
        kind: DocumentKind,
        width: u32,
        height: u32,
        hfov_deg: f64,
    ) -> Pose {
        let rotation_deg = long_edge_rotation_deg(quad);
        let naive_aspect = {
            let (l, s) = quad.side_lengths();
            if s > 0.0 { l / s } else { f64::INFINITY }
        };
        let long = f64::from(width.max(height));
        let f = (long / 2.0) / (hfov_deg.to_radians() / 2.0).tan();
        let (cx, cy) = (f64::from(width) / 2.0, f64::from(height) / 2.0);
        let unit = [
            Point::new(0.0, 0.0),
            Point::new(1.0, 0.0),
            Point::new(1.0, 1.0),
            Point::new(0.0, 1.0),
        ];
        let fallback = Pose {
            tilt_deg: 0.0,
            rotation_deg,
            aspect: naive_aspect,
        };
        let Some(h) = Homography::from_points(&unit, &quad.0) else {
            return fallback;
        };
        let h = h.0;
        // A = K⁻¹ H: columns are λ·s_x·r1 and λ·s_y·r2 for the plane's axes r1, r2.
        let col = |j: usize| {
            [
                (h[j] - cx * h[6 + j]) / f,
                (h[3 + j] - cy * h[6 + j]) / f,
                h[6 + j],
            ]
        };
        let a1 = col(0);
        let a2 = col(1);
        let n1 = (a1[0] * a1[0] + a1[1] * a1[1] + a1[2] * a1[2]).sqrt();
        let n2 = (a2[0] * a2[0] + a2[1] * a2[1] + a2[2] * a2[2]).sqrt();
        if !(n1 > 0.0 && n2 > 0.0) {
            return fallback;
        }
        let aspect = if n1 >= n2 { n1 / n2 } else { n2 / n1 };
        let n = [
            a1[1] * a2[2] - a1[2] * a2[1],
            a1[2] * a2[0] - a1[0] * a2[2],
            a1[0] * a2[1] - a1[1] * a2[0],
        ];
        let nn = (n[0] * n[0] + n[1] * n[1] + n[2] * n[2]).sqrt();
        let tilt_deg = if nn > 0.0 {
            (n[2].abs() / nn).clamp(0.0, 1.0).acos().to_degrees()
        } else {
            0.0
        };
        let _ = kind;
        Pose {
            tilt_deg,
            rotation_deg,
            aspect,
        }
    }
}

/// Rotation of the quad's longer edge pair from the nearest image axis, degrees in −45…45
/// (positive = clockwise on screen).
pub(crate) fn long_edge_rotation_deg(quad: &Quad) -> f64 {
    let e = |i: usize| {
        let (a, b) = quad.edge(i);
        b.minus(a)
    };
    let len02 = e(0).norm() + e(2).norm();
    let len13 = e(1).norm() + e(3).norm();
    // Average the direction of the two long edges (edge 2 runs the other way, so subtract it).
    let d = if len02 >= len13 {
        e(0).minus(e(2))
    } else {
        e(1).minus(e(3))
    };
    let mut deg = d.y.atan2(d.x).to_degrees();
    while deg > 45.0 {
        deg -= 90.0;
    }
    while deg <= -45.0 {
        deg += 90.0;
    }
    deg
}

#[cfg(test)]
impl Quad {
    /// The axis-aligned rectangle at (x, y), w × h pixels, top-left corner first and clockwise
    /// on screen (for tests).
    pub(crate) fn rect(x: f64, y: f64, w: f64, h: f64) -> Quad {
        Quad([
            Point::new(x, y),
            Point::new(x + w, y),
            Point::new(x + w, y + h),
            Point::new(x, y + h),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordering_starts_near_top_left_and_runs_clockwise() {
        let q = Quad::ordered([
            Point::new(100.0, 80.0),
            Point::new(10.0, 90.0),
            Point::new(0.0, 5.0),
            Point::new(95.0, 0.0),
        ]);
        assert_eq!(q.0[0], Point::new(0.0, 5.0));
        assert_eq!(q.0[1], Point::new(95.0, 0.0));
        assert_eq!(q.0[2], Point::new(100.0, 80.0));
        assert!(
            q.signed_area() > 0.0,
            "clockwise on screen has positive signed area"
        );
    }

    #[test]
    fn iou_of_shifted_rectangles() {
        let a = Quad::rect(0.0, 0.0, 10.0, 10.0);
        let b = Quad::rect(5.0, 0.0, 10.0, 10.0);
        assert!((a.iou(&b) - 50.0 / 150.0).abs() < 1e-9);
        assert!((a.iou(&a) - 1.0).abs() < 1e-9);
        assert_eq!(a.iou(&Quad::rect(20.0, 20.0, 5.0, 5.0)), 0.0);
    }

    #[test]
    fn fraction_inside_counts_the_cut_part() {
        let q = Quad::rect(-50.0, 0.0, 100.0, 10.0);
        assert!((q.fraction_inside(200.0, 200.0) - 0.5).abs() < 1e-9);
    }

    #[test]
    fn homography_maps_the_four_points() {
        let src = Quad::rect(0.0, 0.0, 1.0, 1.0).0;
        let dst = [
            Point::new(10.0, 20.0),
            Point::new(200.0, 40.0),
            Point::new(180.0, 160.0),
            Point::new(30.0, 140.0),
        ];
        let h = Homography::from_points(&src, &dst).expect("non-degenerate");
        for i in 0..4 {
            assert!(h.apply(src[i]).dist(dst[i]) < 1e-6);
        }
    }

    #[test]
    fn fronto_parallel_card_has_no_tilt_and_its_true_aspect() {
        let q = Quad::rect(400.0, 300.0, 856.0, 540.0);
        let p = Pose::estimate(&q, DocumentKind::IdCard, 1920, 1080, 70.0);
        assert!(p.tilt_deg < 0.5, "tilt {}", p.tilt_deg);
        assert!((p.aspect - 856.0 / 540.0).abs() < 0.01);
        assert!(p.rotation_deg.abs() < 1e-9);
    }

    #[test]
    fn a_card_tilted_20_degrees_reads_20_degrees() {
        // Project a card rotated 20° about the vertical axis with f = 1371 px (70° across 1920).
        let f = 1920.0 / 2.0 / (35.0f64).to_radians().tan();
        let (w, h) = (85.6, 53.98);
        let z0 = 200.0;
        let th = 20.0f64.to_radians();
        let project = |x: f64, y: f64| {
            let (xr, zr) = (x * th.cos(), z0 + x * th.sin());
            Point::new(960.0 + f * xr / zr, 540.0 + f * y / zr)
        };
        let q = Quad::ordered([
            project(-w / 2.0, -h / 2.0),
            project(w / 2.0, -h / 2.0),
            project(w / 2.0, h / 2.0),
            project(-w / 2.0, h / 2.0),
        ]);
        let p = Pose::estimate(&q, DocumentKind::IdCard, 1920, 1080, 70.0);
        assert!((p.tilt_deg - 20.0).abs() < 0.5, "tilt {}", p.tilt_deg);
        assert!((p.aspect - w / h).abs() < 0.02, "aspect {}", p.aspect);
    }

    #[test]
    fn rotation_is_reported_from_the_nearest_axis() {
        let c = Point::new(500.0, 500.0);
        let rot = |p: Point, deg: f64| {
            let (s, co) = deg.to_radians().sin_cos();
            let d = p.minus(c);
            Point::new(c.x + d.x * co - d.y * s, c.y + d.x * s + d.y * co)
        };
        let r = Quad::rect(300.0, 400.0, 400.0, 250.0);
        let q = Quad::ordered(r.0.map(|p| rot(p, 15.0)));
        assert!((long_edge_rotation_deg(&q) - 15.0).abs() < 1e-6);
        let q = Quad::ordered(r.0.map(|p| rot(p, -30.0)));
        assert!((long_edge_rotation_deg(&q) + 30.0).abs() < 1e-6);
    }
}
