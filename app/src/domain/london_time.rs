//! Times are stored in UTC and shown in Europe/London. The UK rule since 1996:
//! British Summer Time (UTC+1) runs from 01:00 UTC on the last Sunday of March
//! to 01:00 UTC on the last Sunday of October; otherwise Greenwich Mean Time.
//! Written out here (rather than shipping a time-zone database to every
//! phone) and tested at both changes.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

use crate::error::AppError;

fn last_sunday(year: i32, month: u32) -> NaiveDate {
    let first_of_next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }
    .expect("valid first of month");
    let last = first_of_next - Duration::days(1);
    let back = last.weekday().num_days_from_sunday() as i64;
    last - Duration::days(back)
}

/// Whether British Summer Time is in force at this UTC instant.
pub fn is_summer_time(utc: NaiveDateTime) -> bool {
    let year = utc.year();
    let starts = last_sunday(year, 3)
        .and_hms_opt(1, 0, 0)
        .expect("valid time");
    let ends = last_sunday(year, 10)
        .and_hms_opt(1, 0, 0)
        .expect("valid time");
    utc >= starts && utc < ends
}

/// The wall-clock time in London for milliseconds since the Unix epoch.
pub fn london_from_ms(utc_ms: i64) -> NaiveDateTime {
    let utc = DateTime::from_timestamp_millis(utc_ms)
        .unwrap_or_default()
        .naive_utc();
    if is_summer_time(utc) {
        utc + Duration::hours(1)
    } else {
        utc
    }
}

/// Milliseconds since the Unix epoch for a London wall-clock time. In the
/// hour that does not exist (clocks go forward) the time is read as GMT; in
/// the hour that happens twice (clocks go back) the first, summer-time one is
/// meant. The centre is closed at both, so neither matters in practice.
pub fn ms_from_london(local: NaiveDateTime) -> i64 {
    let as_summer = local - Duration::hours(1);
    let utc = if is_summer_time(as_summer) {
        as_summer
    } else {
        local
    };
    utc.and_utc().timestamp_millis()
}

/// Today's date in London.
pub fn london_date(utc_ms: i64) -> NaiveDate {
    london_from_ms(utc_ms).date()
}

// Dates and times are formatted and parsed by hand rather than with chrono's
// format strings: those pull a general formatter into every phone's bundle.
const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// "Thu 26 Nov 2026".
pub fn format_day(date: NaiveDate) -> String {
    format!(
        "{} {} {} {}",
        WEEKDAYS[date.weekday().num_days_from_monday() as usize],
        date.day(),
        MONTHS[date.month0() as usize],
        date.year()
    )
}

/// "09:05".
pub fn format_time(time: NaiveTime) -> String {
    format!("{:02}:{:02}", time.hour(), time.minute())
}

/// "2026-11-26".
/// A stored YYYY-MM-DD date as people read it ("Fri 27 Nov 2026"); text
/// that is not such a date is shown as it is.
pub fn format_stored_day(text: &str) -> String {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(format_day)
        .unwrap_or_else(|_| text.to_owned())
}

pub fn format_iso_date(date: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day())
}

/// "Thu 26 Nov 2026, 19:33" in London time.
pub fn format_london(utc_ms: i64) -> String {
    let local = london_from_ms(utc_ms);
    format!(
        "{}, {}",
        format_day(local.date()),
        format_time(local.time())
    )
}

/// "Sat 5 Dec 2026" in London.
pub fn format_london_day(utc_ms: i64) -> String {
    format_day(london_from_ms(utc_ms).date())
}

/// "09:45" in London.
pub fn format_london_time(utc_ms: i64) -> String {
    format_time(london_from_ms(utc_ms).time())
}

/// Whole years between a date of birth and a day.
pub fn age_on(date_of_birth: NaiveDate, day: NaiveDate) -> u32 {
    let mut years = day.year() - date_of_birth.year();
    if (day.month(), day.day()) < (date_of_birth.month(), date_of_birth.day()) {
        years -= 1;
    }
    years.max(0) as u32
}

/// A calendar date typed as YYYY-MM-DD.
pub fn parse_date(field: &str, text: &str) -> Result<NaiveDate, AppError> {
    let invalid = || {
        AppError::invalid(
            field,
            "Enter the date as YYYY-MM-DD, for example 2019-04-23.",
        )
    };
    let parts: Vec<&str> = text.trim().split('-').collect();
    let [year, month, day] = parts[..] else {
        return Err(invalid());
    };
    let digits =
        |part: &str, len: usize| part.len() == len && part.bytes().all(|b| b.is_ascii_digit());
    if !(digits(year, 4) && digits(month, 2) && digits(day, 2)) {
        return Err(invalid());
    }
    let number = |part: &str| part.parse::<u32>().map_err(|_| invalid());
    NaiveDate::from_ymd_opt(number(year)? as i32, number(month)?, number(day)?).ok_or_else(invalid)
}

/// A time of day typed as HH:MM.
pub fn parse_time(field: &str, text: &str) -> Result<NaiveTime, AppError> {
    let invalid = || AppError::invalid(field, "Enter the time as HH:MM, for example 10:00.");
    let (hour, minute) = text.trim().split_once(':').ok_or_else(invalid)?;
    if hour.len() != 2 || minute.len() != 2 {
        return Err(invalid());
    }
    let hour: u32 = hour.parse().map_err(|_| invalid())?;
    let minute: u32 = minute.parse().map_err(|_| invalid())?;
    NaiveTime::from_hms_opt(hour, minute, 0).ok_or_else(invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_date_reads_as_a_day() {
        assert_eq!(format_stored_day("2026-11-27"), "Fri 27 Nov 2026");
        assert_eq!(format_stored_day("soon"), "soon");
    }

    fn utc_ms(text: &str) -> i64 {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M")
            .unwrap()
            .and_utc()
            .timestamp_millis()
    }

    #[test]
    fn summer_time_starts_at_one_in_the_morning_utc_on_the_last_sunday_of_march() {
        assert_eq!(
            format_london(utc_ms("2026-03-29 00:59")),
            "Sun 29 Mar 2026, 00:59"
        );
        assert_eq!(
            format_london(utc_ms("2026-03-29 01:00")),
            "Sun 29 Mar 2026, 02:00"
        );
    }

    #[test]
    fn summer_time_ends_at_one_in_the_morning_utc_on_the_last_sunday_of_october() {
        assert_eq!(
            format_london(utc_ms("2026-10-25 00:59")),
            "Sun 25 Oct 2026, 01:59"
        );
        assert_eq!(
            format_london(utc_ms("2026-10-25 01:00")),
            "Sun 25 Oct 2026, 01:00"
        );
    }

    #[test]
    fn london_wall_clock_times_convert_back_to_utc_in_both_seasons() {
        let local = |text| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap();
        assert_eq!(
            ms_from_london(local("2026-07-14 10:00")),
            utc_ms("2026-07-14 09:00")
        );
        assert_eq!(
            ms_from_london(local("2026-12-14 10:00")),
            utc_ms("2026-12-14 10:00")
        );
        for ms in [
            utc_ms("2026-03-29 09:00"),
            utc_ms("2026-10-25 09:00"),
            utc_ms("2026-10-24 09:00"),
        ] {
            assert_eq!(ms_from_london(london_from_ms(ms)), ms);
        }
    }

    #[test]
    fn days_and_times_are_shown_in_london() {
        assert_eq!(
            format_london_day(utc_ms("2026-07-04 23:30")),
            "Sun 5 Jul 2026"
        );
        assert_eq!(format_london_time(utc_ms("2026-07-04 08:45")), "09:45");
    }

    #[test]
    fn the_london_date_turns_at_local_midnight() {
        // 23:30 UTC in July is already the next day in London.
        assert_eq!(
            london_date(utc_ms("2026-07-14 23:30")),
            NaiveDate::from_ymd_opt(2026, 7, 15).unwrap()
        );
        assert_eq!(
            london_date(utc_ms("2026-12-14 23:30")),
            NaiveDate::from_ymd_opt(2026, 12, 14).unwrap()
        );
    }

    #[test]
    fn age_counts_whole_years_and_turns_on_the_birthday() {
        let dob = NaiveDate::from_ymd_opt(2018, 6, 15).unwrap();
        assert_eq!(
            age_on(dob, NaiveDate::from_ymd_opt(2026, 6, 14).unwrap()),
            7
        );
        assert_eq!(
            age_on(dob, NaiveDate::from_ymd_opt(2026, 6, 15).unwrap()),
            8
        );
    }

    #[test]
    fn times_are_typed_as_hours_and_minutes() {
        assert_eq!(format_time(parse_time("time", "09:05").unwrap()), "09:05");
        for bad in ["9:05", "25:00", "10:60", "ten", ""] {
            assert_eq!(
                parse_time("time", bad).unwrap_err().field(),
                Some("time"),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn dates_must_be_written_year_first() {
        assert_eq!(
            format_iso_date(parse_date("d", "2019-04-23").unwrap()),
            "2019-04-23"
        );
        assert!(parse_date("d", "2019-02-30").is_err());
        assert!(parse_date("d", "2019-4-23").is_err());
        assert!(parse_date("date_of_birth", "2019-04-23").is_ok());
        let error = parse_date("date_of_birth", "23/04/2019").unwrap_err();
        assert_eq!(error.field(), Some("date_of_birth"));
    }
}
