//! Days the centre is closed besides Sundays: the bank holidays of England
//! and Wales (worked out by their rules, for any year), and days the
//! coordinator adds (a training day, a one-off national holiday).
//!
//! The rules, from the Banking and Financial Dealings Act 1971 and its
//! proclamations: New Year's Day, Good Friday, Easter Monday, the first and
//! last Mondays of May, the last Monday of August, Christmas Day and Boxing
//! Day; a holiday on a weekend moves to the next weekday that is not already
//! a holiday. One-off holidays (a coronation, a state funeral) are not
//! rules: the coordinator adds them as closed days.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// A day the centre is closed, with the reason shown to whoever tries to
/// book it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosedDay {
    pub date: NaiveDate,
    pub reason: String,
}

/// The closures setting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closures {
    /// Closed on the bank holidays of England and Wales.
    pub bank_holidays: bool,
    /// Other closed days, in date order.
    pub extra: Vec<ClosedDay>,
}

impl Default for Closures {
    fn default() -> Self {
        Closures {
            bank_holidays: true,
            extra: Vec::new(),
        }
    }
}

impl Closures {
    /// Why the centre is closed on `date`, if it is (Sundays aside).
    pub fn closed_on(&self, date: NaiveDate) -> Option<String> {
        if let Some(day) = self.extra.iter().find(|day| day.date == date) {
            return Some(day.reason.clone());
        }
        if self.bank_holidays {
            return bank_holidays(date.year())
                .into_iter()
                .find(|(day, _)| *day == date)
                .map(|(_, name)| name.to_owned());
        }
        None
    }

    /// Adds a closed day (replacing the reason if the date is there already).
    pub fn add(&mut self, day: ClosedDay) {
        self.extra.retain(|kept| kept.date != day.date);
        self.extra.push(day);
        self.extra.sort_by_key(|kept| kept.date);
    }
}

/// Easter Sunday in the Gregorian calendar (the anonymous Gregorian
/// algorithm, as published by Meeus).
pub fn easter_sunday(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).expect("Easter is a real date")
}

fn first_monday(year: i32, month: u32) -> NaiveDate {
    NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Mon, 1)
        .expect("every month has a Monday")
}

fn last_monday(year: i32, month: u32) -> NaiveDate {
    NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Mon, 5)
        .or_else(|| NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Mon, 4))
        .expect("every month has four Mondays")
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The bank holidays of England and Wales in `year`, in date order, with
/// substitute days for those falling on a weekend.
pub fn bank_holidays(year: i32) -> Vec<(NaiveDate, &'static str)> {
    let easter = easter_sunday(year);
    let mut days: Vec<(NaiveDate, &'static str)> = vec![
        (easter - Duration::days(2), "Good Friday"),
        (easter + Duration::days(1), "Easter Monday"),
        (first_monday(year, 5), "Early May bank holiday"),
        (last_monday(year, 5), "Spring bank holiday"),
        (last_monday(year, 8), "Summer bank holiday"),
    ];
    // Fixed dates move to the next free weekday when they fall at a weekend.
    for (month, day, name) in [
        (1, 1, "New Year's Day"),
        (12, 25, "Christmas Day"),
        (12, 26, "Boxing Day"),
    ] {
        let mut date = NaiveDate::from_ymd_opt(year, month, day).expect("a real date");
        let substitute = is_weekend(date);
        while is_weekend(date) || days.iter().any(|(taken, _)| *taken == date) {
            date += Duration::days(1);
        }
        days.push((
            date,
            if substitute {
                match name {
                    "New Year's Day" => "New Year's Day (substitute day)",
                    "Christmas Day" => "Christmas Day (substitute day)",
                    _ => "Boxing Day (substitute day)",
                }
            } else {
                name
            },
        ));
    }
    days.sort_by_key(|(date, _)| *date);
    days
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn easter_falls_where_the_calendars_say() {
        assert_eq!(easter_sunday(2024), date(2024, 3, 31));
        assert_eq!(easter_sunday(2025), date(2025, 4, 20));
        assert_eq!(easter_sunday(2026), date(2026, 4, 5));
        assert_eq!(easter_sunday(2027), date(2027, 3, 28));
        assert_eq!(easter_sunday(2038), date(2038, 4, 25));
    }

    #[test]
    fn the_2026_bank_holidays_match_the_published_list() {
        let days: Vec<NaiveDate> = bank_holidays(2026).into_iter().map(|(d, _)| d).collect();
        assert_eq!(
            days,
            [
                date(2026, 1, 1),
                date(2026, 4, 3),
                date(2026, 4, 6),
                date(2026, 5, 4),
                date(2026, 5, 25),
                date(2026, 8, 31),
                date(2026, 12, 25),
                date(2026, 12, 28),
            ]
        );
    }

    #[test]
    fn christmas_and_boxing_day_at_a_weekend_both_get_a_weekday() {
        // 2027: Christmas on a Saturday, Boxing Day on a Sunday.
        let holidays = bank_holidays(2027);
        assert!(holidays.contains(&(date(2027, 12, 27), "Christmas Day (substitute day)")));
        assert!(holidays.contains(&(date(2027, 12, 28), "Boxing Day (substitute day)")));
        // 2022: New Year's Day on a Saturday moved to Monday 3 January.
        assert!(
            bank_holidays(2022).contains(&(date(2022, 1, 3), "New Year's Day (substitute day)"))
        );
        assert_eq!(bank_holidays(2027).len(), 8);
    }

    #[test]
    fn closures_name_the_reason_and_can_be_switched_off_or_added_to() {
        let mut closures = Closures::default();
        assert_eq!(
            closures.closed_on(date(2026, 5, 25)).as_deref(),
            Some("Spring bank holiday")
        );
        assert_eq!(closures.closed_on(date(2026, 5, 26)), None);
        closures.add(ClosedDay {
            date: date(2026, 5, 26),
            reason: "Staff training".into(),
        });
        assert_eq!(
            closures.closed_on(date(2026, 5, 26)).as_deref(),
            Some("Staff training")
        );
        closures.bank_holidays = false;
        assert_eq!(closures.closed_on(date(2026, 5, 25)), None);
    }
}
