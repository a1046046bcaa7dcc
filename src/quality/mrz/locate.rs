//! Where the text lines are: dark ink on a light background, long rows near the bottom.
//!
//! Decides which pixels are ink (darker than their neighbourhood by a margin), which rows belong
//! to a long text line (ink bridged across small gaps covers most of the width), and each line's
//! vertical extent and horizontal ink span. Grouping lines into an MRZ is the caller's job.

/// Part of the plane searched for MRZ lines, from the bottom, as a fraction 0–1 of its height.
/// Every layout prints the MRZ in the bottom 45 % of the document (TD1: the last 17.8 of 54 mm).
pub(crate) const SEARCH_FRACTION: f64 = 0.6;

/// A pixel is ink when it is darker than the mean of its neighbourhood by at least this
/// percentage (0–100) of that mean …
const INK_CONTRAST_PERCENT: u32 = 12;
/// … and by at least this many grey levels (0–255), so flat noise is not ink.
const INK_MIN_LEVELS: u32 = 10;

/// A row is the core of a text line when bridged ink covers at least this fraction 0–1 of the
/// width; an MRZ line spans about 90 % of its document.
const CORE_COVER: f32 = 0.55;
/// A line extends up and down over rows whose cover is at least this fraction 0–1 (a name line
/// is mostly fillers, whose ink sits at mid-height only).
const EDGE_COVER: f32 = 0.12;
/// A line's ink span must reach this fraction 0–1 of the width.
const MIN_SPAN: f64 = 0.6;

/// One text line found: rows `top..bottom`, ink from column `left` to `right` (inclusive).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct TextLine {
    pub(crate) top: usize,
    pub(crate) bottom: usize,
    pub(crate) left: usize,
    pub(crate) right: usize,
}

impl TextLine {
    pub(crate) fn height(&self) -> usize {
        self.bottom - self.top
    }

    pub(crate) fn centre(&self) -> f64 {
        (self.top + self.bottom) as f64 / 2.0
    }
}

/// A luma plane and the ink map the locator computed on it. Buffers are reused.
#[derive(Default, Clone)]
pub(crate) struct InkMap {
    pub(crate) width: usize,
    pub(crate) height: usize,
    /// First row searched; rows above it are not in `ink`.
    pub(crate) top: usize,
    /// 1 where the pixel is ink, row-major over rows `top..height`.
    pub(crate) ink: Vec<u8>,
    integral: Vec<u32>,
    cover: Vec<f32>,
}

impl InkMap {
    /// Whether (x, y) is ink; false outside the searched rows.
    pub(crate) fn is_ink(&self, x: usize, y: usize) -> bool {
        if y < self.top || x >= self.width {
            return false;
        }
        self.ink
            .get((y - self.top) * self.width + x)
            .is_some_and(|&v| v != 0)
    }

    /// Whether column `x` has ink just above and just below rows `top..bottom` (plane rows): an
    /// edge or rule crossing the line, not a character.
    pub(crate) fn crosses(&self, x: usize, top: usize, bottom: usize) -> bool {
        let above = (top.saturating_sub(3)..top).any(|y| self.is_ink(x, y));
        let below = (bottom..bottom + 3).any(|y| self.is_ink(x, y));
        above && below
    }

    /// Marks ink in the bottom `SEARCH_FRACTION` of `luma` (`width × height`, row-major).
    pub(crate) fn build(&mut self, luma: &[u8], width: usize, height: usize) {
        self.width = width;
        self.height = height;
        self.top = ((height as f64) * (1.0 - SEARCH_FRACTION)) as usize;
        let rows = height.saturating_sub(self.top);
        self.ink.clear();
        self.ink.resize(width * rows, 0);
        if width < 8 || rows < 8 || luma.len() < width * height {
            return;
        }
        // Integral image of the searched rows, with a zero first row and column.
        let iw = width + 1;
        self.integral.clear();
        self.integral.resize(iw * (rows + 1), 0);
        for y in 0..rows {
            let src = &luma[(self.top + y) * width..(self.top + y + 1) * width];
            let mut run = 0u32;
            let (above, below) = self.integral.split_at_mut((y + 1) * iw);
            let prev = &above[y * iw + 1..(y + 1) * iw];
            let cur = &mut below[1..iw];
            for ((c, &p), &v) in cur.iter_mut().zip(prev).zip(src) {
                run += u32::from(v);
                *c = p + run;
            }
        }
        // The neighbourhood is about two character heights across.
        let r = (width / 48).max(3);
        // Columns whose window lies inside the plane (the rest are clipped at its sides).
        let start = r.min(width);
        let (d, inner) = (2 * r + 1, start..width.saturating_sub(r).max(start));
        for y in 0..rows {
            let y0 = y.saturating_sub(r);
            let y1 = (y + r + 1).min(rows);
            let src = &luma[(self.top + y) * width..(self.top + y + 1) * width];
            let out = &mut self.ink[y * width..(y + 1) * width];
            let above = &self.integral[y0 * iw..(y0 + 1) * iw];
            let below = &self.integral[y1 * iw..(y1 + 1) * iw];
            let is_ink = |v: u8, sum: u32, area: u32| {
                let margin = sum * INK_CONTRAST_PERCENT / 100;
                let margin = margin.max(INK_MIN_LEVELS * area);
                u8::from(u32::from(v) * area + margin < sum)
            };
            for x in (0..inner.start).chain(inner.end..width) {
                let x0 = x.saturating_sub(r);
                let x1 = (x + r + 1).min(width);
                let sum = below[x1] + above[x0] - above[x1] - below[x0];
                out[x] = is_ink(src[x], sum, ((x1 - x0) * (y1 - y0)) as u32);
            }
            // Inside, the window is `d` columns wide: zipped slices, no clipping, no bounds
            // checks (most of the plane's pixels).
            let area = (d * (y1 - y0)) as u32;
            let windows = above
                .iter()
                .zip(&above[d..])
                .zip(below.iter().zip(&below[d..]));
            let pixels = out[inner.clone()].iter_mut().zip(&src[inner.clone()]);
            for ((o, &v), ((&a0, &a1), (&b0, &b1))) in pixels.zip(windows) {
                *o = is_ink(v, b1 + a0 - a1 - b0, area);
            }
        }
    }

    /// The long text lines in the searched rows, top to bottom.
    pub(crate) fn lines(&mut self) -> Vec<TextLine> {
        let (w, rows) = (self.width, self.height.saturating_sub(self.top));
        if w < 8 || rows < 8 {
            return Vec::new();
        }
        // Ink within this many pixels bridges (about one character pitch of TD3).
        let gap = (w / 45).max(3);
        self.cover.clear();
        for y in 0..rows {
            let row = &self.ink[y * w..(y + 1) * w];
            let mut covered = 0usize;
            let mut last: Option<usize> = None;
            for (x, &v) in row.iter().enumerate() {
                if v == 0 {
                    continue;
                }
                covered += match last {
                    Some(l) if x - l <= gap => x - l,
                    _ => 1,
                };
                last = Some(x);
            }
            self.cover.push(covered as f32 / w as f32);
        }
        let mut lines: Vec<TextLine> = Vec::new();
        let mut y = 0;
        while y < rows {
            if self.cover[y] < CORE_COVER {
                y += 1;
                continue;
            }
            let mut top = y;
            while top > 0 && self.cover[top - 1] >= EDGE_COVER {
                top -= 1;
            }
            let mut bottom = y + 1;
            while bottom < rows && self.cover[bottom] >= EDGE_COVER {
                bottom += 1;
            }
            y = bottom;
            if let Some((left, right)) = self.span(top, bottom, gap, w / 15) {
                lines.push(TextLine {
                    top: top + self.top,
                    bottom: bottom + self.top,
                    left,
                    right,
                });
            }
        }
        lines
    }

    /// The ink span of rows `top..bottom`: from the first to the last run of ink columns (gaps up
    /// to `gap` bridged) at least `min_run` long, so specks and edges beside the line and a
    /// reflection across it do not move its ends; `None` unless the runs cover `MIN_SPAN` of the
    /// width.
    fn span(
        &self,
        top: usize,
        bottom: usize,
        gap: usize,
        min_run: usize,
    ) -> Option<(usize, usize)> {
        let w = self.width;
        let mut runs: Vec<(usize, usize)> = Vec::new();
        let mut run: Option<(usize, usize)> = None;
        for x in 0..w {
            let inked = (top..bottom).any(|y| self.ink.get(y * w + x).is_some_and(|&v| v != 0));
            if !inked || self.crosses(x, top + self.top, bottom + self.top) {
                continue;
            }
            run = match run {
                Some((l, r)) if x - r <= gap => Some((l, x)),
                Some(done) => {
                    runs.push(done);
                    Some((x, x))
                }
                None => Some((x, x)),
            };
        }
        runs.extend(run);
        runs.retain(|(l, r)| r - l >= min_run);
        let covered: usize = runs.iter().map(|(l, r)| r - l).sum();
        let (first, last) = (runs.first()?, runs.last()?);
        let (left, right) = (first.0, last.1);
        let enough = (right - left) as f64 >= MIN_SPAN * w as f64
            && covered as f64 >= 0.75 * MIN_SPAN * w as f64;
        enough.then_some((left, right))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A light plane with dark bars shaped like text lines: each bar is a row of 6×8 px blobs.
    fn plane_with_lines(w: usize, h: usize, rows: &[(usize, usize)]) -> Vec<u8> {
        let mut luma = vec![220u8; w * h];
        for &(top, n) in rows {
            for k in 0..n {
                let x0 = 20 + k * 10;
                for y in top..top + 8 {
                    for x in x0..x0 + 6 {
                        if x < w && y < h {
                            luma[y * w + x] = 40;
                        }
                    }
                }
            }
        }
        luma
    }

    #[test]
    fn finds_two_long_lines_and_ignores_a_short_one() {
        let (w, h) = (480, 300);
        let luma = plane_with_lines(w, h, &[(150, 10), (230, 44), (250, 44)]);
        let mut map = InkMap::default();
        map.build(&luma, w, h);
        let lines = map.lines();
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines[0].top.abs_diff(230) <= 1 && lines[0].bottom.abs_diff(238) <= 1);
        assert!(lines[1].top.abs_diff(250) <= 1);
        assert_eq!(lines[0].left, 20);
        assert_eq!(lines[0].right, 20 + 43 * 10 + 5);
    }

    #[test]
    fn the_ink_map_is_the_windowed_mean_test_at_every_pixel_edges_included() {
        // Noise over text-like bars, on planes whose sides clip the window differently.
        for (w, h) in [(480, 300), (97, 40), (8, 8)] {
            let mut luma = plane_with_lines(w, h, &[(h * 3 / 4, 44)]);
            let mut seed = 0x2545_F491_4F6C_DD1Du64;
            for v in &mut luma {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                *v = v.saturating_add((seed % 60) as u8);
            }
            let mut map = InkMap::default();
            map.build(&luma, w, h);
            let r = (w / 48).max(3);
            let rows = h - map.top;
            for y in 0..rows {
                for x in 0..w {
                    let (ya, yb) = (y.saturating_sub(r), (y + r + 1).min(rows));
                    let (xa, xb) = (x.saturating_sub(r), (x + r + 1).min(w));
                    let mut sum = 0u32;
                    for yy in ya..yb {
                        for xx in xa..xb {
                            sum += u32::from(luma[(map.top + yy) * w + xx]);
                        }
                    }
                    let area = ((xb - xa) * (yb - ya)) as u32;
                    let margin = (sum * INK_CONTRAST_PERCENT / 100).max(INK_MIN_LEVELS * area);
                    let ink = u32::from(luma[(map.top + y) * w + x]) * area + margin < sum;
                    assert_eq!(map.is_ink(x, map.top + y), ink, "{w}×{h} at ({x}, {y})");
                }
            }
        }
    }

    #[test]
    fn a_blank_plane_has_no_lines() {
        let mut map = InkMap::default();
        map.build(&vec![128u8; 640 * 450], 640, 450);
        assert!(map.lines().is_empty());
        // Too small or short planes are handled, not indexed out of range.
        map.build(&[0u8; 10], 640, 450);
        assert!(map.lines().is_empty());
    }
}
