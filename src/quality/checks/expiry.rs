//! `expiry`: has the document expired, or is it about to?
//!
//! Decides from a valid zone's expiry date against `Profile::today` (set by the shell; `quality/`
//! has no clock): fail once the date is before today ("Document expired"), pass with a warning in
//! the message and hint when fewer than `Profile::expiry_warn_days` remain, pass otherwise. Without
//! a valid zone, a calendar expiry date or a today there is nothing to judge: it passes and says
//! so (`mrz` judges a missing or unreadable zone).

use crate::quality::mrz::MrzReport;
use crate::quality::profile::Profile;
use crate::quality::{Check, CheckId};

/// `expiry`: value is the days from today to the expiry date (negative once expired), limit 0.
pub fn expiry(zone: Option<&MrzReport>, profile: &Profile) -> Check {
    let not_judged = |why: &str| {
        Check::new(CheckId::Expiry, true, None, None)
            .message(format!("Not judged: {why}."))
            .hint("")
    };
    let Some(zone) = zone.filter(|z| z.valid) else {
        return not_judged("no readable machine-readable zone");
    };
    let Some(expires) = zone.fields.as_ref().and_then(|f| f.expiry_date) else {
        return not_judged("the zone gives no calendar expiry date");
    };
    let (Some(today), Some(days)) = (profile.today, zone.days_to_expiry) else {
        return not_judged("no date for today was given");
    };
    let check = |pass: bool| Check::new(CheckId::Expiry, pass, Some(days as f64), Some(0.0));
    if days < 0 {
        check(false)
            .message(format!(
                "The document expired on {expires} ({} days before {today}): portals reject \
                 expired documents. Use a valid one.",
                -days
            ))
            .hint("Document expired")
    } else if days < profile.expiry_warn_days {
        check(true)
            .message(format!(
                "The document expires on {expires}, in {days} days: a portal may refuse it while \
                 it reviews. Consider renewing it."
            ))
            .hint(format!("Expires in {days} days"))
    } else {
        check(true)
            .message(format!("Valid until {expires}."))
            .hint("Not expired")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::mrz::{CalendarDate, MrzFields, MrzFormat};

    fn zone(valid: bool, expiry: &str, today: &str) -> MrzReport {
        let expiry_date = CalendarDate::parse(expiry);
        let days = CalendarDate::parse(today)
            .zip(expiry_date)
            .map(|(t, e)| t.days_until(e));
        MrzReport {
            format: MrzFormat::Td3,
            lines: vec![],
            valid,
            fields: Some(MrzFields {
                document_type: "P".into(),
                issuing_state: "UTO".into(),
                surname: "ERIKSSON".into(),
                given_names: "ANNA MARIA".into(),
                document_number: "L898902C3".into(),
                nationality: "UTO".into(),
                birth_date: CalendarDate::parse("1974-08-12"),
                sex: "F".into(),
                expiry_date,
                optional_data: String::new(),
            }),
            expired: days.map(|d| d < 0),
            days_to_expiry: days,
            unreadable: None,
        }
    }

    fn profile(today: &str) -> Profile {
        Profile {
            today: CalendarDate::parse(today),
            ..Profile::default()
        }
    }

    #[test]
    fn expired_fails_close_to_expiry_warns_and_later_passes() {
        let today = "2026-12-04";
        let p = profile(today);
        let c = expiry(Some(&zone(true, "2012-04-15", today)), &p);
        assert!(!c.pass);
        assert_eq!(
            (c.portal, c.hint.as_str()),
            ("Document expired", "Document expired")
        );
        assert_eq!(c.value, Some(-5346.0));
        let c = expiry(Some(&zone(true, "2026-12-20", today)), &p);
        assert!(c.pass);
        assert_eq!(c.hint, "Expires in 16 days");
        let c = expiry(Some(&zone(true, "2027-01-03", today)), &p);
        assert_eq!(
            (c.pass, c.hint.as_str()),
            (true, "Not expired"),
            "30 days is not < 30"
        );
        let c = expiry(Some(&zone(true, today, today)), &p);
        assert!(c.pass, "the last valid day is today");
    }

    #[test]
    fn nothing_to_judge_passes_with_no_value() {
        let today = "2026-12-04";
        for c in [
            expiry(None, &profile(today)),
            expiry(Some(&zone(false, "2012-04-15", today)), &profile(today)),
            expiry(Some(&zone(true, "2012-04-15", today)), &Profile::default()),
        ] {
            assert!(c.pass && c.value.is_none(), "{c:?}");
            assert!(c.message.starts_with("Not judged"));
        }
    }
}
