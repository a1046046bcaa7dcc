//! How a check's numbers are written for people: one rule shared by the checklist, the command
//! line's table and the checks' own messages.
//!
//! Decides the precision of a shown number: about three significant digits (`312`, `45.3`,
//! `0.21`), and more when a value and its limit would otherwise print the same although they
//! differ, so a row never reads "250 / 250 dpi" next to a failure. The checks decide pass or fail
//! on the value they report (rounded to two decimals), so a value equal to its limit is never on
//! the failing side of it.

use super::Check;

/// Decimals beyond which no number is shown: a check's `value` carries at most three.
const MAX_DECIMALS: usize = 3;

/// The decimals a number of this size gets on its own: 0 from 100 up, 1 from 10, 2 below.
fn default_decimals(v: f64) -> usize {
    if v.abs() >= 100.0 {
        0
    } else if v.abs() >= 10.0 {
        1
    } else {
        2
    }
}

/// `v` with about three significant digits ("312", "45.3", "0.21").
pub fn number(v: f64) -> String {
    format!("{v:.*}", default_decimals(v))
}

/// The decimals that show `limit` exactly (a profile's threshold such as 0.205), at least its
/// default ones and at most `MAX_DECIMALS`.
fn limit_decimals(limit: f64) -> usize {
    (default_decimals(limit)..MAX_DECIMALS)
        .find(|&d| format!("{limit:.d$}").parse::<f64>() == Ok(limit))
        .unwrap_or(MAX_DECIMALS)
}

/// `value` and `limit` as they are shown side by side: the limit exactly (up to three decimals),
/// the value with about three significant digits and at least the limit's decimals, and both
/// with more decimals while they differ but would print the same.
pub fn pair(value: f64, limit: f64) -> (String, String) {
    let mut dl = limit_decimals(limit);
    let mut dv = default_decimals(value).max(dl);
    loop {
        let (v, l) = (format!("{value:.dv$}"), format!("{limit:.dl$}"));
        if v != l || value == limit || (dv >= MAX_DECIMALS && dl >= MAX_DECIMALS) {
            return (v, l);
        }
        dv = (dv + 1).min(MAX_DECIMALS).max(dv);
        dl = (dl + 1).min(MAX_DECIMALS).max(dl);
    }
}

/// "0.21 / 0.16 mm blur": a check's value against its limit, in its unit ("" when neither is
/// known).
pub fn value_text(check: &Check) -> String {
    let unit = check.unit;
    let sep = if unit.starts_with('%') || unit == "°" || unit.is_empty() {
        ""
    } else {
        " "
    };
    match (check.value, check.limit) {
        (Some(v), Some(l)) => {
            let (v, l) = pair(v, l);
            format!("{v} / {l}{sep}{unit}")
        }
        (Some(v), None) => format!("{}{sep}{unit}", number(v)),
        (None, Some(l)) => format!("– / {}{sep}{unit}", number(l)),
        (None, None) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::CheckId;

    #[test]
    fn value_text_has_units() {
        let c = Check::new(CheckId::Focus, false, Some(0.213), Some(0.16));
        assert_eq!(value_text(&c), "0.21 / 0.16 mm blur");
        let f = Check::new(CheckId::Fill, true, Some(55.0), Some(40.0));
        assert_eq!(value_text(&f), "55.0 / 40.0% of frame");
        let r = Check::new(CheckId::Resolution, true, Some(312.4), Some(250.0));
        assert_eq!(value_text(&r), "312 / 250 dpi");
        let n = Check::new(CheckId::Glare, false, None, Some(0.5));
        assert_eq!(value_text(&n), "– / 0.50% of document");
    }

    #[test]
    fn a_value_just_below_its_limit_never_prints_as_the_limit() {
        assert_eq!(pair(249.6, 250.0), ("249.6".into(), "250.0".into()));
        assert_eq!(pair(249.99, 250.0), ("249.99".into(), "250.00".into()));
        assert_eq!(pair(10.04, 10.0), ("10.04".into(), "10.00".into()));
        // Equal values print equal; different ones keep their own precision.
        assert_eq!(pair(250.0, 250.0), ("250".into(), "250".into()));
        assert_eq!(pair(312.4, 250.0), ("312".into(), "250".into()));
        // A limit is shown exactly, and the value as precisely.
        assert_eq!(pair(0.213, 0.205), ("0.213".into(), "0.205".into()));
        assert_eq!(pair(6.82, 10.0), ("6.82".into(), "10.0".into()));
    }
}
