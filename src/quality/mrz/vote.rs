//! Steady-run voting for the live view: a zone is shown only once the same valid lines were read
//! on at least `MIN_VOTES` frames while the document stayed in view.
//!
//! Decides which reading the live view may show. A single frame can be read valid and wrong in
//! principle (check digits catch most errors, not all); two frames agreeing make it far less
//! likely. Pure: fed each analysed frame's `MrzSeen` (or none), in order.

use super::MrzReport;
use crate::quality::MrzSeen;

/// Frames (readings made on them, not carried) that must agree on the same valid lines.
pub const MIN_VOTES: usize = 2;

/// The tally of one steady run.
#[derive(Clone, Debug, Default)]
pub struct MrzVote {
    /// Each distinct valid reading of the run, its latest report and how many frames read it.
    tallies: Vec<(MrzReport, usize)>,
}

impl MrzVote {
    /// Feeds one frame: `document` says whether a document was in view (when not, the run ends
    /// and the tally starts afresh). Returns the reading agreed on, if any.
    pub fn feed(&mut self, seen: Option<&MrzSeen>, document: bool) -> Option<&MrzReport> {
        if !document {
            self.tallies.clear();
            return None;
        }
        if let Some(s) = seen.filter(|s| s.fresh && s.report.valid) {
            match self
                .tallies
                .iter_mut()
                .find(|(r, _)| r.lines == s.report.lines)
            {
                Some((report, count)) => {
                    *report = s.report.clone();
                    *count += 1;
                }
                None => self.tallies.push((s.report.clone(), 1)),
            }
        }
        self.agreed()
    }

    /// The reading with the most votes, when it has at least `MIN_VOTES` (the earliest wins a tie).
    pub fn agreed(&self) -> Option<&MrzReport> {
        let mut best: Option<&(MrzReport, usize)> = None;
        for t in &self.tallies {
            if best.is_none_or(|b| t.1 > b.1) {
                best = Some(t);
            }
        }
        best.filter(|(_, n)| *n >= MIN_VOTES).map(|(r, _)| r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::mrz::MrzFormat;

    fn seen(line: &str, valid: bool, fresh: bool) -> MrzSeen {
        MrzSeen {
            report: MrzReport {
                format: MrzFormat::Td3,
                lines: vec![line.to_string()],
                valid,
                fields: None,
                expired: None,
                days_to_expiry: None,
                unreadable: None,
            },
            band: None,
            fresh,
        }
    }

    #[test]
    fn two_fresh_frames_agreeing_are_needed() {
        let mut v = MrzVote::default();
        assert!(v.feed(Some(&seen("A", true, true)), true).is_none());
        // A carried reading is not a second vote; an invalid one never counts.
        assert!(v.feed(Some(&seen("A", true, false)), true).is_none());
        assert!(v.feed(Some(&seen("A", false, true)), true).is_none());
        assert!(v.feed(Some(&seen("B", true, true)), true).is_none());
        let agreed = v
            .feed(Some(&seen("A", true, true)), true)
            .map(|r| r.lines.clone());
        assert_eq!(agreed, Some(vec!["A".to_string()]));
        // Frames without a reading keep it; losing the document ends the run.
        assert!(v.feed(None, true).is_some());
        assert!(v.feed(None, false).is_none());
        assert!(v.feed(Some(&seen("A", true, true)), true).is_none());
    }
}
