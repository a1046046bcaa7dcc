//! The wall-clock date: the one place a shell reads "today" (UTC) for the `expiry` check, since
//! `quality/` has no clock. `idcap check --today` and `idcap export --today` override it.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::quality::mrz::CalendarDate;

/// Today's date in UTC from the system clock (1970-01-01 if the clock is before the epoch).
pub fn today() -> CalendarDate {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    CalendarDate::from_epoch_days((secs / 86_400) as i64)
}
