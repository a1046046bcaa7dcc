//! `mrz`: is the machine-readable zone in the photo and readable?
//!
//! Decides, from what `mrz_stage` read:
//! - a passport page: the zone must be there and valid (every check digit holds, every character
//!   read with confidence);
//! - an ID card: a zone that is there must be valid; a side without one (the front) passes;
//! - a photo with no document found but a zone read on the whole photo: the zone must be valid.
//!
//! A zone found but not valid says why (cut off, blurry, reflection) in the hint, with the portal
//! wording that reason is rejected for; under a reflection the hint also says to tilt the document
//! (`mrz_stage::blame_reflection` puts a glare region over the zone down to it). The zone's text is
//! never put in a message.

use crate::quality::mrz::{MrzReport, Unreadable};
use crate::quality::profile::DocumentKind;
use crate::quality::{Check, CheckId};

/// Portal wording for a passport page without its zone or a zone cut off.
const NOT_FULLY_VISIBLE: &str = "Document not fully visible";

/// Whether what the reader found counts as a machine-readable zone on a document of `kind`. An ID-1
/// card carries TD1 (3 lines); two long lines that do not read on one are print, not a zone (the
/// demo card's band, a licence's data rows). The overlay draws a band only where this holds, so it
/// never outlines print the check ignores.
pub(crate) fn is_zone(zone: &MrzReport, kind: Option<DocumentKind>) -> bool {
    zone.valid
        || kind != Some(DocumentKind::IdCard)
        || zone.format == crate::quality::mrz::MrzFormat::Td1
}

/// `mrz` for a document of `kind` (`None`: no document was found). `waiting`: a live stream has
/// not yet held the document still long enough to read it, so a missing zone is not a finding.
/// No value or limit: the zone reads or it does not.
pub fn mrz(zone: Option<&MrzReport>, kind: Option<DocumentKind>, waiting: bool) -> Check {
    let check = |pass: bool| Check::new(CheckId::Mrz, pass, None, None);
    let zone = zone.filter(|z| is_zone(z, kind));
    match (zone, kind) {
        (Some(z), _) if z.valid => check(true)
            .message(format!(
                "The machine-readable zone ({}) reads, and every check digit holds.",
                z.format.as_str()
            ))
            .hint("Lines at the bottom read"),
        (Some(z), _) => {
            let why = z.unreadable.unwrap_or(Unreadable::Blurry);
            let portal = match why {
                Unreadable::CutOff => NOT_FULLY_VISIBLE,
                Unreadable::Blurry => "Photo too blurry",
                Unreadable::Reflection => "Reflection detected",
            };
            check(false)
                .message(format!(
                    "{}: the machine-readable zone ({}) was found but not every character reads \
                     with its check digits. {}.",
                    why.hint(),
                    z.format.as_str(),
                    advice(why)
                ))
                .hint(hint(why, kind))
                .portal(portal)
        }
        (None, Some(DocumentKind::Passport)) if waiting => check(false)
            .message("Hold the page still so the lines at the bottom can be read.")
            .hint("Hold still")
            .portal(NOT_FULLY_VISIBLE),
        (None, Some(DocumentKind::Passport)) => check(false)
            .message(
                "No machine-readable zone found: capture the entire page, including the two \
                 lines of characters at the bottom.",
            )
            .hint("Show the lines at the bottom")
            .portal(NOT_FULLY_VISIBLE),
        (None, Some(DocumentKind::IdCard)) => check(true)
            .message("No machine-readable zone on this side (the front of an ID card has none).")
            .hint("No lines at the bottom"),
        (None, None) => check(false)
            .message("Not measured: no document was found.")
            .hint("Show the document to the camera"),
    }
}

/// The live overlay's few words for an unreadable zone: the reason, and for a reflection the
/// move that clears it ("… covered by a reflection — tilt the card", issue 11).
fn hint(why: Unreadable, kind: Option<DocumentKind>) -> String {
    match why {
        Unreadable::Reflection => {
            let what = match kind {
                Some(DocumentKind::Passport) => "page",
                _ => "card",
            };
            format!("{} — tilt the {what}", why.hint())
        }
        Unreadable::CutOff | Unreadable::Blurry => why.hint().to_string(),
    }
}

/// What to do about an unreadable zone.
fn advice(why: Unreadable) -> &'static str {
    match why {
        Unreadable::CutOff => "Move back or re-frame so the whole page is in the photo",
        Unreadable::Blurry => "Hold still, move closer and let the camera focus",
        Unreadable::Reflection => "Tilt the page or move away from the light",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::mrz::MrzFormat;

    fn zone(valid: bool, unreadable: Option<Unreadable>) -> MrzReport {
        MrzReport {
            format: MrzFormat::Td3,
            lines: vec!["P<UTO".into(), "L898".into()],
            valid,
            fields: None,
            expired: None,
            days_to_expiry: None,
            unreadable,
        }
    }

    #[test]
    fn two_unread_lines_on_an_id_card_are_print_not_a_zone() {
        let card = Some(DocumentKind::IdCard);
        let unread_td3 = zone(false, Some(Unreadable::Blurry));
        assert!(!is_zone(&unread_td3, card));
        assert!(is_zone(&unread_td3, Some(DocumentKind::Passport)));
        assert!(
            is_zone(&zone(true, None), card),
            "a valid zone always counts"
        );
        let unread_td1 = MrzReport {
            format: MrzFormat::Td1,
            ..zone(false, Some(Unreadable::Blurry))
        };
        assert!(is_zone(&unread_td1, card));
    }

    #[test]
    fn a_passport_needs_a_valid_zone_and_a_card_front_needs_none() {
        let passport = Some(DocumentKind::Passport);
        let card = Some(DocumentKind::IdCard);
        assert!(mrz(Some(&zone(true, None)), passport, false).pass);
        assert!(!mrz(None, passport, false).pass);
        assert!(mrz(None, card, false).pass);
        let td1 = MrzReport {
            format: MrzFormat::Td1,
            ..zone(false, Some(Unreadable::Blurry))
        };
        assert!(
            !mrz(Some(&td1), card, false).pass,
            "a card's unreadable TD1 fails"
        );
        let band = zone(false, Some(Unreadable::Blurry));
        assert!(
            mrz(Some(&band), card, false).pass,
            "two long lines on a card are print"
        );
        assert!(!mrz(None, None, false).pass);
        let waiting = mrz(None, passport, true);
        assert_eq!((waiting.pass, waiting.hint.as_str()), (false, "Hold still"));
    }

    #[test]
    fn an_unreadable_zone_says_why_with_the_portal_wording() {
        let passport = Some(DocumentKind::Passport);
        for (why, portal) in [
            (Unreadable::CutOff, "Document not fully visible"),
            (Unreadable::Blurry, "Photo too blurry"),
            (Unreadable::Reflection, "Reflection detected"),
        ] {
            let c = mrz(Some(&zone(false, Some(why))), passport, false);
            assert!(!c.pass);
            assert!(c.hint.starts_with(why.hint()), "{}", c.hint);
            assert_eq!(c.portal, portal);
            assert!(!c.message.contains("P<UTO"), "no zone text in messages");
        }
    }

    #[test]
    fn a_reflection_over_the_zone_says_to_tilt_the_document() {
        let glare = zone(false, Some(Unreadable::Reflection));
        let td1 = MrzReport {
            format: MrzFormat::Td1,
            ..glare.clone()
        };
        let card = mrz(Some(&td1), Some(DocumentKind::IdCard), false);
        assert_eq!(
            card.hint,
            "The lines at the bottom are covered by a reflection — tilt the card"
        );
        let page = mrz(Some(&glare), Some(DocumentKind::Passport), false);
        assert_eq!(
            page.hint,
            "The lines at the bottom are covered by a reflection — tilt the page"
        );
        let blurry = mrz(
            Some(&zone(false, Some(Unreadable::Blurry))),
            Some(DocumentKind::Passport),
            false,
        );
        assert_eq!(blurry.hint, "The lines at the bottom are too blurry");
    }
}
