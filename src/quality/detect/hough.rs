//! Hough transform of the working image's edges: which lines have the most edge pixels on them.
//!
//! Each edge pixel votes only for normal angles near its own gradient direction; the strongest
//! distinct local maxima of the accumulator become candidate lines.

use super::super::prepare::Prepared;

/// How many Hough peaks are refitted, at most, to find `MAX_LINES` distinct lines.
const MAX_PEAKS: usize = 64;
/// An edge pixel votes for normal angles within this many degrees (0–89) of its gradient
/// direction.
const VOTE_SPREAD_DEG: i32 = 3;
/// A Hough peak needs at least this many votes (≈ working pixels of edge along it).
const MIN_LINE_VOTES: u16 = 24;
/// A peak within this many degrees (modulo 180°)…
const PEAK_MERGE_ANGLE_DEG: f64 = 3.0;
/// …and this many working pixels of ρ of a stronger one is the same line and is dropped.
const PEAK_MERGE_RHO_PX: f64 = 5.0;

/// Appends to `peaks` the (votes, k, r) of the cells r of accumulator row k that have at least
/// `MIN_LINE_VOTES` votes and are local maxima: not below the cell before, above the cell after,
/// and no cell of the rows above and below (`None` at k = 0 and 179) within one ρ has more.
/// Cells in increasing r.
fn row_peaks(k: usize, [up, row, down]: [Option<&[u16]>; 3], peaks: &mut Vec<(u16, usize, usize)>) {
    let Some(row) = row else {
        return;
    };
    let n = row.len();
    if n < 3 {
        return;
    }
    // Hand-written hot loop: nearly every cell is below `MIN_LINE_VOTES`, and a whole chunk of
    // them is ruled out by one vectorised saturating subtract and OR.
    const CHUNK: usize = 16;
    let below = MIN_LINE_VOTES - 1;
    let mut start = 1;
    while start < n - 1 {
        let end = (start + CHUNK).min(n - 1);
        let any = row[start..end]
            .iter()
            .fold(0, |any, &v| any | v.saturating_sub(below));
        if any != 0 {
            for r in start..end {
                let v = row[r];
                if v < MIN_LINE_VOTES || v < row[r - 1] || v <= row[r + 1] {
                    continue;
                }
                let beaten = [up, down]
                    .into_iter()
                    .flatten()
                    .any(|nb| nb[r - 1] > v || nb[r] > v || nb[r + 1] > v);
                if !beaten {
                    peaks.push((v, k, r));
                }
            }
        }
        start = end;
    }
}

/// The Hough transform's scratch, kept from frame to frame.
#[derive(Default)]
pub(super) struct Hough {
    /// The edge pixels' columns and rows, sorted by gradient direction.
    xs: Vec<f32>,
    ys: Vec<f32>,
    /// run_start[a]: index in `xs`/`ys` of the first edge pixel of direction a (0–179);
    /// run_start[180] = the number of edge pixels.
    run_start: Vec<u32>,
    /// ρ + r0 of one run's votes.
    rho: Vec<u32>,
    /// Three accumulator rows of `n_rho` cells: normal angle k in row k mod 3.
    rows: Vec<u16>,
}

impl Hough {
    /// Hough transform with gradient-directed voting; returns (θ degrees, ρ) of the strongest
    /// distinct peaks.
    ///
    /// Hand-written hot loop, since voting is most of the transform's cost: one accumulator row
    /// (normal angle θ) at a time instead of one edge pixel at a time. The edge pixels are first
    /// sorted by direction, so the pixels voting for θ (direction within `VOTE_SPREAD_DEG`) are one
    /// or two runs of that list, and ρ for a run is a plain loop over `f32` slices that
    /// vectorises. Each vote is one `f32` expression evaluated in a fixed order, so every vote
    /// lands in the same cell whatever the loop order. The peak test needs rows θ − 1, θ and
    /// θ + 1, so three rows are kept instead of all 180.
    pub(super) fn peaks(&mut self, prep: &Prepared) -> Vec<(f64, f64)> {
        let (w, h) = (f64::from(prep.width), f64::from(prep.height));
        let r0 = (w.hypot(h)).ceil() as i32 + 1;
        let n_rho = (2 * r0 + 1) as usize;
        self.sort_edges_by_angle(prep);
        let Hough {
            xs,
            ys,
            run_start,
            rho,
            rows,
        } = self;
        rows.clear();
        rows.resize(3 * n_rho, 0);
        let r0_f = r0 as f32;
        // Votes for normal angle k (0–179) into `row`, which must be zero.
        let mut vote = |k: usize, row: &mut [u16]| {
            let (s, c) = (k as f32).to_radians().sin_cos();
            let spread = VOTE_SPREAD_DEG as usize;
            // Directions k − 3 … k + 3 modulo 180: one run of the sorted list, or two when the
            // window wraps past 0 or 179.
            let (first, second) = if k < spread {
                ((180 + k - spread, 180), (0, k + spread + 1))
            } else if k + spread >= 180 {
                ((k - spread, 180), (0, k + spread + 1 - 180))
            } else {
                ((k - spread, k + spread + 1), (0, 0))
            };
            for (a, b) in [first, second] {
                let (from, to) = (run_start[a] as usize, run_start[b] as usize);
                let (x, y) = (&xs[from..to], &ys[from..to]);
                rho.clear();
                rho.extend(x.iter().zip(y).map(|(&x, &y)| {
                    let v = x * c + y * s + r0_f + 0.5;
                    // ρ + r0 is never negative, so truncating rounds ρ. A plain `as` cast must
                    // saturate, which LLVM does one lane at a time instead of vectorising.
                    // SAFETY: x, y < 2^16 (they were u16), |c|, |s| ≤ 1 and r0 < 2^17, so `v` is
                    // finite and |v| < 2^19: it fits i32 after truncation.
                    unsafe { v.to_int_unchecked::<i32>() as u32 }
                }));
                for &r in rho.iter() {
                    // A cell counts the pixels of one 1-px band across a working image at most
                    // 640 px long: at most ⌈1/sin 45°⌉ = 2 per column or row, 1 280 in all, so
                    // u16 never wraps.
                    if let Some(cell) = row.get_mut(r as usize) {
                        *cell = cell.wrapping_add(1);
                    }
                }
            }
        };
        let mut peaks: Vec<(u16, usize, usize)> = Vec::new();
        // Row k lives in slot k mod 3; rows 0 and 1 first, then row k + 1 before testing row k.
        {
            let (slot0, rest) = rows.split_at_mut(n_rho);
            vote(0, slot0);
            vote(1, &mut rest[..n_rho]);
        }
        for k in 0..180 {
            if k + 1 < 180 {
                let slot = (k + 1) % 3;
                let row = &mut rows[slot * n_rho..(slot + 1) * n_rho];
                if k + 1 >= 2 {
                    // Held row k − 2, no longer needed.
                    row.fill(0);
                    vote(k + 1, row);
                }
            }
            let row_of = |j: usize| &rows[(j % 3) * n_rho..(j % 3 + 1) * n_rho];
            let row = row_of(k);
            let up = (k > 0).then(|| row_of(k - 1));
            let down = (k < 179).then(|| row_of(k + 1));
            row_peaks(k, [up, Some(row), down], &mut peaks);
        }
        peaks.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let mut chosen: Vec<(f64, f64)> = Vec::with_capacity(MAX_PEAKS);
        for (_, k, r) in peaks {
            let theta = k as f64;
            let rho = f64::from(r as i32 - r0);
            let duplicate = chosen.iter().any(|&(t, p)| {
                let d = (theta - t).abs();
                if d <= PEAK_MERGE_ANGLE_DEG {
                    (rho - p).abs() <= PEAK_MERGE_RHO_PX
                } else if d >= 180.0 - PEAK_MERGE_ANGLE_DEG {
                    (rho + p).abs() <= PEAK_MERGE_RHO_PX
                } else {
                    false
                }
            });
            if !duplicate {
                chosen.push((theta, rho));
                if chosen.len() == MAX_PEAKS {
                    break;
                }
            }
        }
        chosen
    }

    /// Sorts the edge pixels by gradient direction into `self` (a counting sort: within a
    /// direction they stay in row order).
    fn sort_edges_by_angle(&mut self, prep: &Prepared) {
        let Hough {
            xs, ys, run_start, ..
        } = self;
        run_start.clear();
        run_start.resize(181, 0);
        for e in &prep.edges {
            // `EdgePoint::angle` is 0–179.
            run_start[usize::from(e.angle.min(179)) + 1] += 1;
        }
        for a in 0..180 {
            run_start[a + 1] += run_start[a];
        }
        let n = prep.edges.len();
        xs.clear();
        xs.resize(n, 0.0);
        ys.clear();
        ys.resize(n, 0.0);
        // Next free place per direction.
        let mut next: [u32; 180] = [0; 180];
        next.copy_from_slice(&run_start[..180]);
        for e in &prep.edges {
            let slot = &mut next[usize::from(e.angle.min(179))];
            let i = *slot as usize;
            *slot += 1;
            xs[i] = f32::from(e.x);
            ys[i] = f32::from(e.y);
        }
    }
}
