//! Which characters to report: the best allowed class per cell, corrected only under proof.
//!
//! Decides the text of a zone from per-cell class probabilities. Each cell takes its most
//! probable class among those its position allows (a digit field never reads `O`, a name never
//! reads `0`). Then every reading the check digits accept is weighed: each covered cell may keep
//! its best class or take its runner-up, and a set of such swaps costs `ln(best / runner-up)`
//! summed over its cells. The cheapest set under which every check digit holds is the reading;
//! it may change at most `MAX_CORRECTIONS` cells, and it is only *proven* when it carries at least
//! `MIN_POSTERIOR` of the weight of all accepted readings. A check digit is one chance in ten,
//! so a zone with several unsure cells has several readings that all check out (a glint that
//! turns `00` into `1O` and a swap elsewhere that balances it): then none is proven and the zone is
//! not valid. Whether the read is confident enough to call valid is decided here too.
use super::classify::CLASSES;
use super::layout::{self, Allowed, MrzFormat, Pos};

/// A runner-up is weighed when the classifier gave it at least this probability (0–1): a class
/// it never considered is not a plausible misread.
const MIN_ALT_PROB: f32 = 0.03;
/// A correction that changes two cells needs each runner-up at least this probable (0–1); one
/// cell may take any runner-up weighed (`MIN_ALT_PROB`).
const MIN_PAIR_ALT_PROB: f32 = 0.12;
/// The reading the check digits accept changes at most this many cells.
const MAX_CORRECTIONS: usize = 2;
/// The accepted reading must carry at least this share (0–1) of the weight of every reading the
/// check digits accept: rivals may together weigh at most 1/19 of it. On 1,600 synthetic zones
/// (blur σ ≤ 2 px, JPEG 40) the wrong readings the check digits accepted had shares of 0.65 and
/// below, and MIDV-500 41_04's glint (`P1OO…` against the true `0000…`) 0.88; true readings
/// have 1.0 in 94 % of cases and at least 0.95 in 97 % (41_08: 0.96, a `0`/`U` swap, which a mod-10
/// digit cannot see, at 1 : 24).
pub(crate) const MIN_POSTERIOR: f64 = 0.95;
/// Swap sets costlier than the reading by more than this (natural log of a likelihood ratio,
/// 7 ≈ 1 : 1100) weigh too little to matter and are not enumerated.
const RIVAL_COST_MARGIN: f64 = 7.0;
/// At most this many swap sets are looked at; a zone with more plausible readings than this is
/// too unsure to prove.
const MAX_SWAP_SETS: usize = 4096;

/// A cell no check digit covers must be read with at least this probability (0–1) for the zone
/// to be valid: a misread there (a name, a nationality) could not be caught.
pub(crate) const MIN_UNCOVERED_PROB: f32 = 0.80;
/// A covered cell must be read with at least this probability (0–1), unless a check-digit
/// correction set it.
pub(crate) const MIN_COVERED_PROB: f32 = 0.40;

/// The classes ranked for one cell, restricted to what its position allows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Ranked {
    pub(crate) best: usize,
    pub(crate) best_prob: f32,
    pub(crate) second: usize,
    pub(crate) second_prob: f32,
}

/// The zone decided from the cells.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Decision {
    /// Class indices, line by line.
    pub(crate) zone: Vec<Vec<usize>>,
    /// Per cell: best and runner-up allowed classes with their probabilities (before correction).
    pub(crate) ranked: Vec<Vec<Ranked>>,
    /// Cells changed to their runner-up because every check digit confirmed it.
    pub(crate) corrected: Vec<Pos>,
    /// Every check digit holds on `zone`, and no rival reading the check digits also accept is
    /// nearly as likely (`MIN_POSTERIOR`).
    pub(crate) checks_hold: bool,
    /// The share 0–1 of the accepted readings' weight that `zone` carries; 0 when the check
    /// digits accept no reading within reach.
    pub(crate) posterior: f64,
    /// Every cell is read with its required confidence (see `MIN_UNCOVERED_PROB`).
    pub(crate) confident: bool,
}

impl Decision {
    /// Valid: every check digit holds and every cell is confidently read.
    pub(crate) fn valid(&self) -> bool {
        self.checks_hold && self.confident
    }

    /// The zone as text, one string per line.
    pub(crate) fn lines(&self) -> Vec<String> {
        self.zone
            .iter()
            .map(|l| {
                l.iter()
                    .map(|&c| char::from(layout::ALPHABET.get(c).copied().unwrap_or(b'<')))
                    .collect()
            })
            .collect()
    }
}

/// Ranks the allowed classes of one cell, with probabilities renormalised over them.
pub(crate) fn rank(probs: &[f32; CLASSES], allowed: Allowed) -> Ranked {
    let mut r = Ranked {
        best: layout::FILLER,
        best_prob: -1.0,
        second: layout::FILLER,
        second_prob: -1.0,
    };
    for (c, &p) in probs.iter().enumerate() {
        if !allowed.admits(c) {
            continue;
        }
        if p > r.best_prob {
            (r.second, r.second_prob) = (r.best, r.best_prob);
            (r.best, r.best_prob) = (c, p);
        } else if p > r.second_prob {
            (r.second, r.second_prob) = (c, p);
        }
    }
    // Probabilities among the allowed classes only.
    let total: f32 = (0..CLASSES)
        .filter(|&c| allowed.admits(c))
        .map(|c| probs[c])
        .sum();
    let scale = if total > 0.0 { 1.0 / total } else { 0.0 };
    r.best_prob = r.best_prob.max(0.0) * scale;
    r.second_prob = r.second_prob.max(0.0) * scale;
    r
}

/// Decides the zone of `format` from `probs` (per line, per cell). Lines of the wrong count or
/// length give a zone that fails.
pub(crate) fn decide(format: MrzFormat, probs: &[Vec<[f32; CLASSES]>]) -> Decision {
    let allowed = layout::allowed(format);
    let shape_ok =
        probs.len() == format.line_count() && probs.iter().all(|l| l.len() == format.line_len());
    let ranked: Vec<Vec<Ranked>> = probs
        .iter()
        .zip(&allowed)
        .map(|(line, a)| line.iter().zip(a).map(|(p, &a)| rank(p, a)).collect())
        .collect();
    let mut zone: Vec<Vec<usize>> = ranked
        .iter()
        .map(|l| l.iter().map(|r| r.best).collect())
        .collect();
    let constraints = layout::constraints(format);
    let all_hold = |z: &[Vec<usize>]| constraints.iter().all(|c| layout::holds(c, z));
    let mut corrected = Vec::new();
    let accepted = shape_ok
        .then(|| weigh_readings(&constraints, &ranked, &zone, &all_hold))
        .flatten();
    let posterior = accepted.as_ref().map_or(0.0, |a| a.posterior);
    let proven = accepted.filter(|a| a.posterior >= MIN_POSTERIOR);
    // Swaps are made only under proof; otherwise the zone stays as read.
    if let Some(best) = proven {
        for &(l, c) in &best.swaps {
            if let Some(r) = ranked.get(l).and_then(|line| line.get(c)) {
                zone[l][c] = r.second;
            }
        }
        corrected = best.swaps;
    }
    let checks_hold = shape_ok && posterior >= MIN_POSTERIOR && all_hold(&zone);
    let uncovered = layout::uncovered(format);
    let confident = shape_ok
        && ranked.iter().enumerate().all(|(l, line)| {
            line.iter().enumerate().all(|(c, r)| {
                let free = uncovered
                    .get(l)
                    .and_then(|u| u.get(c))
                    .copied()
                    .unwrap_or(true);
                if free {
                    r.best_prob >= MIN_UNCOVERED_PROB
                } else {
                    corrected.contains(&(l, c)) || r.best_prob >= MIN_COVERED_PROB
                }
            })
        });
    Decision {
        zone,
        ranked,
        corrected,
        checks_hold,
        posterior,
        confident,
    }
}

/// The likeliest set of runner-up swaps under which every check digit holds, with its share of
/// the weight of all such sets.
struct Accepted {
    swaps: Vec<Pos>,
    posterior: f64,
}

/// Weighs the readings the check digits accept (see the module comment). `None` when none is
/// within reach, when the likeliest needs more than `MAX_CORRECTIONS` swaps (or a pair with an
/// implausible runner-up), or when there are too many to weigh.
fn weigh_readings(
    constraints: &[layout::Constraint],
    ranked: &[Vec<Ranked>],
    zone: &[Vec<usize>],
    all_hold: &dyn Fn(&[Vec<usize>]) -> bool,
) -> Option<Accepted> {
    // Cells a check digit covers (the digits included) whose runner-up is plausible, cheapest
    // swap first.
    let mut cells: Vec<(Pos, f64)> = Vec::new();
    for c in constraints {
        for p in c.covered.iter().copied().chain([c.digit]) {
            let Some(r) = ranked.get(p.0).and_then(|line| line.get(p.1)) else {
                continue;
            };
            if r.second != r.best
                && r.second_prob >= MIN_ALT_PROB
                && !cells.iter().any(|&(q, _)| q == p)
            {
                let cost = f64::from(r.best_prob.max(1e-6) / r.second_prob)
                    .ln()
                    .max(0.0);
                cells.push((p, cost));
            }
        }
    }
    cells.sort_by(|a, b| a.1.total_cmp(&b.1));
    let mut search = SwapSearch {
        cells: &cells,
        ranked,
        all_hold,
        trial: zone.to_vec(),
        chosen: Vec::new(),
        budget: f64::INFINITY,
        accepted: Vec::new(),
        visited: 0,
    };
    // First the cheapest accepted set within MAX_CORRECTIONS swaps, then every rival within
    // RIVAL_COST_MARGIN of it, whatever its size.
    search.budget = cheapest_cost(&mut search)?;
    let best_cost = search.budget;
    search.budget = best_cost + RIVAL_COST_MARGIN;
    search.accepted.clear();
    search.visited = 0;
    search.walk(0, 0.0, usize::MAX);
    if search.visited > MAX_SWAP_SETS {
        return None;
    }
    let (best, _) = search
        .accepted
        .iter()
        .min_by(|a, b| a.1.total_cmp(&b.1))?
        .clone();
    let weight: f64 = search
        .accepted
        .iter()
        .map(|(_, cost)| (best_cost - cost).exp())
        .sum();
    let pair_plausible = best.len() < 2
        || best
            .iter()
            .all(|&(l, c)| ranked[l][c].second_prob >= MIN_PAIR_ALT_PROB);
    (best.len() <= MAX_CORRECTIONS && pair_plausible).then(|| Accepted {
        swaps: best,
        posterior: 1.0 / weight.max(1.0),
    })
}

/// The cost of the cheapest accepted swap set of at most `MAX_CORRECTIONS` cells.
fn cheapest_cost(search: &mut SwapSearch<'_>) -> Option<f64> {
    search.walk(0, 0.0, MAX_CORRECTIONS);
    if search.visited > MAX_SWAP_SETS {
        return None;
    }
    search
        .accepted
        .iter()
        .map(|(_, cost)| *cost)
        .min_by(f64::total_cmp)
}

/// A depth-first walk over swap sets (cells in cost order), pruned by cost.
struct SwapSearch<'a> {
    cells: &'a [(Pos, f64)],
    ranked: &'a [Vec<Ranked>],
    all_hold: &'a dyn Fn(&[Vec<usize>]) -> bool,
    trial: Vec<Vec<usize>>,
    chosen: Vec<Pos>,
    budget: f64,
    /// Accepted sets and their costs.
    accepted: Vec<(Vec<Pos>, f64)>,
    visited: usize,
}

impl SwapSearch<'_> {
    /// Visits the current set (cost `cost`) and its extensions by cells from `from` on, at most
    /// `max_swaps` in all.
    fn walk(&mut self, from: usize, cost: f64, max_swaps: usize) {
        self.visited += 1;
        if self.visited > MAX_SWAP_SETS {
            return;
        }
        if (self.all_hold)(&self.trial) {
            self.accepted.push((self.chosen.clone(), cost));
        }
        if self.chosen.len() >= max_swaps {
            return;
        }
        for i in from..self.cells.len() {
            let ((l, c), step) = self.cells[i];
            if cost + step > self.budget {
                break; // cells are in cost order: every later one is dearer
            }
            let old = self.trial[l][c];
            self.trial[l][c] = self.ranked[l][c].second;
            self.chosen.push((l, c));
            self.walk(i + 1, cost + step, max_swaps);
            self.chosen.pop();
            self.trial[l][c] = old;
            if self.visited > MAX_SWAP_SETS {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const L1: &str = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<";
    const L2: &str = "L898902C36UTO7408122F1204159ZE184226B<<<<<10";

    fn class(b: u8) -> usize {
        layout::ALPHABET.iter().position(|&a| a == b).unwrap()
    }

    /// Certain probabilities for `lines`.
    fn certain(lines: &[&str]) -> Vec<Vec<[f32; CLASSES]>> {
        lines
            .iter()
            .map(|l| {
                l.bytes()
                    .map(|b| {
                        let mut p = [0.0; CLASSES];
                        p[class(b)] = 1.0;
                        p
                    })
                    .collect()
            })
            .collect()
    }

    fn set(probs: &mut [Vec<[f32; CLASSES]>], (l, c): Pos, choices: &[(u8, f32)]) {
        probs[l][c] = [0.0; CLASSES];
        for &(b, p) in choices {
            probs[l][c][class(b)] = p;
        }
    }

    #[test]
    fn a_clean_read_is_valid() {
        let d = decide(MrzFormat::Td3, &certain(&[L1, L2]));
        assert!(d.valid());
        assert_eq!(d.lines(), vec![L1, L2]);
        assert!(d.corrected.is_empty());
    }

    #[test]
    fn a_letter_read_in_a_date_becomes_the_digit() {
        // `O` is likelier than `0` in the expiry date, but a date holds digits only.
        let mut p = certain(&[L1, L2]);
        set(&mut p, (1, 23), &[(b'O', 0.7), (b'0', 0.3)]);
        let d = decide(MrzFormat::Td3, &p);
        assert_eq!(d.lines()[1], L2);
        assert!(d.corrected.is_empty());
        assert!(d.valid());
    }

    #[test]
    fn a_misread_the_check_digits_confirm_is_corrected() {
        // The document number's `8` read as `B` (the field allows both): its runner-up `8` is the
        // only change that makes the number and composite check digits hold.
        let mut p = certain(&[L1, L2]);
        set(&mut p, (1, 1), &[(b'B', 0.6), (b'8', 0.35)]);
        let d = decide(MrzFormat::Td3, &p);
        assert_eq!(d.corrected, vec![(1, 1)]);
        assert_eq!(d.lines()[1], L2);
        assert!(d.valid());
    }

    #[test]
    fn a_wrong_digit_without_a_plausible_runner_up_is_not_valid() {
        // `2` read as `7` with certainty: nothing plausible to try, so the zone fails.
        let mut p = certain(&[L1, L2]);
        set(&mut p, (1, 18), &[(b'7', 1.0)]);
        let d = decide(MrzFormat::Td3, &p);
        assert!(!d.checks_hold && !d.valid());
        assert_eq!(&d.lines()[1][18..19], "7", "the lines stay as read");
    }

    #[test]
    fn two_equally_confirmed_corrections_are_ambiguous() {
        // The personal number's `8` (column 31) read as `1`, and a sure-ish `2` at column 34 whose
        // runner-up is `9`. Both cells have weight 7 in their field and in the composite, and
        // 1→8 and 2→9 both add 7: two different single fixes satisfy every digit.
        let mut p = certain(&[L1, L2]);
        set(&mut p, (1, 31), &[(b'1', 0.6), (b'8', 0.4)]);
        set(&mut p, (1, 34), &[(b'2', 0.6), (b'9', 0.4)]);
        let d = decide(MrzFormat::Td3, &p);
        assert!(!d.checks_hold, "{:?}", d.lines());
        assert!(d.corrected.is_empty());
        assert!(!d.valid());
    }

    #[test]
    fn a_glint_that_balances_the_check_digit_is_not_proven() {
        // 41_04 through the passport strip: a glint over the document number `0000…` reads
        // `0 1 O 0` (unsure), and swapping the first and fourth cells to their runners-up gives
        // `P1OO`, which satisfies the number's and the composite's digits (25·7 + 1·3 + 24·1 +
        // 24·7 ≡ 0). Keeping the first and fourth and swapping the glinted second and third gives
        // the true `0000`, which satisfies them too: two readings check out, neither is proven.
        let mut p = certain(&[L1, "0000000000SRB6802295F22101042902968000000<40"]);
        set(&mut p, (1, 0), &[(b'0', 0.303), (b'P', 0.278)]);
        set(&mut p, (1, 1), &[(b'1', 0.465), (b'0', 0.126)]);
        set(&mut p, (1, 2), &[(b'O', 0.848), (b'0', 0.115)]);
        set(&mut p, (1, 3), &[(b'0', 0.622), (b'O', 0.365)]);
        let d = decide(MrzFormat::Td3, &p);
        assert!(!d.valid(), "{:?} posterior {}", d.lines(), d.posterior);
        assert!(d.corrected.is_empty(), "the zone stays as read");
        assert!(d.posterior < MIN_POSTERIOR);
    }

    #[test]
    fn a_clean_read_with_a_far_fetched_rival_is_still_valid() {
        // Every cell sure (runner-up 0.04) except none: any rival swap set that also checks out
        // costs at least two swaps of ln(0.96 / 0.04) each, 1 : 576, and weighs nothing.
        let mut p = certain(&[L1, L2]);
        for c in 0..9 {
            let b = L2.as_bytes()[c];
            let alt = if b.is_ascii_digit() { b'O' } else { b'0' };
            set(&mut p, (1, c), &[(b, 0.96), (alt, 0.04)]);
        }
        let d = decide(MrzFormat::Td3, &p);
        assert!(d.valid(), "posterior {}", d.posterior);
        assert!(d.corrected.is_empty());
    }

    #[test]
    fn an_unsure_name_is_never_valid() {
        // Line 1 has no check digit: an unsure letter there cannot be proven.
        let mut p = certain(&[L1, L2]);
        set(&mut p, (0, 6), &[(b'R', 0.55), (b'B', 0.45)]);
        let d = decide(MrzFormat::Td3, &p);
        assert!(d.checks_hold && !d.confident && !d.valid());
    }

    #[test]
    fn wrong_shapes_fail_without_panicking() {
        assert!(!decide(MrzFormat::Td3, &certain(&[L1])).valid());
        assert!(!decide(MrzFormat::Td1, &certain(&[L1, L2])).valid());
        assert!(!decide(MrzFormat::Td3, &[]).valid());
    }
}
