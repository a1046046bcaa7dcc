//! The rectified document's luma histograms, built once per frame for the checks that read them.
//!
//! Decides nothing about quality: it counts the luma (0–255) of the document's valid pixels over
//! a grid of `GRID_ROWS` × `GRID_COLS` cells (the cells `exposure` compares for uneven light) and
//! in total (what `exposure` takes its percentiles from and `glare` its paper white and clipped
//! count). Both checks used to count the same pixels themselves; one pass serves both.

use super::rectify::Rectified;

/// Rows of the grid over the (landscape) document.
pub(crate) const GRID_ROWS: usize = 3;
/// Columns of the grid over the document.
pub(crate) const GRID_COLS: usize = 4;
/// Cells of the grid, row by row.
pub(crate) const GRID_CELLS: usize = GRID_ROWS * GRID_COLS;

/// A 256-bin luma histogram: `h[v]` pixels of luma `v`.
pub(crate) type Histogram = [u32; 256];

/// Luma histograms of the valid pixels of a rectified document.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct LumaHistograms {
    /// One histogram per grid cell, row by row: cell (r, c) covers the rows y with
    /// `y·ROWS/h = r` and the columns `c·w/COLS .. (c+1)·w/COLS` (integer division).
    pub(crate) cells: [Histogram; GRID_CELLS],
    /// The whole document: the sum of the cells.
    pub(crate) total: Histogram,
    /// Pixels in the document, valid or not (width × height).
    pub(crate) area: usize,
}

impl LumaHistograms {
    /// Counts the valid pixels of `doc`. A document with no pixels gives empty histograms.
    pub(crate) fn of(doc: &Rectified) -> LumaHistograms {
        let mut out = LumaHistograms {
            cells: [[0; 256]; GRID_CELLS],
            total: [0; 256],
            area: 0,
        };
        let (w, h) = (doc.width as usize, doc.height as usize);
        let n = w * h;
        if n == 0 || doc.luma.len() < n || doc.valid.len() < n {
            return out;
        }
        out.area = n;
        // Hand-written hot loop: a document's paper puts most pixels in a few bins, and a single
        // counter bumped by consecutive pixels waits on its own previous store; so each cell of
        // the current band of rows counts into two interleaved partial histograms (8 KB for the
        // band's four cells, in L1), folded into the cells when the band ends. Rows wholly in
        // frame (every row, unless the document runs off the frame) skip the valid test.
        let mut band = [[[0u32; 256]; 2]; GRID_COLS];
        for grid_row in 0..GRID_ROWS {
            // The rows y with y · ROWS / h = grid_row.
            let (y0, y1) = (
                (grid_row * h).div_ceil(GRID_ROWS),
                ((grid_row + 1) * h).div_ceil(GRID_ROWS),
            );
            for y in y0..y1 {
                let luma = &doc.luma[y * w..(y + 1) * w];
                let valid = &doc.valid[y * w..(y + 1) * w];
                let whole_row = !valid.contains(&0);
                for (col, parts) in band.iter_mut().enumerate() {
                    let span = col * w / GRID_COLS..(col + 1) * w / GRID_COLS;
                    let [even, odd] = parts;
                    count_span(&luma[span.clone()], &valid[span], whole_row, even, odd);
                }
            }
            for (col, parts) in band.iter_mut().enumerate() {
                let cell = &mut out.cells[grid_row * GRID_COLS + col];
                for (bin, c) in cell.iter_mut().enumerate() {
                    *c = parts[0][bin] + parts[1][bin];
                }
                *parts = [[0; 256]; 2];
            }
        }
        for cell in &out.cells {
            for (t, c) in out.total.iter_mut().zip(cell) {
                *t += c;
            }
        }
        out
    }

    /// Pixels in one grid cell, valid or not, on average (area / cells).
    pub(crate) fn cell_area(&self) -> f64 {
        self.area as f64 / GRID_CELLS as f64
    }
}

/// Adds the luma of `luma`'s valid pixels (every one when `all_valid`) to two partial
/// histograms, alternating pixel by pixel.
#[inline(always)]
fn count_span(
    luma: &[u8],
    valid: &[u8],
    all_valid: bool,
    even: &mut Histogram,
    odd: &mut Histogram,
) {
    let pairs = luma.chunks_exact(2);
    let rest = pairs.remainder();
    if all_valid {
        for p in pairs {
            even[usize::from(p[0])] += 1;
            odd[usize::from(p[1])] += 1;
        }
        for &l in rest {
            even[usize::from(l)] += 1;
        }
    } else {
        for (p, v) in pairs.zip(valid.chunks_exact(2)) {
            even[usize::from(p[0])] += u32::from(v[0] != 0);
            odd[usize::from(p[1])] += u32::from(v[1] != 0);
        }
        for (&l, &v) in rest.iter().zip(valid.chunks_exact(2).remainder()) {
            even[usize::from(l)] += u32::from(v != 0);
        }
    }
}

/// The value at fraction `p` (0–1) of a 256-bin histogram: the least level with at least
/// ⌈p · total⌉ (and at least one) pixels at or below it; 255 for an empty histogram.
pub(crate) fn percentile(hist: &Histogram, p: f64) -> u8 {
    let total: u64 = hist.iter().map(|&c| u64::from(c)).sum();
    let target = ((total as f64) * p).ceil().max(1.0) as u64;
    let mut seen = 0u64;
    for (v, &c) in hist.iter().enumerate() {
        seen += u64::from(c);
        if seen >= target {
            return v as u8;
        }
    }
    255
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::test_card::card;

    /// The histograms counted one pixel at a time.
    fn naive(doc: &Rectified) -> LumaHistograms {
        let (w, h) = (doc.width as usize, doc.height as usize);
        let mut out = LumaHistograms {
            cells: [[0; 256]; GRID_CELLS],
            total: [0; 256],
            area: w * h,
        };
        for y in 0..h {
            for x in 0..w {
                let i = y * w + x;
                if doc.valid[i] != 0 {
                    let col = (0..GRID_COLS)
                        .find(|c| x < (c + 1) * w / GRID_COLS)
                        .unwrap_or(GRID_COLS - 1);
                    let cell = (y * GRID_ROWS / h) * GRID_COLS + col;
                    out.cells[cell][usize::from(doc.luma[i])] += 1;
                    out.total[usize::from(doc.luma[i])] += 1;
                }
            }
        }
        out
    }

    #[test]
    fn every_valid_pixel_is_counted_once_in_its_cell() {
        // Odd sizes so the cells are uneven and rows have an odd pixel left over; part of the
        // document out of frame (valid 0) in a ragged pattern.
        let mut doc = card();
        doc.width = 641;
        doc.height = 403;
        let n = 641 * 403;
        doc.luma = (0..n as u32).map(|i| (i * 7 + i / 641) as u8).collect();
        doc.valid = (0..n as u32)
            .map(|i| u8::from(i % 641 > 100 + i / 641 % 7 || i / 641 > 300))
            .collect();
        assert_eq!(LumaHistograms::of(&doc), naive(&doc));
        doc.valid.iter_mut().for_each(|v| *v = 1);
        assert_eq!(LumaHistograms::of(&doc), naive(&doc));
        let total: u32 = LumaHistograms::of(&doc).total.iter().sum();
        assert_eq!(total as usize, n);
    }

    #[test]
    fn percentiles_of_a_known_histogram() {
        let mut hist = [0u32; 256];
        hist[10] = 50;
        hist[200] = 50;
        assert_eq!(percentile(&hist, 0.5), 10);
        assert_eq!(percentile(&hist, 0.51), 200);
        assert_eq!(percentile(&hist, 0.0), 10);
        assert_eq!(percentile(&[0; 256], 0.5), 255);
    }
}
