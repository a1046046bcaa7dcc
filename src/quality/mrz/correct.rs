//! Which characters to report: the best allowed class per cell, corrected only under proof.
//!
//! Decides the text of a zone from per-cell class probabilities. Each cell takes its most
//! probable class among those its position allows (a digit field never reads `O`, a name never
//! reads `0`). When check digits fail, one or two cells may be changed to their runner-up, but only
//! when exactly one such change makes every check digit hold; otherwise the zone stays as read and
//! fails. Whether the read is confident enough to call valid is decided here too.

use super::classify::CLASSES;
use super::layout::{self, Allowed, MrzFormat, Pos};

/// A runner-up is tried as a single correction when the classifier gave it at least this
/// probability (0–1): a class it never considered is not a plausible misread.
const MIN_SINGLE_ALT: f32 = 0.03;
/// A pair of corrections needs each runner-up at least this probable (0–1).
const MIN_PAIR_ALT: f32 = 0.12;
/// At most this many of the least certain cells are combined in pairs.
const MAX_PAIR_CELLS: usize = 24;

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
    /// Every check digit holds on `zone`.
    pub(crate) checks_hold: bool,
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
    if shape_ok
        && !all_hold(&zone)
        && let Some(fix) = unique_fix(&constraints, &ranked, &zone, &all_hold)
    {
        for &(l, c) in &fix {
            if let Some(r) = ranked.get(l).and_then(|line| line.get(c)) {
                zone[l][c] = r.second;
            }
        }
        corrected = fix;
    }
    let checks_hold = shape_ok && all_hold(&zone);
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
        confident,
    }
}

/// The one set of one (or else two) runner-up substitutions under which every check digit holds;
/// `None` when there is none or more than one.
fn unique_fix(
    constraints: &[layout::Constraint],
    ranked: &[Vec<Ranked>],
    zone: &[Vec<usize>],
    all_hold: &dyn Fn(&[Vec<usize>]) -> bool,
) -> Option<Vec<Pos>> {
    // Cells a failing check digit covers (the digit itself included).
    let mut cells: Vec<Pos> = Vec::new();
    for c in constraints.iter().filter(|c| !layout::holds(c, zone)) {
        for p in c.covered.iter().copied().chain([c.digit]) {
            if !cells.contains(&p) {
                cells.push(p);
            }
        }
    }
    let alt = |(l, c): Pos| ranked.get(l).and_then(|line| line.get(c)).copied();
    let mut trial = zone.to_vec();
    let apply = |fix: &[Pos], trial: &mut Vec<Vec<usize>>| -> bool {
        for &(l, c) in fix {
            if let Some(r) = alt((l, c)) {
                trial[l][c] = r.second;
            }
        }
        let ok = all_hold(trial);
        for &(l, c) in fix {
            trial[l][c] = zone[l][c];
        }
        ok
    };
    let singles: Vec<Pos> = cells
        .iter()
        .copied()
        .filter(|&p| alt(p).is_some_and(|r| r.second_prob >= MIN_SINGLE_ALT))
        .collect();
    let found: Vec<Pos> = singles
        .iter()
        .copied()
        .filter(|&p| apply(&[p], &mut trial))
        .collect();
    match found.len() {
        1 => return Some(found),
        0 => {}
        _ => return None,
    }
    let mut pairable: Vec<Pos> = cells
        .iter()
        .copied()
        .filter(|&p| alt(p).is_some_and(|r| r.second_prob >= MIN_PAIR_ALT))
        .collect();
    pairable.sort_by(|&a, &b| {
        let margin = |p| alt(p).map_or(f32::INFINITY, |r| r.best_prob - r.second_prob);
        margin(a).total_cmp(&margin(b))
    });
    pairable.truncate(MAX_PAIR_CELLS);
    let mut solution: Option<Vec<Pos>> = None;
    for (i, &a) in pairable.iter().enumerate() {
        for &b in &pairable[i + 1..] {
            if apply(&[a, b], &mut trial) {
                if solution.is_some() {
                    return None;
                }
                solution = Some(vec![a, b]);
            }
        }
    }
    solution
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
