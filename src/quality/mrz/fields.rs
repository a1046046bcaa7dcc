//! What the zone says: the named fields and dates, parsed by the `mrz` crate.
//!
//! Decides the field values reported in JSON (names as printed, dates as `YYYY-MM-DD`) and whether
//! a document has expired on a given day. The century of a birth date is the latest one that does
//! not put the birth after "today"; an expiry date is always 20xx (ICAO 9303 has no other rule).

use serde::Serialize;

use super::layout::MrzFormat;

/// A calendar day (proleptic Gregorian), as the caller's "today" and in reported dates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CalendarDate {
    /// Year, four digits.
    pub year: i32,
    /// 1–12.
    pub month: u32,
    /// 1–31.
    pub day: u32,
}

impl CalendarDate {
    /// A real calendar day, or `None`.
    pub fn new(year: i32, month: u32, day: u32) -> Option<Self> {
        let d = mrz::Date::new(year, month, day);
        d.is_well_formed()
            .then_some(CalendarDate { year, month, day })
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.trim().split('-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        CalendarDate::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    }

    /// The day `days` after 1970-01-01 (negative: before it); a shell turns its clock into
    /// "today" with this.
    pub fn from_epoch_days(days: i64) -> Self {
        let d = mrz::Date::from_epoch_days(days);
        CalendarDate {
            year: d.year,
            month: d.month,
            day: d.day,
        }
    }

    fn to_mrz(self) -> mrz::Date {
        mrz::Date::new(self.year, self.month, self.day)
    }

    /// Days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: CalendarDate) -> i64 {
        later.to_mrz().to_epoch_days() - self.to_mrz().to_epoch_days()
    }
}

impl std::fmt::Display for CalendarDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for CalendarDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The fields of the JSON contract. Text is as printed, fillers turned to spaces.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MrzFields {
    /// Document code (`P`, `ID`, …).
    pub document_type: String,
    /// Issuing state or organisation, three letters (ICAO 9303 code).
    pub issuing_state: String,
    /// Primary identifier (surname), `<` fillers as spaces.
    pub surname: String,
    /// Secondary identifier (given names), `<` fillers as spaces.
    pub given_names: String,
    /// Document number, fillers removed.
    pub document_number: String,
    /// Holder's nationality, three letters (ICAO 9303 code).
    pub nationality: String,
    /// `YYYY-MM-DD`, or `null` when the field is not a calendar date (unknown parts).
    pub birth_date: Option<CalendarDate>,
    /// `M`, `F` or `X` (`<` in the zone).
    pub sex: String,
    /// Date of expiry; `None` when the field is blank or not a date.
    pub expiry_date: Option<CalendarDate>,
    /// The optional data element(s), fillers trimmed; TD1's two joined with a space.
    pub optional_data: String,
}

/// Parses `lines` as `format`; `today` sets the century of the birth date. `None` when the lines
/// do not have the layout's shape or charset.
pub fn parse(format: MrzFormat, lines: &[String], today: CalendarDate) -> Option<MrzFields> {
    // Two-digit birth years above this are last century.
    let pivot = today.year.rem_euclid(100) as u32;
    let opts = mrz::ParseOptions::default().with_pivot_yy(pivot);
    let data = match (format, lines) {
        (MrzFormat::Td3, [a, b]) => mrz::parse_td3_with(a, b, &opts),
        (MrzFormat::Td2, [a, b]) => mrz::parse_td2_with(a, b, &opts),
        (MrzFormat::Td1, [a, b, c]) => mrz::parse_td1_with(a, b, c, &opts),
        _ => return None,
    }
    .ok()?;
    let date = |d: mrz::MrzDate| {
        d.calendar()
            .and_then(|c| CalendarDate::new(c.year, c.month, c.day))
    };
    let optional = [
        data.optional_data_1.as_deref(),
        data.optional_data_2.as_deref(),
    ]
    .into_iter()
    .flatten()
    .map(|s| s.replace('<', " ").trim().to_string())
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join(" ");
    let sex = match data.sex {
        mrz::Sex::Male => "M",
        mrz::Sex::Female => "F",
        _ => "X",
    };
    Some(MrzFields {
        document_type: data.document_type.clone(),
        issuing_state: data.issuing_country.clone(),
        surname: data.surname.clone(),
        given_names: data.given_names.clone(),
        document_number: data.full_document_number().to_string(),
        nationality: data.nationality.clone(),
        birth_date: date(data.date_of_birth),
        sex: sex.to_string(),
        expiry_date: date(data.date_of_expiry),
        optional_data: optional,
    })
}

/// Whether every check digit holds by the `mrz` crate's own reckoning (a second opinion on the
/// corrector's arithmetic, and the one that knows long document numbers).
pub fn crate_valid(format: MrzFormat, lines: &[String]) -> bool {
    let data = match (format, lines) {
        (MrzFormat::Td3, [a, b]) => mrz::parse_td3(a, b),
        (MrzFormat::Td2, [a, b]) => mrz::parse_td2(a, b),
        (MrzFormat::Td1, [a, b, c]) => mrz::parse_td1(a, b, c),
        _ => return false,
    };
    data.is_ok_and(|d| d.valid())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(l: &[&str]) -> Vec<String> {
        l.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn the_utopia_specimen_parses() {
        let zone = lines(&[
            "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
            "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
        ]);
        let today = CalendarDate::new(2026, 12, 4).unwrap();
        let f = parse(MrzFormat::Td3, &zone, today).unwrap();
        assert_eq!(f.surname, "ERIKSSON");
        assert_eq!(f.given_names, "ANNA MARIA");
        assert_eq!(f.document_number, "L898902C3");
        assert_eq!(f.birth_date.unwrap().to_string(), "1974-08-12");
        assert_eq!(f.expiry_date.unwrap().to_string(), "2012-04-15");
        assert_eq!(f.sex, "F");
        assert_eq!(f.optional_data, "ZE184226B");
        assert!(crate_valid(MrzFormat::Td3, &zone));
        let json = serde_json::to_value(&f).unwrap();
        assert_eq!(json["birth_date"], "1974-08-12");
    }

    #[test]
    fn a_birth_year_is_never_after_today() {
        let zone = lines(&[
            "P<SRBTEST<<MILICA<<<<<<<<<<<<<<<<<<<<<<<<<<<",
            "0000000000SRB6802295F22101042902968000000<40",
        ]);
        let f = parse(
            MrzFormat::Td3,
            &zone,
            CalendarDate::new(2026, 1, 1).unwrap(),
        )
        .unwrap();
        assert_eq!(f.birth_date.unwrap().to_string(), "1968-02-29");
        assert_eq!(f.expiry_date.unwrap().to_string(), "2022-10-10");
        assert!(crate_valid(MrzFormat::Td3, &zone));
    }

    #[test]
    fn dates_parse_strictly() {
        assert_eq!(
            CalendarDate::parse("2026-12-04"),
            CalendarDate::new(2026, 12, 4)
        );
        for bad in ["2026-02-30", "2026-12-4", "26-12-04", "2026-12-04-1", ""] {
            assert_eq!(CalendarDate::parse(bad), None, "{bad}");
        }
        let a = CalendarDate::new(2026, 12, 4).unwrap();
        assert_eq!(a.days_until(CalendarDate::new(2027, 1, 3).unwrap()), 30);
        let epoch = CalendarDate::new(1970, 1, 1).unwrap();
        assert_eq!(CalendarDate::from_epoch_days(epoch.days_until(a)), a);
    }

    #[test]
    fn the_wrong_shape_is_none() {
        let today = CalendarDate::new(2026, 1, 1).unwrap();
        assert_eq!(parse(MrzFormat::Td1, &lines(&["P<", "x"]), today), None);
        assert!(!crate_valid(MrzFormat::Td3, &lines(&["P<"])));
    }
}
