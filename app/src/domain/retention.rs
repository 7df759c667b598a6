//! Data protection's rules: why a case closes, how long each kind of data is
//! kept after closure (the retention schedule), how a legal hold stops the
//! clock, when each kind is due for erasure, and the records of processing
//! that the privacy notice and the settings page print from the schedule.

use chrono::{DateTime, Months, Utc};
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// Why a coordinator closed a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClosureReason {
    ContactEnded,
    MovedElsewhere,
    CourtDecision,
    FamilyWithdrew,
    /// Closed by the decision itself: a declined referral's papers are
    /// kept, and erased, on the same schedule.
    ReferralDeclined,
}

impl ClosureReason {
    pub const ALL: [ClosureReason; 5] = [
        ClosureReason::ContactEnded,
        ClosureReason::MovedElsewhere,
        ClosureReason::CourtDecision,
        ClosureReason::FamilyWithdrew,
        ClosureReason::ReferralDeclined,
    ];

    /// The reasons a coordinator chooses from when closing a case (a
    /// declined referral closes by itself).
    pub const CHOSEN: [ClosureReason; 4] = [
        ClosureReason::ContactEnded,
        ClosureReason::MovedElsewhere,
        ClosureReason::CourtDecision,
        ClosureReason::FamilyWithdrew,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ClosureReason::ContactEnded => "contact_ended",
            ClosureReason::MovedElsewhere => "moved_elsewhere",
            ClosureReason::CourtDecision => "court_decision",
            ClosureReason::FamilyWithdrew => "family_withdrew",
            ClosureReason::ReferralDeclined => "referral_declined",
        }
    }

    pub fn parse(text: &str) -> Option<ClosureReason> {
        ClosureReason::ALL
            .into_iter()
            .find(|reason| reason.as_str() == text)
    }

    pub fn words(self) -> &'static str {
        match self {
            ClosureReason::ContactEnded => "Contact ended",
            ClosureReason::MovedElsewhere => "Moved to handovers elsewhere",
            ClosureReason::CourtDecision => "Court decision",
            ClosureReason::FamilyWithdrew => "Family withdrew",
            ClosureReason::ReferralDeclined => "Referral declined",
        }
    }
}

/// The kinds of data the schedule keeps for a set time after closure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataKind {
    /// Session entries, records, signatures, addenda, final reports and
    /// review outcomes.
    Records,
    /// The referral, its reasons and court papers, risk assessments.
    Referral,
    /// Charges, payments and a funder's payments.
    Payments,
    /// Sign-in accounts of parents and referrers with no open case.
    Accounts,
}

impl DataKind {
    pub const ALL: [DataKind; 4] = [
        DataKind::Records,
        DataKind::Referral,
        DataKind::Payments,
        DataKind::Accounts,
    ];

    /// The kinds whose time must be up before the case itself (names,
    /// children, bookings) is erased.
    pub const OF_A_CASE: [DataKind; 3] =
        [DataKind::Records, DataKind::Referral, DataKind::Payments];

    pub fn title(self) -> &'static str {
        match self {
            DataKind::Records => "Session records and reports",
            DataKind::Referral => "Referral and risk papers",
            DataKind::Payments => "Payments",
            DataKind::Accounts => "Parents' and referrers' accounts",
        }
    }

    /// What the kind holds, in a reader's words.
    pub fn holds(self) -> &'static str {
        match self {
            DataKind::Records => {
                "What workers saw and heard at each session, their signatures, corrections, and the final reports sent to referrers."
            }
            DataKind::Referral => {
                "Who referred the family and why, court orders, the risk assessments and what was decided."
            }
            DataKind::Payments => "What each parent was charged and paid, and what a funder paid.",
            DataKind::Accounts => {
                "Usernames, names and contact details of parents' and referrers' sign-ins."
            }
        }
    }

    /// Why the centre keeps it that long by default.
    pub fn reason(self) -> &'static str {
        match self {
            DataKind::Records => {
                "A court, a complaint or a safeguarding review can ask for them years after contact ends; six years matches the time limit for most civil claims (Limitation Act 1980)."
            }
            DataKind::Referral => {
                "They explain why sessions ran as they did, so they are kept as long as the records they explain."
            }
            DataKind::Payments => {
                "HMRC expects business records to be kept for six years for tax and audit."
            }
            DataKind::Accounts => {
                "Long enough to answer questions after contact ends; after that nobody needs to sign in."
            }
        }
    }

    /// Why the centre holds it at all (the purpose and lawful basis).
    pub fn purpose(self) -> &'static str {
        match self {
            DataKind::Records => {
                "To keep children safe during contact and to report to the court or referrer (public task or legitimate interests; special category data under substantial public interest: safeguarding of children)."
            }
            DataKind::Referral => {
                "To decide whether contact can be offered safely and on what terms (as for records)."
            }
            DataKind::Payments => {
                "To charge for the service and keep the centre's accounts (contract; legal obligation)."
            }
            DataKind::Accounts => {
                "To let parents and referrers see their own bookings and records (contract; legitimate interests)."
            }
        }
    }

    /// Who may see it.
    pub fn seen_by(self) -> &'static str {
        match self {
            DataKind::Records => {
                "The centre's coordinators, the workers of each session, and the case's referrer once co-signed."
            }
            DataKind::Referral => "The centre's coordinators.",
            DataKind::Payments => "The centre's coordinators and the parent who pays.",
            DataKind::Accounts => "The centre's coordinators and the person themselves.",
        }
    }
}

/// The retention schedule: years after closure per kind of data, and how
/// long a referrer keeps what was released to them once a case closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Retention {
    pub records_years: u32,
    pub referral_years: u32,
    pub payments_years: u32,
    pub accounts_years: u32,
    pub referrer_access_days: u32,
}

impl Default for Retention {
    fn default() -> Self {
        Retention {
            records_years: 6,
            referral_years: 6,
            payments_years: 6,
            accounts_years: 1,
            referrer_access_days: 90,
        }
    }
}

/// The longest a kind may be kept, in years, and a referrer's access, in
/// days: limits that catch a typing slip (60 for 6).
pub const MAX_YEARS: u32 = 25;
pub const MAX_REFERRER_DAYS: u32 = 730;

impl Retention {
    pub fn years(&self, kind: DataKind) -> u32 {
        match kind {
            DataKind::Records => self.records_years,
            DataKind::Referral => self.referral_years,
            DataKind::Payments => self.payments_years,
            DataKind::Accounts => self.accounts_years,
        }
    }

    /// Refuses a schedule a centre could not mean, in words.
    pub fn validate(&self) -> Result<(), AppError> {
        for kind in DataKind::ALL {
            let years = self.years(kind);
            if !(1..=MAX_YEARS).contains(&years) {
                return Err(AppError::invalid(
                    "retention",
                    format!(
                        "{} are kept for between 1 and {MAX_YEARS} years after closure, not {years}.",
                        kind.title()
                    ),
                ));
            }
        }
        let shortest_case_years = DataKind::OF_A_CASE
            .into_iter()
            .map(|kind| self.years(kind))
            .min()
            .unwrap_or(1);
        if self.accounts_years > shortest_case_years {
            return Err(AppError::invalid(
                "accounts_years",
                format!(
                    "An account is there to read its case: keep accounts for at most {shortest_case_years} year(s), as long as the shortest kind of case data, not {}.",
                    self.accounts_years
                ),
            ));
        }
        if i64::from(self.referrer_access_days) > i64::from(self.accounts_years) * 365 {
            return Err(AppError::invalid(
                "referrer_access_days",
                format!(
                    "A referrer's account is kept {} year(s) after closure: their access cannot last longer ({} days at most), not {} days.",
                    self.accounts_years,
                    i64::from(self.accounts_years) * 365,
                    self.referrer_access_days
                ),
            ));
        }
        if self.referrer_access_days > MAX_REFERRER_DAYS {
            return Err(AppError::invalid(
                "referrer_access_days",
                format!(
                    "A referrer keeps access for at most {MAX_REFERRER_DAYS} days after closure, not {}.",
                    self.referrer_access_days
                ),
            ));
        }
        Ok(())
    }

    /// The schedule as typed on the settings page, each number in words
    /// when it is not one.
    pub fn from_form(
        records: &str,
        referral: &str,
        payments: &str,
        accounts: &str,
        referrer_days: &str,
    ) -> Result<Retention, AppError> {
        let number = |field: &str, text: &str, what: &str| -> Result<u32, AppError> {
            text.trim().parse::<u32>().map_err(|_| {
                AppError::invalid(
                    field,
                    format!("Give {what} as a whole number, not {text:?}."),
                )
            })
        };
        let schedule = Retention {
            records_years: number("records_years", records, "the years records are kept")?,
            referral_years: number(
                "referral_years",
                referral,
                "the years referral papers are kept",
            )?,
            payments_years: number("payments_years", payments, "the years payments are kept")?,
            accounts_years: number("accounts_years", accounts, "the years accounts are kept")?,
            referrer_access_days: number(
                "referrer_access_days",
                referrer_days,
                "the days a referrer keeps access",
            )?,
        };
        schedule.validate()?;
        Ok(schedule)
    }

    /// The last moment a referrer still reads what was released to them
    /// before a case closed at `closed_ms`.
    pub fn referrer_access_until(&self, closed_ms: i64) -> i64 {
        closed_ms.saturating_add(self.referrer_access_ms())
    }

    /// The earliest closure whose referrer still reads, at `now_ms`, what
    /// was released before it.
    pub fn referrer_cutoff(&self, now_ms: i64) -> i64 {
        now_ms.saturating_sub(self.referrer_access_ms())
    }

    fn referrer_access_ms(&self) -> i64 {
        i64::from(self.referrer_access_days) * 86_400_000
    }
}

/// A case's closure and hold, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    pub closed_ms: i64,
    /// Time already spent under earlier holds.
    pub held_ms: i64,
    /// A hold in force now (since when).
    pub hold_since_ms: Option<i64>,
}

/// `years` calendar years after `from_ms` (29 February becomes 28th).
pub fn years_after(from_ms: i64, years: u32) -> i64 {
    DateTime::<Utc>::from_timestamp_millis(from_ms)
        .and_then(|at| at.checked_add_months(Months::new(years * 12)))
        .map_or(i64::MAX, |at| at.timestamp_millis())
}

impl Clock {
    /// When data kept `years` after closure is due for erasure: never while
    /// a hold is in force; later by the time earlier holds lasted.
    pub fn due_ms(&self, years: u32) -> Option<i64> {
        if self.hold_since_ms.is_some() {
            return None;
        }
        Some(years_after(self.closed_ms, years).saturating_add(self.held_ms))
    }

    /// The kinds of a case's data due at `now_ms`, in the schedule's order.
    pub fn kinds_due(&self, schedule: &Retention, now_ms: i64) -> Vec<DataKind> {
        DataKind::OF_A_CASE
            .into_iter()
            .filter(|kind| {
                self.due_ms(schedule.years(*kind))
                    .is_some_and(|due| due <= now_ms)
            })
            .collect()
    }

    /// Whether the whole case (names, children, bookings) goes: every kind
    /// of it is due.
    pub fn whole_case_due(&self, schedule: &Retention, now_ms: i64) -> bool {
        self.kinds_due(schedule, now_ms).len() == DataKind::OF_A_CASE.len()
    }

    /// The clock's time held once a hold in force ends at `now_ms`.
    pub fn held_after_lifting(&self, now_ms: i64) -> i64 {
        self.held_ms.saturating_add(
            self.hold_since_ms
                .map_or(0, |since| (now_ms - since).max(0)),
        )
    }
}

/// One line of the records of processing (UK GDPR article 30), from the
/// schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessingRecord {
    pub kind: DataKind,
    pub title: String,
    pub holds: String,
    pub purpose: String,
    pub seen_by: String,
    pub kept_for: String,
    pub reason: String,
}

/// "6 years after the case closes", in words.
pub fn kept_for_words(kind: DataKind, years: u32) -> String {
    let unit = if years == 1 { "year" } else { "years" };
    match kind {
        DataKind::Accounts => format!("{years} {unit} after the person's last case closes"),
        _ => format!("{years} {unit} after the case closes, longer while a legal hold applies"),
    }
}

pub fn processing_records(schedule: &Retention) -> Vec<ProcessingRecord> {
    DataKind::ALL
        .into_iter()
        .map(|kind| ProcessingRecord {
            kind,
            title: kind.title().to_owned(),
            holds: kind.holds().to_owned(),
            purpose: kind.purpose().to_owned(),
            seen_by: kind.seen_by().to_owned(),
            kept_for: kept_for_words(kind, schedule.years(kind)),
            reason: kind.reason().to_owned(),
        })
        .collect()
}

/// A legal hold's reason: required, and short enough to show in a line.
pub fn hold_reason(text: &str) -> Result<String, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::invalid(
            "hold_reason",
            "Say why the case is held, for example \"Court proceedings: hearing listed for March\".",
        ));
    }
    if text.chars().count() > 500 {
        return Err(AppError::invalid(
            "hold_reason",
            "Keep the reason for the hold under 500 characters.",
        ));
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000;
    // 1 March 2026 00:00 UTC.
    const CLOSED: i64 = 1_772_323_200_000;

    fn clock() -> Clock {
        Clock {
            closed_ms: CLOSED,
            held_ms: 0,
            hold_since_ms: None,
        }
    }

    #[test]
    fn data_is_due_the_set_number_of_calendar_years_after_closure() {
        let due = clock().due_ms(6).unwrap();
        // 1 March 2032: six calendar years, leap days included.
        assert_eq!(due, 1_961_712_000_000);
        let schedule = Retention {
            records_years: 6,
            referral_years: 3,
            payments_years: 6,
            ..Retention::default()
        };
        assert_eq!(
            clock().kinds_due(&schedule, due - 1),
            vec![DataKind::Referral]
        );
        assert!(!clock().whole_case_due(&schedule, due - 1));
        assert_eq!(clock().kinds_due(&schedule, due).len(), 3);
        assert!(clock().whole_case_due(&schedule, due));
    }

    #[test]
    fn a_hold_stops_the_clock_and_its_time_is_added_when_lifted() {
        let held = Clock {
            hold_since_ms: Some(CLOSED + 10 * DAY),
            ..clock()
        };
        assert_eq!(held.due_ms(1), None);
        assert!(held.kinds_due(&Retention::default(), i64::MAX).is_empty());
        let lifted = Clock {
            held_ms: held.held_after_lifting(CLOSED + 40 * DAY),
            hold_since_ms: None,
            ..held
        };
        assert_eq!(lifted.held_ms, 30 * DAY);
        assert_eq!(
            lifted.due_ms(1),
            Some(clock().due_ms(1).unwrap() + 30 * DAY)
        );
    }

    #[test]
    fn the_schedule_refuses_what_a_centre_could_not_mean() {
        assert!(Retention::default().validate().is_ok());
        let zero = Retention {
            payments_years: 0,
            ..Retention::default()
        };
        assert!(
            zero.validate()
                .unwrap_err()
                .to_string()
                .contains("Payments")
        );
        let sixty = Retention {
            records_years: 60,
            ..Retention::default()
        };
        assert!(sixty.validate().is_err());
        let long_access = Retention {
            referrer_access_days: 1000,
            accounts_years: 3,
            ..Retention::default()
        };
        assert!(long_access.validate().is_err());
        // Accounts outliving the case they read, or a referrer's access
        // outliving their account: refused.
        let accounts_longer = Retention {
            accounts_years: 7,
            ..Retention::default()
        };
        assert_eq!(
            accounts_longer.validate().unwrap_err().field(),
            Some("accounts_years")
        );
        let access_longer = Retention {
            referrer_access_days: 400,
            ..Retention::default()
        };
        assert_eq!(
            access_longer.validate().unwrap_err().field(),
            Some("referrer_access_days")
        );
    }

    #[test]
    fn the_settings_form_reads_whole_numbers_only() {
        let read = Retention::from_form("7", "6", "6", "2", "30").unwrap();
        assert_eq!(read.records_years, 7);
        assert_eq!(read.referrer_access_days, 30);
        let error = Retention::from_form("six", "6", "6", "2", "30").unwrap_err();
        assert_eq!(error.field(), Some("records_years"));
        assert!(Retention::from_form("6", "6", "6", "0", "30").is_err());
    }

    #[test]
    fn a_referrer_keeps_access_for_the_set_days() {
        let schedule = Retention::default();
        assert_eq!(schedule.referrer_access_until(CLOSED), CLOSED + 90 * DAY);
    }

    #[test]
    fn records_of_processing_follow_the_schedule() {
        let schedule = Retention {
            records_years: 10,
            accounts_years: 1,
            ..Retention::default()
        };
        let lines = processing_records(&schedule);
        assert_eq!(lines.len(), 4);
        assert!(
            lines[0]
                .kept_for
                .starts_with("10 years after the case closes")
        );
        assert_eq!(
            lines[3].kept_for,
            "1 year after the person's last case closes"
        );
        assert!(lines.iter().all(|line| !line.reason.is_empty()));
    }

    #[test]
    fn closure_reasons_read_back() {
        for reason in ClosureReason::ALL {
            assert_eq!(ClosureReason::parse(reason.as_str()), Some(reason));
        }
        assert_eq!(ClosureReason::parse("bored"), None);
        assert!(hold_reason("  ").is_err());
        assert_eq!(
            hold_reason(" Court proceedings ").unwrap(),
            "Court proceedings"
        );
    }
}
