//! Raster helpers of the detector's walks along lines: fixed-point positions and the edge mask.
//!
//! Decides nothing about documents: which working pixel a probe lands on (`Fixed`), whether that
//! pixel holds an edge of a given direction (`EdgeMask`), and float-to-integer conversions that
//! avoid libm calls. Exactly equal to the plain formulas they replace (tests below).

use super::super::geometry::Point;
use super::super::prepare::Prepared;

/// An angle in degrees (any value) as whole degrees 0–179.
pub(super) fn whole_degrees(deg: f64) -> i32 {
    (floor_to_i64(deg + 0.5).rem_euclid(180)) as i32
}

// Without SSE4.1 (the x86-64 baseline has no `roundsd`) `f64::floor` and `f64::round` are calls
// into libm, and the detector rounds hundreds of thousands of times per frame. These two give the
// same integers for |v| < 2^52 from one truncating conversion.

/// `v.floor() as i64`, inline.
pub(super) fn floor_to_i64(v: f64) -> i64 {
    let t = v as i64;
    t - i64::from((t as f64) > v)
}

/// `v.round() as i64` (halves away from zero), inline.
pub(super) fn round_to_i64(v: f64) -> i64 {
    let t = v as i64;
    let frac = v - t as f64;
    t + i64::from(frac >= 0.5) - i64::from(frac <= -0.5)
}

/// Nearest pixel to a point, if it is inside a `width` × `height` image. (Adding 0.5 and
/// truncating rounds without a libm call: `f64::round` is not an instruction on baseline x86-64,
/// and this runs in the detector's innermost loops.)
pub(super) fn nearest_pixel(p: Point, width: u32, height: u32) -> Option<(usize, usize)> {
    // Range-check in floating point first so the casts below never saturate (an `as` cast to a
    // 32-bit integer of a value known to be in range is a single instruction).
    let (x, y) = (p.x + 0.5, p.y + 0.5);
    if !(x >= 0.0 && y >= 0.0 && x < f64::from(width) && y < f64::from(height)) {
        return None;
    }
    Some((x as i32 as usize, y as i32 as usize))
}

/// A point of the working image in 16.16 fixed point, offset by half a pixel so that the integer
/// part is the nearest pixel. The detector's walks along lines look up millions of edge pixels per
/// frame; rounding each probe from f64 costs two saturating float→int conversions, stepping in
/// fixed point costs two adds. Over a 1 000-step walk the position drifts by < 0.01 px.
#[derive(Clone, Copy, Debug)]
pub(super) struct Fixed {
    pub(super) x: i64,
    pub(super) y: i64,
}

/// One pixel in `Fixed` units.
const FIXED_ONE: f64 = 65_536.0;

impl Fixed {
    /// The position `p` (pixel centres at integers), rounding to the nearest pixel built in.
    pub(super) fn at(p: Point) -> Fixed {
        Fixed {
            x: floor_to_i64((p.x + 0.5) * FIXED_ONE),
            y: floor_to_i64((p.y + 0.5) * FIXED_ONE),
        }
    }

    /// A displacement `v`, pixels.
    pub(super) fn offset(v: Point) -> Fixed {
        Fixed {
            x: round_to_i64(v.x * FIXED_ONE),
            y: round_to_i64(v.y * FIXED_ONE),
        }
    }

    pub(super) fn plus(self, o: Fixed) -> Fixed {
        Fixed {
            x: self.x + o.x,
            y: self.y + o.y,
        }
    }

    pub(super) fn minus(self, o: Fixed) -> Fixed {
        Fixed {
            x: self.x - o.x,
            y: self.y - o.y,
        }
    }

    pub(super) fn times(self, k: i64) -> Fixed {
        Fixed {
            x: self.x * k,
            y: self.y * k,
        }
    }

    /// The nearest pixel, (column, row); may be negative.
    pub(super) fn pixel(self) -> (i64, i64) {
        (self.x >> 16, self.y >> 16)
    }

    /// The nearest pixel's centre as a point.
    pub(super) fn pixel_point(self) -> Point {
        let (x, y) = self.pixel();
        Point::new(x as f64, y as f64)
    }
}

/// The pixels of the working image that hold an edge whose direction is within a tolerance of
/// one normal angle: what every walk of the detector looks up at each probe.
///
/// Hand-written hot lookup, since every walk of the detector (hidden-side location and fit, line
/// refits, support profiles, `segment_support`) probes it: a 256-entry table of the directions
/// within the tolerance (`NO_EDGE` not among them) replaces the per-probe modular angle test, and
/// one unsigned compare on the column plus the plane's own bounds check (a row above or below the
/// image gives an index outside it) replace four signed compares.
pub(super) struct EdgeMask<'a> {
    /// `Prepared::edge_angle`, at most width × height long.
    angles: &'a [u8],
    width: u64,
    /// within[a] = 1 when direction a (whole degrees 0–179) is within the tolerance, else 0.
    within: [u8; 256],
}

impl<'a> EdgeMask<'a> {
    /// Edges within `tol` degrees (0–89) of `theta` (whole degrees 0–179), modulo 180°.
    pub(super) fn new(prep: &'a Prepared, theta: i32, tol: i32) -> EdgeMask<'a> {
        let n = prep.width as usize * prep.height as usize;
        let angles = &prep.edge_angle[..n.min(prep.edge_angle.len())];
        let mut within = [0u8; 256];
        // |a − θ| ≤ tol or 180 − |a − θ| ≤ tol: a = θ + d modulo 180 with |d| ≤ tol. Edge
        // directions are 0–179 (`gradient_angle_deg`) or `NO_EDGE`, which stays 0.
        for d in -tol.clamp(0, 89)..=tol.clamp(0, 89) {
            within[(theta + d).rem_euclid(180) as usize] = 1;
        }
        EdgeMask {
            angles,
            width: u64::from(prep.width),
            within,
        }
    }

    /// 1 when the pixel nearest `p` holds an edge within the tolerance, else 0 (also outside the
    /// image).
    #[inline]
    pub(super) fn hit(&self, p: Fixed) -> u8 {
        let (x, y) = p.pixel();
        if x as u64 >= self.width {
            return 0;
        }
        // |y| < 2^47 (a 16.16 i64) and width ≤ 640, so y·width + x does not wrap: a row above
        // the image gives a negative index (huge as u64), a row below one past the plane.
        let i = y.wrapping_mul(self.width as i64).wrapping_add(x) as u64;
        usize::try_from(i)
            .ok()
            .and_then(|i| self.angles.get(i))
            .map_or(0, |&a| self.within[usize::from(a)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::detect::fixtures::converging_card;
    use crate::quality::prepare::NO_EDGE;

    /// The per-probe test `EdgeMask` replaced: whether an edge direction (whole degrees 0–179)
    /// is within `tol` degrees of `theta` (0–179), modulo 180°; false for `NO_EDGE`.
    fn angle_within(a: u8, theta: i32, tol: i32) -> bool {
        if a == NO_EDGE {
            return false;
        }
        let d = (i32::from(a) - theta).abs();
        d <= tol || 180 - d <= tol
    }

    #[test]
    fn the_edge_mask_is_the_angle_test_at_every_pixel() {
        let (prep, _) = converging_card(490.0);
        let (w, h) = (i64::from(prep.width), i64::from(prep.height));
        // Every direction and NO_EDGE, and probes inside, beside and far outside the image.
        let mut angles = prep.clone();
        for (i, a) in angles.edge_angle.iter_mut().enumerate() {
            *a = if i % 181 == 180 {
                NO_EDGE
            } else {
                (i % 181) as u8
            };
        }
        for prep in [&prep, &angles] {
            for tol in [10, 12, 20] {
                for theta in 0..180 {
                    let mask = EdgeMask::new(prep, theta, tol);
                    for (x, y) in (-3..w + 3)
                        .step_by(7)
                        .flat_map(|x| (-3..h + 3).step_by(5).map(move |y| (x, y)))
                        .chain([(i64::MIN >> 17, 4), (4, i64::MAX >> 17), (-1, h), (w, -1)])
                    {
                        let p = Fixed {
                            x: x << 16,
                            y: y << 16,
                        };
                        let inside = (0..w).contains(&x) && (0..h).contains(&y);
                        let a = if inside {
                            prep.edge_angle[(y * w + x) as usize]
                        } else {
                            NO_EDGE
                        };
                        assert_eq!(
                            mask.hit(p) != 0,
                            angle_within(a, theta, tol),
                            "({x}, {y}) θ {theta} tol {tol}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn inline_floor_and_round_match_the_library() {
        let values = [
            0.0,
            -0.0,
            0.5,
            -0.5,
            1.5,
            -1.5,
            2.5,
            -2.5,
            0.49,
            -0.49,
            0.51,
            -0.51,
            7.0,
            -7.0,
            1e-300,
            -1e-300,
            123_456.789,
            -123_456.789,
            4.5e12,
            -4.5e12,
            65_535.999_99,
        ];
        for v in values {
            assert_eq!(floor_to_i64(v), v.floor() as i64, "floor {v}");
            assert_eq!(round_to_i64(v), v.round() as i64, "round {v}");
        }
        assert_eq!(floor_to_i64(f64::NAN), 0);
        assert_eq!(whole_degrees(-0.6), 179);
        assert_eq!(whole_degrees(179.6), 0);
    }
}
