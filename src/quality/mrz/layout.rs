//! What each MRZ position may hold and which check digit covers it (ICAO 9303 parts 4–6).
//!
//! Decides, for the three layouts (TD1, TD2, TD3), the character class allowed at every position
//! (digits, letters, or both) and the check-digit constraints (field and composite), so the reader
//! can pick the best *allowed* class per cell and the corrector can test a substitution against
//! every digit that covers it.

use serde::Serialize;

/// The 37 classes the classifier knows, in class-index order: `0`–`9`, `A`–`Z`, `<`.
pub const ALPHABET: &[u8; 37] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<";

/// Class index of the filler `<`.
pub(crate) const FILLER: usize = 36;

/// An ICAO 9303 MRZ layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum MrzFormat {
    /// ID-1 cards: 3 lines × 30 characters.
    #[serde(rename = "TD1")]
    Td1,
    /// ID-2 documents: 2 lines × 36 characters.
    #[serde(rename = "TD2")]
    Td2,
    /// Passport data pages: 2 lines × 44 characters.
    #[serde(rename = "TD3")]
    Td3,
}

impl MrzFormat {
    /// The name used in `check --json` ("td1", "td2", "td3").
    pub fn as_str(self) -> &'static str {
        match self {
            MrzFormat::Td1 => "TD1",
            MrzFormat::Td2 => "TD2",
            MrzFormat::Td3 => "TD3",
        }
    }

    /// Number of lines.
    pub(crate) fn line_count(self) -> usize {
        match self {
            MrzFormat::Td1 => 3,
            MrzFormat::Td2 | MrzFormat::Td3 => 2,
        }
    }

    /// Characters per line.
    pub(crate) fn line_len(self) -> usize {
        match self {
            MrzFormat::Td1 => 30,
            MrzFormat::Td2 => 36,
            MrzFormat::Td3 => 44,
        }
    }
}

/// The characters a position may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Allowed {
    /// `0`–`9` only (check digits, expiry dates).
    Digit,
    /// `0`–`9` or the filler (birth dates with unknown parts, optional check digits).
    DigitOrFiller,
    /// `A`–`Z` or the filler (names, state codes, sex).
    Letter,
    /// Any of the 37 classes (document numbers, optional data).
    Any,
}

impl Allowed {
    /// Whether class index `class` (see [`ALPHABET`]) may stand here.
    pub(crate) fn admits(self, class: usize) -> bool {
        match self {
            Allowed::Digit => class < 10,
            Allowed::DigitOrFiller => class < 10 || class == FILLER,
            Allowed::Letter => class >= 10,
            Allowed::Any => class < ALPHABET.len(),
        }
    }
}

/// A position in the zone: (line, column), both from 0.
pub(crate) type Pos = (usize, usize);

/// One check digit: the positions it covers and where it is printed.
#[derive(Clone, Debug)]
pub(crate) struct Constraint {
    pub(crate) covered: Vec<Pos>,
    pub(crate) digit: Pos,
}

fn span(line: usize, cols: std::ops::Range<usize>) -> impl Iterator<Item = Pos> {
    cols.map(move |c| (line, c))
}

/// The allowed class at every position of `format`, line by line.
pub(crate) fn allowed(format: MrzFormat) -> Vec<Vec<Allowed>> {
    use Allowed::*;
    let n = format.line_len();
    let mut lines = vec![vec![Any; n]; format.line_count()];
    let mut set = |line: usize, cols: std::ops::Range<usize>, a: Allowed| {
        if let Some(l) = lines.get_mut(line) {
            for c in cols {
                if let Some(slot) = l.get_mut(c) {
                    *slot = a;
                }
            }
        }
    };
    match format {
        MrzFormat::Td2 | MrzFormat::Td3 => {
            // Line 1: document code, issuing state, name.
            set(0, 0..n, Letter);
            // Line 2: number (Any), its check, nationality, birth date + check, sex,
            // expiry + check, optional data (Any), its check (TD3), composite.
            set(1, 9..10, DigitOrFiller);
            set(1, 10..13, Letter);
            set(1, 13..19, DigitOrFiller);
            set(1, 19..20, Digit);
            set(1, 20..21, Letter);
            set(1, 21..28, Digit);
            if format == MrzFormat::Td3 {
                set(1, 42..43, DigitOrFiller);
            }
            set(1, n - 1..n, Digit);
        }
        MrzFormat::Td1 => {
            set(0, 0..5, Letter);
            set(0, 14..15, DigitOrFiller);
            set(1, 0..6, DigitOrFiller);
            set(1, 6..7, Digit);
            set(1, 7..8, Letter);
            set(1, 8..15, Digit);
            set(1, 15..18, Letter);
            set(1, 29..30, Digit);
            set(2, 0..30, Letter);
        }
    }
    lines
}

/// Every check digit of `format` (ICAO 9303 part 3 §4.9, weights 7-3-1), composite last.
pub(crate) fn constraints(format: MrzFormat) -> Vec<Constraint> {
    let field = |line: usize, cols: std::ops::Range<usize>, digit: usize| Constraint {
        covered: span(line, cols).collect(),
        digit: (line, digit),
    };
    match format {
        MrzFormat::Td3 => vec![
            field(1, 0..9, 9),
            field(1, 13..19, 19),
            field(1, 21..27, 27),
            field(1, 28..42, 42),
            Constraint {
                covered: span(1, 0..10)
                    .chain(span(1, 13..20))
                    .chain(span(1, 21..43))
                    .collect(),
                digit: (1, 43),
            },
        ],
        MrzFormat::Td2 => vec![
            field(1, 0..9, 9),
            field(1, 13..19, 19),
            field(1, 21..27, 27),
            Constraint {
                covered: span(1, 0..10)
                    .chain(span(1, 13..20))
                    .chain(span(1, 21..35))
                    .collect(),
                digit: (1, 35),
            },
        ],
        MrzFormat::Td1 => vec![
            field(0, 5..14, 14),
            field(1, 0..6, 6),
            field(1, 8..14, 14),
            Constraint {
                covered: span(0, 5..30)
                    .chain(span(1, 0..7))
                    .chain(span(1, 8..15))
                    .chain(span(1, 18..29))
                    .collect(),
                digit: (1, 29),
            },
        ],
    }
}

/// ICAO value of a class index: digits their value, `A`–`Z` 10–35, the filler 0.
pub(crate) fn value(class: usize) -> u32 {
    if class == FILLER { 0 } else { class as u32 }
}

/// Whether `constraint` holds for the classes in `zone` (class indices, line by line).
pub(crate) fn holds(constraint: &Constraint, zone: &[Vec<usize>]) -> bool {
    const WEIGHTS: [u32; 3] = [7, 3, 1];
    let at = |(l, c): Pos| zone.get(l).and_then(|line| line.get(c)).copied();
    let mut sum = 0u32;
    for (i, &p) in constraint.covered.iter().enumerate() {
        let Some(class) = at(p) else { return false };
        sum += value(class) * WEIGHTS[i % 3];
    }
    match at(constraint.digit) {
        // A filler check digit stands for an all-filler field (ICAO 9303 part 3 §4.9).
        Some(FILLER) => constraint.covered.iter().all(|&p| at(p) == Some(FILLER)),
        Some(d) if d < 10 => sum % 10 == d as u32,
        _ => false,
    }
}

/// Positions no check digit covers (names, state codes, nationality, sex): a misread there
/// cannot be caught arithmetically.
pub(crate) fn uncovered(format: MrzFormat) -> Vec<Vec<bool>> {
    let mut out = vec![vec![true; format.line_len()]; format.line_count()];
    for c in constraints(format) {
        for (l, col) in c.covered.iter().copied().chain([c.digit]) {
            if let Some(slot) = out.get_mut(l).and_then(|line| line.get_mut(col)) {
                *slot = false;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes(lines: &[&str]) -> Vec<Vec<usize>> {
        lines
            .iter()
            .map(|l| {
                l.bytes()
                    .map(|b| ALPHABET.iter().position(|&a| a == b).unwrap())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn the_icao_specimens_satisfy_every_constraint() {
        let td3 = classes(&[
            "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
            "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
        ]);
        assert!(constraints(MrzFormat::Td3).iter().all(|c| holds(c, &td3)));
        let td2 = classes(&[
            "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
            "D231458907UTO7408122F1204159<<<<<<<6",
        ]);
        assert!(constraints(MrzFormat::Td2).iter().all(|c| holds(c, &td2)));
        let td1 = classes(&[
            "I<UTOD231458907<<<<<<<<<<<<<<<",
            "7408122F1204159UTO<<<<<<<<<<<6",
            "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
        ]);
        assert!(constraints(MrzFormat::Td1).iter().all(|c| holds(c, &td1)));
    }

    #[test]
    fn a_changed_digit_breaks_its_field_and_the_composite() {
        let td3 = classes(&[
            "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
            "L898902C36UTO7408132F1204159ZE184226B<<<<<10",
        ]);
        let failing: Vec<_> = constraints(MrzFormat::Td3)
            .iter()
            .map(|c| holds(c, &td3))
            .collect();
        assert_eq!(failing, vec![true, false, true, true, false]);
    }

    #[test]
    fn the_allowed_classes_fit_the_specimens() {
        for (format, lines) in [
            (
                MrzFormat::Td3,
                vec![
                    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
                    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
                ],
            ),
            (
                MrzFormat::Td1,
                vec![
                    "I<UTOD231458907<<<<<<<<<<<<<<<",
                    "7408122F1204159UTO<<<<<<<<<<<6",
                    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
                ],
            ),
        ] {
            let zone = classes(&lines);
            for (l, line) in allowed(format).iter().enumerate() {
                for (c, a) in line.iter().enumerate() {
                    assert!(a.admits(zone[l][c]), "{format:?} line {l} col {c}");
                }
            }
        }
    }

    #[test]
    fn names_and_nationality_are_uncovered() {
        let u = uncovered(MrzFormat::Td3);
        assert!(u[0].iter().all(|&x| x));
        assert!(u[1][10] && u[1][20]);
        assert!(!u[1][0] && !u[1][43]);
    }
}
