//! The document, perspective-corrected to a canonical size, for the photometric checks.
//!
//! Decides the canonical sampling: every document is warped so that its long side is
//! `CANONICAL_LONG_SIDE_PX` pixels (7.5 px/mm for an ID-1 card, 5.1 px/mm for a passport page), so
//! focus, glare and exposure are measured in the document's own millimetres whatever its size in
//! the frame. One bilinear pass gives the luma (BT.601) plane and a mask of the canonical pixels
//! whose source lies inside the frame.

use super::Frame;
use super::geometry::{Homography, Point, Quad};
use super::profile::DocumentKind;
use super::simd::{self, Avx2, Span8};

/// Long side of the rectified document, pixels. 640 keeps the warp near 1 ms on a 1080p frame and
/// still resolves 0.1 mm of blur (0.75 canonical px on an ID-1 card).
pub(crate) const CANONICAL_LONG_SIDE_PX: u32 = 640;

/// A rectified document. Buffers are reused across frames.
#[derive(Default, Clone)]
pub struct Rectified {
    /// Width of the canonical image, pixels.
    pub width: u32,
    /// Height of the canonical image, pixels.
    pub height: u32,
    /// Canonical pixels per millimetre of document.
    pub px_per_mm: f64,
    /// Luma 0–255, row-major `width × height`.
    pub luma: Vec<u8>,
    /// 1 where the source point lies inside the frame, 0 where the document is out of frame.
    pub valid: Vec<u8>,
    /// Number of valid pixels.
    pub(crate) valid_count: usize,
    /// Maps canonical (x, y) to image pixels.
    pub(crate) to_image: Option<Homography>,
    /// Scratch: luma × 256 of the frame under the document's bounding box.
    plane: Vec<u16>,
}

/// The quad's corners in canonical order: starting at the top-left corner when its first side
/// (corner 0 to 1, with 2 to 3) is the longer pair, else one corner on, so that the canonical
/// rectangle's long side always lies along the document's long side. `Rectified::build` maps the
/// canonical rectangle's corners (top-left, clockwise) onto these.
pub fn canonical_corners(quad: &Quad) -> [Point; 4] {
    let c = quad.corners();
    let e0 = c[0].dist(c[1]) + c[2].dist(c[3]);
    let e1 = c[1].dist(c[2]) + c[3].dist(c[0]);
    if e0 >= e1 {
        *c
    } else {
        [c[1], c[2], c[3], c[0]]
    }
}

impl Rectified {
    /// Warps the quad of `frame` to the canonical rectangle of `kind`. The quad's first edge (from
    /// its first to its second corner) becomes the top edge when it is the longer one; otherwise the
    /// quad is taken as upright and its second edge becomes the top.
    pub fn build(
        &mut self,
        frame: &Frame,
        quad: &Quad,
        kind: DocumentKind,
        width: u32,
        height: u32,
    ) {
        self.build_using(frame, quad, kind.size_mm(), (width, height), Avx2::detect());
    }

    /// `build` for a region of `size_mm` (width × height, millimetres) instead of a whole
    /// document: the same long side in pixels, the height in proportion.
    pub fn build_sized(
        &mut self,
        frame: &Frame,
        quad: &Quad,
        size_mm: (f64, f64),
        width: u32,
        height: u32,
    ) {
        self.build_using(frame, quad, size_mm, (width, height), Avx2::detect());
    }

    /// `build`, with the AVX2 kernels only when `simd` is given (tests compare both).
    fn build_using(
        &mut self,
        frame: &Frame,
        quad: &Quad,
        (w_mm, h_mm): (f64, f64),
        (width, height): (u32, u32),
        simd: Option<Avx2>,
    ) {
        let cw = CANONICAL_LONG_SIDE_PX;
        let ch = ((f64::from(cw) * h_mm / w_mm).round() as u32).max(1);
        self.width = cw;
        self.height = ch;
        self.px_per_mm = f64::from(cw) / w_mm;
        let n = (cw * ch) as usize;
        self.valid_count = 0;
        // Zeroed below unless every pixel is about to be written.
        self.luma.resize(n, 0);
        self.valid.resize(n, 0);

        let dst = canonical_corners(quad);
        // Pixel centres: canonical pixel (i, j) covers [i, i+1) so its centre is i + 0.5.
        let src = [
            Point::new(0.0, 0.0),
            Point::new(f64::from(cw), 0.0),
            Point::new(f64::from(cw), f64::from(ch)),
            Point::new(0.0, f64::from(ch)),
        ];
        self.to_image = Homography::from_points(&src, &dst);
        let Some(h) = self.to_image else {
            self.luma.fill(0);
            self.valid.fill(0);
            return;
        };
        let raw = frame.as_raw();
        let (fw, fh) = (width as usize, height as usize);
        if fw < 2 || fh < 2 || raw.len() < fw * 3 * fh {
            self.luma.fill(0);
            self.valid.fill(0);
            return;
        }
        // When every corner lies inside the frame so does the whole document (the quad is
        // convex), and the per-pixel range test can be skipped.
        let (max_x, max_y) = ((fw - 1) as f64, (fh - 1) as f64);
        let inside = dst.iter().all(|p| {
            let (x, y) = (p.x - 0.5, p.y - 0.5);
            x >= 0.0 && y >= 0.0 && x <= max_x && y <= max_y
        });
        // Rows are written whole when the document is inside the frame; otherwise the pixels out
        // of it must read 0 (luma) and 0 (not valid).
        if !inside {
            self.luma.fill(0);
            self.valid.fill(0);
        }
        let rgb = RgbWindow { raw, fw, fh };
        let plane = LumaPlane::build(&rgb, &dst, n, &mut self.plane, simd);
        let rows = (&mut self.luma[..], &mut self.valid[..], cw as usize);
        self.valid_count = match (&plane, inside) {
            (Some(p), true) => warp_rows::<_, true>(p, &h, rows),
            (Some(p), false) => warp_rows::<_, false>(p, &h, rows),
            (None, true) => warp_rows::<_, true>(&rgb, &h, rows),
            (None, false) => warp_rows::<_, false>(&rgb, &h, rows),
        };
    }

    /// Fraction of the canonical document that lies inside the frame, 0–1.
    #[cfg(test)]
    pub(crate) fn valid_fraction(&self) -> f64 {
        let n = (self.width as usize) * (self.height as usize);
        if n == 0 {
            0.0
        } else {
            self.valid_count as f64 / n as f64
        }
    }

    /// Maps a canonical point to image pixels.
    pub(crate) fn to_image_point(&self, p: Point) -> Option<Point> {
        self.to_image.map(|h| h.apply(p))
    }
}

/// Where `warp_row` reads luma from: the frame itself, or a luma plane cut from it.
trait LumaSource {
    /// Frame size, pixels (samples outside it are not valid).
    fn frame_size(&self) -> (usize, usize);
    /// Frame position of the source's pixel (0, 0), and the source's size (at least 2 × 2).
    fn extent(&self) -> (usize, usize, usize, usize);
    /// Luma × 256 (BT.601 weights 77, 150, 29) of source pixels (x, y), (x + 1, y), (x, y + 1)
    /// and (x + 1, y + 1). Callers keep (x, y) inside; past the source's end it reads the last
    /// window rather than fail (no branch in the hot loop).
    fn window(&self, x: usize, y: usize) -> [u32; 4];
    /// `bilinear` of eight samples at a time (`simd::spans8`), the samples of `spans[k]` into
    /// `out[8 k..8 k + 8]`, where this source and the CPU can; bit k of the result says span k
    /// was written (0: none, all left to the scalar loop).
    fn spans8(&self, _spans: &[Span8], _out: &mut [u8]) -> u64 {
        0
    }
    /// Present when `spans8` uses AVX2: `warp_rows` then runs a copy of itself compiled for AVX2
    /// (its position arithmetic vectorised too, `spans8`'s kernel inlined).
    fn avx2(&self) -> Option<Avx2> {
        None
    }
}

/// The frame being sampled: RGB bytes, width and height in pixels.
struct RgbWindow<'a> {
    raw: &'a [u8],
    fw: usize,
    fh: usize,
}

/// Luma × 256 of one RGB pixel: 77 r + 150 g + 29 b ≤ 65 280 fits u16.
fn luma_256(p: &[u8]) -> u16 {
    77 * u16::from(p[0]) + 150 * u16::from(p[1]) + 29 * u16::from(p[2])
}

impl LumaSource for RgbWindow<'_> {
    fn frame_size(&self) -> (usize, usize) {
        (self.fw, self.fh)
    }

    fn extent(&self) -> (usize, usize, usize, usize) {
        (0, 0, self.fw, self.fh)
    }

    fn window(&self, x: usize, y: usize) -> [u32; 4] {
        let stride = self.fw * 3;
        // `build` checked the frame holds fw × fh ≥ 2 × 2 pixels.
        let at = (y * stride + x * 3).min(self.raw.len().saturating_sub(stride + 6));
        let win = &self.raw[at..at + stride + 6];
        let (top, bottom) = (&win[..6], &win[stride..]);
        [top, &top[3..], bottom, &bottom[3..]].map(|p| u32::from(luma_256(p)))
    }
}

/// Bounding-box pixels per canonical pixel up to which the luma of the box is computed first (a
/// plain loop LLVM vectorises) and then sampled, rather than computing four lumas per sample from
/// RGB (several times dearer per sample). Above it (a 12 MP photo's
/// document warped to 640 px) most of the box would never be read.
const PLANE_MAX_PX_PER_SAMPLE: usize = 10;

/// Luma × 256 of the frame under the document's bounding box.
struct LumaPlane<'a> {
    data: &'a [u16],
    /// Present when the CPU has AVX2, for the `simd` kernels.
    simd: Option<Avx2>,
    fw: usize,
    fh: usize,
    x0: usize,
    y0: usize,
    w: usize,
    h: usize,
}

impl<'a> LumaPlane<'a> {
    /// The plane under the quad `corners` (image pixels, inside or partly outside the frame), in
    /// `buffer`; `None` when the box is over `PLANE_MAX_PX_PER_SAMPLE` × `samples` pixels. `simd`:
    /// whether to use the AVX2 kernels (here and when sampling it).
    fn build(
        rgb: &RgbWindow<'_>,
        corners: &[Point; 4],
        samples: usize,
        buffer: &'a mut Vec<u16>,
        simd: Option<Avx2>,
    ) -> Option<LumaPlane<'a>> {
        let (fw, fh) = (rgb.fw, rgb.fh);
        // Sample positions are image coordinates − 0.5; one pixel more each side for the 2 × 2
        // window and for rounding.
        let span = |lo: f64, hi: f64, size: usize| {
            let last = (size - 1) as f64;
            let a = (lo - 1.5).floor().clamp(0.0, last) as usize;
            let b = (hi + 1.5).ceil().clamp(0.0, last) as usize;
            // At least two pixels, inside the frame (size ≥ 2).
            let a = a.min(size - 2);
            (a, b.max(a + 1) - a + 1)
        };
        let xs = corners.iter().map(|p| p.x);
        let ys = corners.iter().map(|p| p.y);
        let (x0, w) = span(
            xs.clone().fold(f64::INFINITY, f64::min),
            xs.fold(f64::NEG_INFINITY, f64::max),
            fw,
        );
        let (y0, h) = span(
            ys.clone().fold(f64::INFINITY, f64::min),
            ys.fold(f64::NEG_INFINITY, f64::max),
            fh,
        );
        if w * h > PLANE_MAX_PX_PER_SAMPLE * samples {
            return None;
        }
        // Every element is written below: no need to clear what the previous frame left.
        buffer.resize(w * h, 0);
        let stride = fw * 3;
        for (y, out) in buffer.chunks_exact_mut(w).enumerate() {
            let start = (y0 + y) * stride + x0 * 3;
            let row = rgb.raw.get(start..start + 3 * w)?;
            let done = simd.map_or(0, |cpu| simd::luma_row(cpu, row, out));
            for (o, p) in out[done..].iter_mut().zip(row[3 * done..].chunks_exact(3)) {
                *o = luma_256(p);
            }
        }
        Some(LumaPlane {
            data: buffer,
            simd,
            fw,
            fh,
            x0,
            y0,
            w,
            h,
        })
    }
}

impl LumaSource for LumaPlane<'_> {
    fn frame_size(&self) -> (usize, usize) {
        (self.fw, self.fh)
    }

    fn extent(&self) -> (usize, usize, usize, usize) {
        (self.x0, self.y0, self.w, self.h)
    }

    fn window(&self, x: usize, y: usize) -> [u32; 4] {
        let w = self.w;
        // The plane is at least 2 × 2 pixels (`build`).
        let at = (y * w + x).min(self.data.len().saturating_sub(w + 2));
        let win = &self.data[at..at + w + 2];
        [win[0], win[1], win[w], win[w + 1]].map(u32::from)
    }

    #[inline(always)]
    fn spans8(&self, spans: &[Span8], out: &mut [u8]) -> u64 {
        self.simd.map_or(0, |cpu| {
            simd::spans8(cpu, self.data, (self.w, self.h), spans, out)
        })
    }

    fn avx2(&self) -> Option<Avx2> {
        self.simd
    }
}

/// Canonical pixels between two exact evaluations of the homography along a row; the sample
/// positions in between are interpolated linearly. The chord strays from the perspective curve
/// by at most Δu²/8 · |x''|, with |x''| = 2 · x' · (relative change of scale per canonical px):
/// 0.006 px for an ID card tilted 10° that fills 80 % of a 1080p frame's width (x' = 1.5), 0.035
/// px at 30° seen at x' = 3 — a local scale error under 1 %, far below what moves the blur
/// estimate.
const ANCHOR_STEP_PX: usize = 8;

/// Segments of a row whose anchors and fixed-point steps `warp_row` computes together.
const SEGMENTS_PER_BATCH: usize = 16;

/// Fixed-point scale of the sample positions: 16 fractional bits.
const FIX_SHIFT: u32 = 16;
const FIX_ONE: f64 = (1u64 << FIX_SHIFT) as f64;

// Hand-written hot loop, since the warp touches every canonical pixel of every frame: a luma plane
// of the document's box (`LumaPlane`) sampled bilinearly, the homography evaluated only every
// `ANCHOR_STEP_PX` and the positions stepped in 16.16 fixed point in between (the 8-bit bilinear
// weights are the position's bits 8–15), and a window read that cannot fail (with an `Option` in
// the loop LLVM spends a third of it moving registers around). On AVX2 machines the spans run in
// `simd` (gathers, byte shuffles), also where the document runs off the frame, the row compiled
// for AVX2 with its anchors and fixed-point steps computed a batch at a time (vectorised) and the
// batch's spans handed to one `simd::spans8` call. Numbers: docs/PERFORMANCE.md.
/// Warps every canonical row through `h` (canonical → image) into `luma` and `valid` (`width`
/// pixels a row); returns how many pixels were inside the frame. `INSIDE`: every sample is known
/// to be inside the frame, and every pixel is written; otherwise both planes must come zeroed and
/// only the pixels inside the frame are written.
fn warp_rows<S: LumaSource, const INSIDE: bool>(
    source: &S,
    h: &Homography,
    rows: (&mut [u8], &mut [u8], usize),
) -> usize {
    #[cfg(target_arch = "x86_64")]
    if let Some(cpu) = source.avx2() {
        return warp_rows_avx2::<S, INSIDE>(cpu, source, h, rows);
    }
    warp_rows_body::<S, INSIDE>(source, h, rows)
}

/// `warp_rows_body` compiled for AVX2: each batch's position arithmetic runs four lanes wide (a
/// baseline build has no vector f64 → integer conversion and calls libm for `trunc`), and
/// `simd::spans8`'s kernel is inlined into the rows' loop.
#[cfg(target_arch = "x86_64")]
fn warp_rows_avx2<S: LumaSource, const INSIDE: bool>(
    _cpu: Avx2,
    source: &S,
    h: &Homography,
    rows: (&mut [u8], &mut [u8], usize),
) -> usize {
    #[target_feature(enable = "avx2")]
    fn compiled<S: LumaSource, const INSIDE: bool>(
        source: &S,
        h: &Homography,
        rows: (&mut [u8], &mut [u8], usize),
    ) -> usize {
        warp_rows_body::<S, INSIDE>(source, h, rows)
    }
    // SAFETY: an `Avx2` exists only on a CPU that has AVX2.
    unsafe { compiled::<S, INSIDE>(source, h, rows) }
}

/// `warp_rows`' work, inlined whole into each build.
#[inline(always)]
fn warp_rows_body<S: LumaSource, const INSIDE: bool>(
    source: &S,
    h: &Homography,
    (luma, valid, width): (&mut [u8], &mut [u8], usize),
) -> usize {
    if width == 0 {
        return 0;
    }
    // A plain loop: a closure here would be compiled without the caller's AVX2.
    let mut count = 0;
    let rows = luma
        .chunks_exact_mut(width)
        .zip(valid.chunks_exact_mut(width));
    for (j, (luma_row, valid_row)) in rows.enumerate() {
        count += warp_row::<S, INSIDE>(source, h, j, luma_row, valid_row);
    }
    count
}

/// Canonical row `j` of `warp_rows`, into `luma_row` and `valid_row`; returns how many of its
/// pixels were inside the frame.
#[inline(always)]
fn warp_row<S: LumaSource, const INSIDE: bool>(
    source: &S,
    h: &Homography,
    j: usize,
    luma_row: &mut [u8],
    valid_row: &mut [u8],
) -> usize {
    let h = h.0;
    let (fw, fh) = source.frame_size();
    let (ox, oy, sw, sh) = source.extent();
    let fix = |px: usize| (px as i64) << FIX_SHIFT;
    // Sample positions are relative to the source's origin, with pixel centres at integers. In
    // the frame: 0 ≤ position + origin ≤ size − 1. The 2 × 2 window must stay in the source: a
    // sample on its last column or row is taken 1/256 px before it.
    let limits = SampleLimits {
        lo_x: -fix(ox),
        hi_x: fix(fw - 1) - fix(ox),
        lo_y: -fix(oy),
        hi_y: fix(fh - 1) - fix(oy),
        last_x: fix(sw - 1) - 256,
        last_y: fix(sh - 1) - 256,
    };
    let v = j as f64 + 0.5;
    let (bx, by, bd) = (h[1] * v + h[2], h[4] * v + h[5], h[7] * v + h[8]);
    let (ox, oy) = (ox as f64 + 0.5, oy as f64 + 0.5);
    // Position of canonical column centre u, image pixels relative to the source.
    let at = |u: f64| {
        let den = h[6] * u + bd;
        let den = if den.abs() < 1e-12 { 1e-12 } else { den };
        ((h[0] * u + bx) / den - ox, (h[3] * u + by) / den - oy)
    };
    let n = luma_row.len().min(valid_row.len());
    let mut count = 0usize;
    let segments = n.div_ceil(ANCHOR_STEP_PX);
    let mut first = 0;
    while first < segments {
        let batch = (segments - first).min(SEGMENTS_PER_BATCH);
        // The batch's anchors, column centres min(k · step, n) + 0.5 for k = first ..= first +
        // batch, then each segment's start and step in fixed point: flat loops over arrays,
        // which the AVX2 build vectorises (the divisions four at a time).
        let (mut ax, mut ay) = (
            [0.0f64; SEGMENTS_PER_BATCH + 1],
            [0.0f64; SEGMENTS_PER_BATCH + 1],
        );
        for (k, (x, y)) in ax.iter_mut().zip(ay.iter_mut()).enumerate().take(batch + 1) {
            (*x, *y) = at(((first + k) * ANCHOR_STEP_PX).min(n) as f64 + 0.5);
        }
        let mut spans = [Span8 {
            x: 0,
            dx: 0,
            y: 0,
            dy: 0,
        }; SEGMENTS_PER_BATCH];
        for (k, span) in spans.iter_mut().enumerate().take(batch) {
            let start = (first + k) * ANCHOR_STEP_PX;
            let len = ((start + ANCHOR_STEP_PX).min(n) - start) as f64;
            *span = Span8 {
                x: to_fix(ax[k]),
                dx: to_fix((ax[k + 1] - ax[k]) / len),
                y: to_fix(ay[k]),
                dy: to_fix((ay[k + 1] - ay[k]) / len),
            };
        }
        // Eight samples at once, for the spans whose samples all lie where their 2 × 2 window is
        // in the source. That test admits positions up to 1/256 px past `last_x`, whose bilinear
        // weights are those of `last_x`: the same luma as the clamped loop below gives them.
        let (batch_start, batch_end) = (
            first * ANCHOR_STEP_PX,
            ((first + batch) * ANCHOR_STEP_PX).min(n),
        );
        let done = source.spans8(&spans[..batch], &mut luma_row[batch_start..batch_end]);
        for (k, &span) in spans.iter().enumerate().take(batch) {
            let start = (first + k) * ANCHOR_STEP_PX;
            let end = (start + ANCHOR_STEP_PX).min(n);
            if done & (1 << k) != 0 {
                if !INSIDE {
                    valid_row[start..end].fill(1);
                    count += end - start;
                }
                continue;
            }
            count += warp_segment::<S, INSIDE>(
                source,
                span,
                &limits,
                &mut luma_row[start..end],
                &mut valid_row[start..end],
            );
        }
        first += batch;
    }
    if INSIDE {
        valid_row[..n].fill(1);
        n
    } else {
        count
    }
}

/// Where a sample may be taken, 16.16 fixed point relative to the source: inside the frame from
/// `lo` to `hi`, and with its 2 × 2 window inside the source up to `last`.
struct SampleLimits {
    lo_x: i64,
    hi_x: i64,
    lo_y: i64,
    hi_y: i64,
    last_x: i64,
    last_y: i64,
}

/// One segment of a row that `spans8` did not take, sample by sample: without clamping when the
/// whole segment lies in the source, else clamped to it and (unless `INSIDE`) marked valid only
/// where inside the frame. Returns how many samples were marked valid (0 when `INSIDE`: the caller
/// fills the whole row).
#[inline(always)]
fn warp_segment<S: LumaSource, const INSIDE: bool>(
    source: &S,
    span: Span8,
    limits: &SampleLimits,
    luma: &mut [u8],
    valid: &mut [u8],
) -> usize {
    let SampleLimits {
        lo_x,
        hi_x,
        lo_y,
        hi_y,
        last_x,
        last_y,
    } = *limits;
    let Span8 {
        mut x,
        dx,
        mut y,
        dy,
    } = span;
    let len = luma.len().min(valid.len());
    let Some(steps) = len.checked_sub(1) else {
        return 0;
    };
    let last = |p: i64, d: i64| p + d * steps as i64;
    let (x_end, y_end) = (last(x, dx), last(y, dy));
    let fits = |p: i64, q: i64, hi: i64| p.min(q) >= 0 && p.max(q) <= hi;
    if fits(x, x_end, last_x) && fits(y, y_end, last_y) {
        // The segment's first and last samples are in the source, so all of them are (the
        // positions are linear): no clamping, and every sample is in the frame.
        for l_out in &mut luma[..len] {
            *l_out = bilinear(source, x, y);
            x += dx;
            y += dy;
        }
        if INSIDE {
            return 0;
        }
        valid[..len].fill(1);
        return len;
    }
    if INSIDE {
        for l_out in &mut luma[..len] {
            *l_out = bilinear(source, x.clamp(0, last_x), y.clamp(0, last_y));
            x += dx;
            y += dy;
        }
        return 0;
    }
    let mut count = 0;
    for (l_out, v_out) in luma[..len].iter_mut().zip(&mut valid[..len]) {
        let (sx, sy) = (x, y);
        x += dx;
        y += dy;
        if sx < lo_x || sx > hi_x || sy < lo_y || sy > hi_y {
            continue;
        }
        *l_out = bilinear(source, sx.clamp(0, last_x), sy.clamp(0, last_y));
        *v_out = 1;
        count += 1;
    }
    count
}

/// A sample position, image pixels relative to the source, in 16.16 fixed point: held within
/// ±10^9 px, so that a wild position (a quad corner far outside the frame) stays a harmless
/// far-away value whose steps cannot overflow; NaN gives 0. The same integer as
/// `(p.clamp(-1e9, 1e9) * FIX_ONE) as i64`, computed without the saturating conversion (which
/// x86-64 has no vector instruction for) so that `warp_row`'s loops vectorise.
#[inline(always)]
fn to_fix(p: f64) -> i64 {
    // 1.5 · 2^52: added to an integer-valued f64 of magnitude below 2^51 (here ≤ 6.6 · 10^13),
    // it leaves that integer in the low bits of the sum's mantissa, exactly.
    const MAGIC: f64 = 6_755_399_441_055_744.0;
    let whole = (p.clamp(-1e9, 1e9) * FIX_ONE).trunc();
    let fixed = (whole + MAGIC).to_bits() as i64 - MAGIC.to_bits() as i64;
    if p.is_nan() { 0 } else { fixed }
}

/// Bilinear luma 0–255 at the 16.16 fixed-point source position (x, y), which the caller keeps
/// between 0 and the last position whose 2 × 2 window lies in the source.
#[inline(always)]
fn bilinear<S: LumaSource>(source: &S, x: i64, y: i64) -> u8 {
    let (fx, fy) = ((x >> 8) & 255, (y >> 8) & 255);
    let [tl, tr, bl, br] = source
        .window((x >> FIX_SHIFT) as usize, (y >> FIX_SHIFT) as usize)
        .map(i64::from);
    // Interpolated across then down, luma × 2^16 then × 2^24, rounded; ≤ 255 because every
    // weight pair sums to 256.
    let t = (tl << 8) + (tr - tl) * fx;
    let b = (bl << 8) + (br - bl) * fx;
    (((t << 8) + (b - t) * fy + (1 << 23)) >> 24) as u8
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    #[test]
    fn fixed_point_positions_match_the_saturating_conversion() {
        let reference = |p: f64| (p.clamp(-1e9, 1e9) * FIX_ONE) as i64;
        let mut values = vec![
            0.0,
            -0.0,
            0.5,
            -0.5,
            1.0 / 65_536.0,
            -1.0 / 65_536.0,
            0.999_999_999,
            -0.999_999_999,
            1e9,
            -1e9,
            1e9 + 1.0,
            -2e12,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            f64::MIN_POSITIVE,
        ];
        let mut v = 1.7e-7f64;
        while v < 2e9 {
            values.extend([v, -v, v + 0.3, -(v + 0.3)]);
            v *= 1.37;
        }
        for p in values {
            assert_eq!(to_fix(p), reference(p), "{p}");
        }
    }

    #[test]
    fn the_simd_kernels_warp_exactly_as_the_scalar_loop() {
        let Some(cpu) = Avx2::detect() else {
            eprintln!("no AVX2 on this CPU: nothing to compare");
            return;
        };
        // A textured frame (every pixel different) and quads wholly inside it, tilted, partly
        // outside on two sides, and reaching its last row and column.
        let (w, h) = (900u32, 600u32);
        let img = RgbImage::from_fn(w, h, |x, y| {
            Rgb([
                (x * 7 + y * 3) as u8,
                (x * x / 5 + y * 11) as u8,
                ((x ^ y) * 5) as u8,
            ])
        });
        let quads = [
            Quad::rect(100.5, 50.25, 640.0, 404.0),
            Quad([
                Point::new(130.0, 90.0),
                Point::new(760.0, 40.0),
                Point::new(820.0, 470.0),
                Point::new(95.0, 540.0),
            ]),
            Quad([
                Point::new(-120.0, -40.0),
                Point::new(600.0, -10.0),
                Point::new(640.0, 430.0),
                Point::new(-90.0, 400.0),
            ]),
            Quad::rect(300.0, 200.0, 600.0, 400.0),
        ];
        for quad in quads {
            let (mut simd, mut scalar) = (Rectified::default(), Rectified::default());
            simd.build_using(
                &img,
                &quad,
                DocumentKind::IdCard.size_mm(),
                (w, h),
                Some(cpu),
            );
            scalar.build_using(&img, &quad, DocumentKind::IdCard.size_mm(), (w, h), None);
            assert!(simd.valid_count > 0, "{quad:?}");
            assert_eq!(simd.valid_count, scalar.valid_count, "{quad:?}");
            assert!(simd.valid == scalar.valid, "{quad:?}: valid masks differ");
            assert!(simd.luma == scalar.luma, "{quad:?}: luma differs");
        }
    }

    #[test]
    fn an_axis_aligned_card_is_copied_pixel_for_pixel() {
        // A 640 × 404 card drawn at (100, 50) in a 900 × 600 frame, left half dark, right half light.
        let mut img = RgbImage::from_pixel(900, 600, Rgb([0, 0, 255]));
        for y in 50..454 {
            for x in 100..740 {
                let v = if x < 420 { 40 } else { 200 };
                img.put_pixel(x, y, Rgb([v, v, v]));
            }
        }
        let quad = Quad::rect(100.0, 50.0, 640.0, 404.0);
        let mut r = Rectified::default();
        r.build(&img, &quad, DocumentKind::IdCard, 900, 600);
        assert_eq!((r.width, r.height), (640, 404));
        assert_eq!(r.valid_count, 640 * 404);
        assert_eq!(r.luma[(200 * 640 + 10) as usize], 40);
        assert_eq!(r.luma[(200 * 640 + 630) as usize], 200);
    }

    #[test]
    fn the_part_outside_the_frame_is_masked() {
        let img = RgbImage::from_pixel(400, 300, Rgb([128, 128, 128]));
        // The left half of the card hangs off the frame.
        let quad = Quad::rect(-200.0, 50.0, 400.0, 252.0);
        let mut r = Rectified::default();
        r.build(&img, &quad, DocumentKind::IdCard, 400, 300);
        let f = r.valid_fraction();
        assert!((f - 0.49).abs() < 0.03, "valid fraction {f}");
    }

    #[test]
    fn a_quad_far_outside_the_frame_is_masked_without_overflow() {
        // Corners millions of pixels away (an extrapolated side gone wild) and a quad whose
        // perspective makes positions blow up near its far side: every step of the fixed-point
        // walk must stay finite (debug builds check overflow).
        let img = RgbImage::from_pixel(400, 300, Rgb([128, 128, 128]));
        let far = Quad::rect(1e7, 1e7, 4e6, 2.5e6);
        let steep = Quad([
            Point::new(199.0, 100.0),
            Point::new(201.0, 100.0),
            Point::new(5e8, 290.0),
            Point::new(-5e8, 290.0),
        ]);
        let mut r = Rectified::default();
        r.build(&img, &steep, DocumentKind::IdCard, 400, 300);
        assert_eq!(r.valid.iter().filter(|&&v| v != 0).count(), r.valid_count);
        assert!(r.valid_count > 0 && r.valid_fraction() < 1.0);
        // Nothing of the previous frame's document is left behind.
        r.build(&img, &far, DocumentKind::IdCard, 400, 300);
        assert_eq!(r.valid_count, 0);
        assert!(r.luma.iter().chain(&r.valid).all(|&v| v == 0));
    }

    #[test]
    fn a_document_much_larger_than_the_canonical_size_is_sampled_from_rgb() {
        // A 12 MP-class photo: the document's box (3 400 × 2 144 px) is over
        // `PLANE_MAX_PX_PER_SAMPLE` canonical pixels per sample, so no luma plane is built.
        let (w, h) = (3600u32, 2400u32);
        let img = RgbImage::from_fn(w, h, |x, _| {
            if x < 1800 {
                Rgb([200, 40, 10])
            } else {
                Rgb([10, 90, 240])
            }
        });
        let (box_w, box_h) = (3400usize, 2144usize);
        let quad = Quad::rect(100.0, 100.0, box_w as f64, box_h as f64);
        let mut r = Rectified::default();
        r.build(&img, &quad, DocumentKind::IdCard, w, h);
        assert!(box_w * box_h > PLANE_MAX_PX_PER_SAMPLE * (r.width * r.height) as usize);
        assert_eq!(r.valid_count, (r.width * r.height) as usize);
        let luma =
            |[red, green, blue]: [u32; 3]| ((77 * red + 150 * green + 29 * blue + 128) >> 8) as u8;
        let row = 200 * r.width as usize;
        assert_eq!(r.luma[row + 20], luma([200, 40, 10]));
        assert_eq!(r.luma[row + 620], luma([10, 90, 240]));
    }
}
