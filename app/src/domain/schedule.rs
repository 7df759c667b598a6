//! Booking rules: staggered arrivals, centre hours, weekly series and clashes.
//! Times are milliseconds since the Unix epoch (UTC); the centre's hours and a
//! series' weekly repetition follow London wall-clock time.

use chrono::{Datelike, Duration, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

use super::london_time::{format_london_time, london_from_ms, ms_from_london};
use super::money::Parent;
use crate::error::AppError;

const MINUTE_MS: i64 = 60_000;

/// The kinds of contact a plan can set up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Service {
    Supervised,
    Supported,
    Handover,
    Indirect,
}

impl Service {
    pub fn as_str(self) -> &'static str {
        match self {
            Service::Supervised => "supervised",
            Service::Supported => "supported",
            Service::Handover => "handover",
            Service::Indirect => "indirect",
        }
    }

    pub fn parse(text: &str) -> Option<Service> {
        [
            Service::Supervised,
            Service::Supported,
            Service::Handover,
            Service::Indirect,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Service::Supervised => "Supervised",
            Service::Supported => "Supported",
            Service::Handover => "Handover",
            Service::Indirect => "Indirect",
        }
    }

    /// Only supervised contact is observed closely enough for a final
    /// report to the referrer; supported contact and handovers get none.
    pub fn gets_final_report(self) -> bool {
        self == Service::Supervised
    }

    /// Supervised contact has two workers in the room.
    pub fn workers_needed(self) -> usize {
        match self {
            Service::Supervised => 2,
            Service::Supported | Service::Handover => 1,
            Service::Indirect => 0,
        }
    }
}

/// What a booking is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BookingKind {
    /// A meeting with one parent before contact starts.
    PreVisit,
    Session,
    Handover,
    Review,
}

impl BookingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BookingKind::PreVisit => "pre_visit",
            BookingKind::Session => "session",
            BookingKind::Handover => "handover",
            BookingKind::Review => "review",
        }
    }

    pub fn parse(text: &str) -> Option<BookingKind> {
        [
            BookingKind::PreVisit,
            BookingKind::Session,
            BookingKind::Handover,
            BookingKind::Review,
        ]
        .into_iter()
        .find(|k| k.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            BookingKind::PreVisit => "Pre-visit",
            BookingKind::Session => "Contact session",
            BookingKind::Handover => "Handover",
            BookingKind::Review => "Review meeting",
        }
    }

    /// The kind as staff read it on a booking: a pre-visit says whose it is.
    pub fn words_with(self, parent: Option<Parent>) -> String {
        match (self, parent) {
            (BookingKind::PreVisit, Some(parent)) => {
                format!("Pre-visit, {} parent", parent.as_str())
            }
            _ => self.label().to_owned(),
        }
    }

    /// A booking's times as staff read them: a session or a handover gives
    /// the visiting parent's staggered arrival and departure beside the
    /// child's time; a pre-visit or a review meeting is one meeting.
    pub fn times_words(
        self,
        starts_ms: i64,
        ends_ms: i64,
        arrives_ms: i64,
        leaves_ms: i64,
    ) -> String {
        let at = format_london_time;
        if self.is_contact() {
            format!(
                "Visiting {}–{} · child {}–{}",
                at(arrives_ms),
                at(leaves_ms),
                at(starts_ms),
                at(ends_ms)
            )
        } else {
            format!("Meeting {}–{}", at(starts_ms), at(ends_ms))
        }
    }

    /// Sessions and handovers bring both parents and need a signed plan.
    pub fn is_contact(self) -> bool {
        matches!(self, BookingKind::Session | BookingKind::Handover)
    }
}

/// The centre's settings for staggered arrivals and departures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaggerSettings {
    /// The visiting parent arrives this long before the session starts.
    pub visiting_arrives_before_min: i64,
    /// The visiting parent leaves this long after the session ends (the
    /// child, with the resident parent, leaves first).
    pub visiting_leaves_after_min: i64,
    /// How long one person takes through the door: no two parents' arrivals
    /// or departures may fall within this of each other.
    pub door_window_min: i64,
}

impl Default for StaggerSettings {
    fn default() -> Self {
        StaggerSettings {
            visiting_arrives_before_min: 15,
            visiting_leaves_after_min: 10,
            door_window_min: 5,
        }
    }
}

/// Each parent's times for one session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaggeredTimes {
    pub visiting_arrives_ms: i64,
    /// The resident parent brings the child at the start, then leaves.
    pub resident_arrives_ms: i64,
    /// The resident parent collects the child at the end.
    pub resident_collects_ms: i64,
    pub visiting_leaves_ms: i64,
}

impl StaggeredTimes {
    /// From the visiting parent's arrival to their departure: how long the
    /// centre (room and workers) is taken.
    pub fn span(&self) -> (i64, i64) {
        (self.visiting_arrives_ms, self.visiting_leaves_ms)
    }
}

/// The staggered times for a session from `start_ms` to `end_ms`. Refuses a
/// session that ends before it starts, and settings under which the parents'
/// comings and goings would meet at the door.
pub fn stagger(
    start_ms: i64,
    end_ms: i64,
    settings: &StaggerSettings,
) -> Result<StaggeredTimes, AppError> {
    if end_ms <= start_ms {
        return Err(AppError::invalid(
            "end",
            "The session must end after it starts.",
        ));
    }
    let times = StaggeredTimes {
        visiting_arrives_ms: start_ms - settings.visiting_arrives_before_min * MINUTE_MS,
        resident_arrives_ms: start_ms,
        resident_collects_ms: end_ms,
        visiting_leaves_ms: end_ms + settings.visiting_leaves_after_min * MINUTE_MS,
    };
    if !parents_never_meet(&times, settings.door_window_min) {
        return Err(AppError::invalid(
            "stagger",
            format!(
                "The parents would meet at the door: the visiting parent must arrive at least {0} minutes before and leave at least {0} minutes after the other parent.",
                settings.door_window_min
            ),
        ));
    }
    Ok(times)
}

/// True when each parent's arrivals and departures are at least a door
/// window apart from the other parent's.
pub fn parents_never_meet(times: &StaggeredTimes, door_window_min: i64) -> bool {
    let window = door_window_min.max(0) * MINUTE_MS;
    let visiting = [times.visiting_arrives_ms, times.visiting_leaves_ms];
    let resident = [times.resident_arrives_ms, times.resident_collects_ms];
    visiting
        .iter()
        .all(|v| resident.iter().all(|r| (v - r).abs() >= window.max(1)))
}

/// The centre's opening hours, a setting: Monday to Saturday by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CentreHours {
    pub opens: NaiveTime,
    pub closes: NaiveTime,
}

impl Default for CentreHours {
    fn default() -> Self {
        CentreHours {
            opens: NaiveTime::from_hms_opt(9, 0, 0).expect("valid time"),
            closes: NaiveTime::from_hms_opt(18, 0, 0).expect("valid time"),
        }
    }
}

impl CentreHours {
    /// Refuses hours that close before they open.
    pub fn check(&self) -> Result<(), AppError> {
        if self.closes <= self.opens {
            return Err(AppError::invalid(
                "closes",
                "The centre must close after it opens.",
            ));
        }
        Ok(())
    }
}

impl StaggerSettings {
    /// Refuses settings out of reason, or under which the parents would
    /// meet at the door.
    pub fn check(&self) -> Result<(), AppError> {
        for (field, minutes, most) in [
            (
                "visiting_arrives_before_min",
                self.visiting_arrives_before_min,
                60,
            ),
            (
                "visiting_leaves_after_min",
                self.visiting_leaves_after_min,
                60,
            ),
            ("door_window_min", self.door_window_min, 30),
        ] {
            if !(0..=most).contains(&minutes) {
                return Err(AppError::invalid(
                    field,
                    format!("Give a number of minutes from 0 to {most}."),
                ));
            }
        }
        stagger(0, 60 * MINUTE_MS, self).map(|_| ())
    }
}

/// Refuses a span that is not wholly within one day's opening hours, Monday
/// to Saturday, London time, or that falls on a day the centre is closed.
pub fn check_centre_hours(
    span: (i64, i64),
    hours: &CentreHours,
    closures: &super::closures::Closures,
) -> Result<(), AppError> {
    let (from, to) = (london_from_ms(span.0), london_from_ms(span.1));
    if from.weekday() == Weekday::Sun {
        return Err(AppError::invalid(
            "start",
            "The centre is closed on Sundays.",
        ));
    }
    if let Some(reason) = closures.closed_on(from.date()) {
        return Err(AppError::invalid(
            "start",
            format!(
                "The centre is closed on {} ({reason}).",
                super::london_time::format_day(from.date())
            ),
        ));
    }
    if from.date() != to.date() || from.time() < hours.opens || to.time() > hours.closes {
        return Err(AppError::invalid(
            "start",
            format!(
                "The centre is open {} to {}: arrivals and departures must fall within those hours.",
                super::london_time::format_time(hours.opens),
                super::london_time::format_time(hours.closes)
            ),
        ));
    }
    Ok(())
}

/// Start times of a series: `count` sessions, `every_days` apart, at the same
/// London wall-clock time (10:00 stays 10:00 across the change of the clocks).
pub fn series_starts(first_start_ms: i64, count: u32, every_days: i64) -> Vec<i64> {
    let first = london_from_ms(first_start_ms);
    (0..count as i64)
        .map(|n| ms_from_london(first + Duration::days(n * every_days)))
        .collect()
}

/// Start times of a series that meets closed days (a bank holiday, a day
/// the coordinator closed): a session that would fall on one moves to the
/// end of the series, so the series still holds `count` sessions. A first
/// session on a closed day is refused instead, naming the day: the
/// coordinator chose that date.
pub fn open_series_starts(
    first_start_ms: i64,
    count: u32,
    every_days: i64,
    closures: &super::closures::Closures,
) -> Result<Vec<i64>, AppError> {
    let first_day = london_from_ms(first_start_ms).date();
    if let Some(reason) = closures.closed_on(first_day) {
        return Err(AppError::invalid(
            "start",
            format!(
                "The centre is closed on {} ({reason}). Choose another first date.",
                super::london_time::format_day(first_day)
            ),
        ));
    }
    // Closed days are few: a handful of extra weeks is plenty.
    let candidates = series_starts(first_start_ms, count + 10, every_days);
    let open: Vec<i64> = candidates
        .into_iter()
        .filter(|start| closures.closed_on(london_from_ms(*start).date()).is_none())
        .take(count as usize)
        .collect();
    Ok(open)
}

/// The most dates one booking action may choose.
pub const MOST_CHOSEN_DATES: usize = 26;

/// Start times on chosen dates, each at the first booking's London
/// wall-clock time, in date order. A closed day, a date before the first
/// or a date given twice is refused by name: the coordinator chose them.
pub fn chosen_starts(
    first_start_ms: i64,
    more_dates: &[chrono::NaiveDate],
    closures: &super::closures::Closures,
) -> Result<Vec<i64>, AppError> {
    if more_dates.len() > MOST_CHOSEN_DATES {
        return Err(AppError::invalid(
            "more_dates",
            format!("Choose at most {MOST_CHOSEN_DATES} more dates at a time."),
        ));
    }
    let first = london_from_ms(first_start_ms);
    let mut days: Vec<chrono::NaiveDate> = vec![first.date()];
    for date in more_dates {
        if *date <= first.date() {
            return Err(AppError::invalid(
                "more_dates",
                format!(
                    "{} is not after the first date. List only later dates.",
                    super::london_time::format_day(*date)
                ),
            ));
        }
        if days.contains(date) {
            return Err(AppError::invalid(
                "more_dates",
                format!("{} is listed twice.", super::london_time::format_day(*date)),
            ));
        }
        days.push(*date);
    }
    days.sort_unstable();
    for day in &days {
        if let Some(reason) = closures.closed_on(*day) {
            return Err(AppError::invalid(
                if *day == first.date() {
                    "start"
                } else {
                    "more_dates"
                },
                format!(
                    "The centre is closed on {} ({reason}). Choose another date.",
                    super::london_time::format_day(*day)
                ),
            ));
        }
    }
    Ok(days
        .into_iter()
        .map(|day| ms_from_london(day.and_time(first.time())))
        .collect())
}

/// What a booking takes: its span and the room, workers and parents in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub booking_id: i64,
    pub from_ms: i64,
    pub to_ms: i64,
    pub room: String,
    pub workers: Vec<(i64, String)>,
    pub parents: Vec<(i64, String)>,
}

/// What clashes with a proposed booking, named for the person booking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clash {
    Room { room: String, booking_id: i64 },
    Worker { name: String, booking_id: i64 },
    Parent { name: String, booking_id: i64 },
}

impl Clash {
    pub fn message(&self) -> String {
        match self {
            Clash::Room { room, booking_id } => {
                format!("{room} is already booked at that time (booking {booking_id}).")
            }
            Clash::Worker { name, booking_id } => {
                format!("{name} is already working at that time (booking {booking_id}).")
            }
            Clash::Parent { name, booking_id } => {
                format!("{name} already has a booking at that time (booking {booking_id}).")
            }
        }
    }
}

/// The first clash between `proposed` and the `existing` bookings. Spans are
/// half-open: one booking may end exactly when the next begins.
pub fn find_clash(proposed: &Slot, existing: &[Slot]) -> Option<Clash> {
    existing
        .iter()
        .filter(|other| other.booking_id != proposed.booking_id)
        .filter(|other| proposed.from_ms < other.to_ms && other.from_ms < proposed.to_ms)
        .find_map(|other| {
            if other.room == proposed.room {
                return Some(Clash::Room {
                    room: proposed.room.clone(),
                    booking_id: other.booking_id,
                });
            }
            let shared = |mine: &[(i64, String)], theirs: &[(i64, String)]| {
                mine.iter()
                    .find(|(id, _)| theirs.iter().any(|(other_id, _)| other_id == id))
                    .map(|(_, name)| name.clone())
            };
            if let Some(name) = shared(&proposed.workers, &other.workers) {
                return Some(Clash::Worker {
                    name,
                    booking_id: other.booking_id,
                });
            }
            shared(&proposed.parents, &other.parents).map(|name| Clash::Parent {
                name,
                booking_id: other.booking_id,
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pre_visit_says_whose_it_is_and_a_meeting_has_no_arrival_times() {
        // Tue 7 Jan 2031, 14:00-14:30 (GMT); the visiting parent's times
        // would be 13:45-14:40.
        let (start, end) = (1_925_560_800_000, 1_925_562_600_000);
        let (arrive, leave) = (start - 15 * 60_000, end + 10 * 60_000);
        assert_eq!(
            BookingKind::PreVisit.words_with(Some(Parent::Resident)),
            "Pre-visit, resident parent"
        );
        assert_eq!(BookingKind::Review.words_with(None), "Review meeting");
        assert_eq!(
            BookingKind::PreVisit.times_words(start, end, arrive, leave),
            "Meeting 14:00–14:30"
        );
        assert_eq!(
            BookingKind::Session.times_words(start, end, arrive, leave),
            "Visiting 13:45–14:40 · child 14:00–14:30"
        );
    }
    use crate::domain::closures::Closures;
    use chrono::NaiveDateTime;

    fn utc_ms(text: &str) -> i64 {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M")
            .unwrap()
            .and_utc()
            .timestamp_millis()
    }

    #[test]
    fn the_visiting_parent_comes_first_and_leaves_last() {
        let start = utc_ms("2026-12-05 10:00");
        let end = utc_ms("2026-12-05 11:00");
        let times = stagger(start, end, &StaggerSettings::default()).unwrap();
        assert_eq!(times.visiting_arrives_ms, utc_ms("2026-12-05 09:45"));
        assert_eq!(times.resident_arrives_ms, start);
        assert_eq!(times.resident_collects_ms, end);
        assert_eq!(times.visiting_leaves_ms, utc_ms("2026-12-05 11:10"));
        assert!(parents_never_meet(&times, 5));
    }

    #[test]
    fn settings_that_would_make_parents_meet_are_refused() {
        let settings = StaggerSettings {
            visiting_arrives_before_min: 2,
            ..StaggerSettings::default()
        };
        let error = stagger(0, 60 * MINUTE_MS, &settings).unwrap_err();
        assert_eq!(error.field(), Some("stagger"));
        let same_time = StaggerSettings {
            visiting_leaves_after_min: 0,
            door_window_min: 0,
            ..StaggerSettings::default()
        };
        assert!(stagger(0, 60 * MINUTE_MS, &same_time).is_err());
    }

    #[test]
    fn a_session_that_ends_before_it_starts_is_refused() {
        assert_eq!(
            stagger(10, 10, &StaggerSettings::default())
                .unwrap_err()
                .field(),
            Some("end")
        );
    }

    #[test]
    fn the_centre_is_closed_on_sundays_and_outside_its_hours() {
        let hours = CentreHours::default();
        // Saturday 5 December 2026, 09:45 to 11:10 London (GMT).
        assert!(
            check_centre_hours(
                (utc_ms("2026-12-05 09:45"), utc_ms("2026-12-05 11:10")),
                &hours,
                &Closures::default()
            )
            .is_ok()
        );
        assert!(
            check_centre_hours(
                (utc_ms("2026-12-06 09:45"), utc_ms("2026-12-06 11:10")),
                &hours,
                &Closures::default()
            )
            .is_err()
        );
        assert!(
            check_centre_hours(
                (utc_ms("2026-12-05 08:45"), utc_ms("2026-12-05 10:10")),
                &hours,
                &Closures::default()
            )
            .is_err()
        );
        // 17:30 to 18:30 UTC in July is 18:30 to 19:30 in London: closed.
        assert!(
            check_centre_hours(
                (utc_ms("2026-07-04 16:30"), utc_ms("2026-07-04 17:30")),
                &hours,
                &Closures::default()
            )
            .is_err()
        );
    }

    #[test]
    fn the_centre_is_closed_on_bank_holidays_and_settings_are_checked() {
        let hours = CentreHours::default();
        // Monday 31 August 2026 is the summer bank holiday (10:00 BST = 09:00 UTC).
        let holiday = (utc_ms("2026-08-31 09:00"), utc_ms("2026-08-31 10:00"));
        let refusal = check_centre_hours(holiday, &hours, &Closures::default()).unwrap_err();
        assert!(
            refusal.to_string().contains("Summer bank holiday"),
            "{refusal}"
        );
        let open_anyway = Closures {
            bank_holidays: false,
            extra: Vec::new(),
        };
        assert!(check_centre_hours(holiday, &hours, &open_anyway).is_ok());

        let backwards = CentreHours {
            opens: hours.closes,
            closes: hours.opens,
        };
        assert_eq!(backwards.check().unwrap_err().field(), Some("closes"));
        assert!(StaggerSettings::default().check().is_ok());
        let meeting = StaggerSettings {
            visiting_arrives_before_min: 2,
            ..StaggerSettings::default()
        };
        assert_eq!(meeting.check().unwrap_err().field(), Some("stagger"));
        let silly = StaggerSettings {
            door_window_min: 90,
            ..StaggerSettings::default()
        };
        assert_eq!(silly.check().unwrap_err().field(), Some("door_window_min"));
    }

    #[test]
    fn a_series_steps_over_closed_days_and_keeps_its_length() {
        // Fridays at 16:00 from 11 December 2026: Christmas Day and New
        // Year's Day are Fridays.
        let starts =
            open_series_starts(utc_ms("2026-12-11 16:00"), 6, 7, &Closures::default()).unwrap();
        let days: Vec<String> = starts
            .iter()
            .map(|s| london_from_ms(*s).date().to_string())
            .collect();
        assert_eq!(
            days,
            [
                "2026-12-11",
                "2026-12-18",
                "2027-01-08",
                "2027-01-15",
                "2027-01-22",
                "2027-01-29"
            ]
        );
        let refused =
            open_series_starts(utc_ms("2026-12-25 16:00"), 6, 7, &Closures::default()).unwrap_err();
        assert!(refused.to_string().contains("Christmas Day"), "{refused}");
    }

    #[test]
    fn a_weekly_series_keeps_its_london_time_across_the_clock_change() {
        // Saturdays at 10:00 London from 17 October 2026; the clocks go back on 25 October.
        let starts = series_starts(utc_ms("2026-10-17 09:00"), 6, 7);
        assert_eq!(starts.len(), 6);
        assert_eq!(starts[1], utc_ms("2026-10-24 09:00"));
        assert_eq!(starts[2], utc_ms("2026-10-31 10:00"));
        for start in starts {
            assert_eq!(
                london_from_ms(start).format("%a %H:%M").to_string(),
                "Sat 10:00"
            );
        }
    }

    fn slot(id: i64, from: i64, to: i64, room: &str, workers: &[i64], parents: &[i64]) -> Slot {
        Slot {
            booking_id: id,
            from_ms: from,
            to_ms: to,
            room: room.into(),
            workers: workers
                .iter()
                .map(|w| (*w, format!("Worker {w}")))
                .collect(),
            parents: parents
                .iter()
                .map(|p| (*p, format!("Parent {p}")))
                .collect(),
        }
    }

    #[test]
    fn clashes_name_the_room_the_worker_or_the_parent() {
        let existing = [slot(1, 100, 200, "Blue room", &[7, 8], &[20, 21])];
        let room = find_clash(&slot(2, 150, 250, "Blue room", &[9], &[30]), &existing).unwrap();
        assert_eq!(
            room.message(),
            "Blue room is already booked at that time (booking 1)."
        );
        let worker = find_clash(&slot(2, 150, 250, "Green room", &[8], &[30]), &existing).unwrap();
        assert_eq!(
            worker,
            Clash::Worker {
                name: "Worker 8".into(),
                booking_id: 1
            }
        );
        let parent = find_clash(&slot(2, 150, 250, "Green room", &[9], &[21]), &existing).unwrap();
        assert_eq!(
            parent,
            Clash::Parent {
                name: "Parent 21".into(),
                booking_id: 1
            }
        );
    }

    #[test]
    fn back_to_back_bookings_and_a_booking_moved_in_place_do_not_clash() {
        let existing = [slot(1, 100, 200, "Blue room", &[7], &[20])];
        assert_eq!(
            find_clash(&slot(2, 200, 300, "Blue room", &[7], &[20]), &existing),
            None
        );
        assert_eq!(
            find_clash(&slot(1, 150, 250, "Blue room", &[7], &[20]), &existing),
            None
        );
    }

    #[test]
    fn chosen_dates_keep_the_first_time_of_day_across_the_clock_change() {
        use chrono::NaiveDate;
        let day = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
        // Saturday 24 October 2026, 10:00 BST; the clocks go back on the 25th.
        let first = ms_from_london(day("2026-10-24").and_hms_opt(10, 0, 0).unwrap());
        let closures = super::super::closures::Closures::default();
        let starts =
            chosen_starts(first, &[day("2026-11-07"), day("2026-10-31")], &closures).unwrap();
        assert_eq!(starts.len(), 3);
        let shown: Vec<String> = starts
            .iter()
            .map(|s| london_from_ms(*s).format("%d %H:%M").to_string())
            .collect();
        assert_eq!(
            shown,
            ["24 10:00", "31 10:00", "07 10:00"],
            "in date order, 10:00 each"
        );
        let before = chosen_starts(first, &[day("2026-10-20")], &closures).unwrap_err();
        assert_eq!(before.field(), Some("more_dates"));
        let twice =
            chosen_starts(first, &[day("2026-10-31"), day("2026-10-31")], &closures).unwrap_err();
        assert!(twice.to_string().contains("twice"), "{twice}");
        let christmas = chosen_starts(first, &[day("2026-12-25")], &closures).unwrap_err();
        assert!(christmas.to_string().contains("closed"), "{christmas}");
    }
}
