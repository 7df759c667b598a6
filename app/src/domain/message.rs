//! Messages that leave the portal by email or SMS: what each says, to whom,
//! by which channel, and how often a failed one is tried again.
//!
//! A message is written so that anyone who sees the phone's lock screen or
//! a shared inbox learns nothing sensitive: no child's name, no risk
//! reason, no note, no concern's text, no free text typed by staff. Where
//! there is more to know, it says only that something is waiting and links
//! to the page in the portal, behind a sign-in.

use super::london_time::{format_london_day, format_london_time, london_from_ms, ms_from_london};
use super::money::Canceller;
use super::schedule::BookingKind;

/// How a person wants to hear from the centre.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageBy {
    Email,
    Sms,
    /// Nothing, except what the centre must send.
    None,
}

impl MessageBy {
    pub const ALL: [MessageBy; 3] = [MessageBy::Email, MessageBy::Sms, MessageBy::None];

    pub fn as_str(self) -> &'static str {
        match self {
            MessageBy::Email => "email",
            MessageBy::Sms => "sms",
            MessageBy::None => "none",
        }
    }

    pub fn parse(text: &str) -> Option<MessageBy> {
        MessageBy::ALL.into_iter().find(|by| by.as_str() == text)
    }

    /// (value, words) for a drop-down.
    pub fn options() -> Vec<(String, String)> {
        MessageBy::ALL
            .into_iter()
            .map(|by| (by.as_str().to_owned(), by.label().to_owned()))
            .collect()
    }

    pub fn label(self) -> &'static str {
        match self {
            MessageBy::Email => "Email",
            MessageBy::Sms => "Text message",
            MessageBy::None => "Only what the centre must send",
        }
    }
}

/// The way one message goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Email,
    Sms,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
        }
    }

    pub fn parse(text: &str) -> Option<Channel> {
        match text {
            "email" => Some(Channel::Email),
            "sms" => Some(Channel::Sms),
            _ => None,
        }
    }
}

/// A person's contact details, as far as messages need them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub email: String,
    pub phone: String,
    pub by: MessageBy,
}

impl Contact {
    /// The channel and address for a message, if any: the person's choice
    /// when they gave that address; for a message the centre must send,
    /// whichever address there is (email first) even when they chose none.
    pub fn route(&self, must_send: bool) -> Option<(Channel, String)> {
        let email = Some(self.email.trim()).filter(|e| !e.is_empty());
        let phone = Some(self.phone.trim()).filter(|p| !p.is_empty());
        let by_email = email.map(|e| (Channel::Email, e.to_owned()));
        let by_sms = phone.map(|p| (Channel::Sms, p.to_owned()));
        match self.by {
            MessageBy::Email => by_email.or(if must_send { by_sms } else { None }),
            MessageBy::Sms => by_sms.or(if must_send { by_email } else { None }),
            MessageBy::None if must_send => by_email.or(by_sms),
            MessageBy::None => None,
        }
    }
}

/// What a message is about. The centre must send a cancellation, a move
/// and a suspension whatever the person chose: a parent must not travel to
/// a session that is off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    BookingCancelled,
    BookingMoved,
    ContactSuspended,
    ContactResumed,
    SessionReminder,
    RecordReleased,
    ReportReleased,
    ConcernRaised,
    RecordDue,
    NewReferral,
    WorkerTomorrow,
    RecordReturned,
    BookingConfirmed,
    PaymentDue,
}

impl MessageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::BookingCancelled => "booking cancelled",
            MessageKind::BookingMoved => "booking moved",
            MessageKind::ContactSuspended => "contact suspended",
            MessageKind::ContactResumed => "contact resumed",
            MessageKind::SessionReminder => "session reminder",
            MessageKind::RecordReleased => "record released",
            MessageKind::ReportReleased => "report released",
            MessageKind::ConcernRaised => "safeguarding concern",
            MessageKind::RecordDue => "record due",
            MessageKind::NewReferral => "new referral",
            MessageKind::WorkerTomorrow => "tomorrow's sessions",
            MessageKind::RecordReturned => "record returned",
            MessageKind::BookingConfirmed => "booking confirmed",
            MessageKind::PaymentDue => "payment due",
        }
    }

    pub fn must_send(self) -> bool {
        matches!(
            self,
            MessageKind::BookingCancelled
                | MessageKind::BookingMoved
                | MessageKind::ContactSuspended
                | MessageKind::ConcernRaised
        )
    }
}

/// One message, before it has an address: its subject, its plain-English
/// body, and the portal page it points to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub kind: MessageKind,
    pub subject: String,
    pub body: String,
    pub link_path: String,
}

impl Outgoing {
    fn new(kind: MessageKind, subject: &str, body: String, link_path: &str) -> Outgoing {
        Outgoing {
            kind,
            subject: subject.to_owned(),
            body,
            link_path: link_path.to_owned(),
        }
    }
}

/// The reasons the centre gives most, offered as one tap on the case page.
/// A message carries the reason only when it is one of these: anything
/// else a coordinator typed stays in the portal.
pub const CANCEL_REASONS: [&str; 5] = [
    "Child unwell",
    "Child has an appointment",
    "Staff unwell",
    "Centre closed",
    "Room not available",
];

/// The listed reason a typed one is, if it is one.
pub fn reason_kind(typed: &str) -> Option<&'static str> {
    let typed = typed.trim().trim_end_matches('.').trim();
    CANCEL_REASONS
        .into_iter()
        .find(|kind| kind.eq_ignore_ascii_case(typed))
}

fn when(kind: BookingKind, own_time_ms: i64) -> String {
    format!(
        "{} on {} at {}",
        kind.label().to_lowercase(),
        format_london_day(own_time_ms),
        format_london_time(own_time_ms)
    )
}

/// A booking of the parent's cancelled by someone else, with the parent's
/// own time. From the centre: its reason's kind, if listed, and that it
/// costs them nothing. From the other parent: only that it is off.
pub fn cancelled(by: Canceller, kind: BookingKind, own_time_ms: i64, reason: &str) -> Outgoing {
    let when = when(kind, own_time_ms);
    let body = match by {
        Canceller::Centre => {
            let why = match reason_kind(reason) {
                Some(kind) => format!("The reason: {}.", kind.to_lowercase()),
                None => "The reason is in your portal.".to_owned(),
            };
            format!(
                "The centre has cancelled your {when}. {why} You will not be charged for it. Please do not come to the centre for it."
            )
        }
        Canceller::Parent(_) => format!(
            "Your {when} is off: it has been cancelled. Please do not come to the centre for it. The centre will be in touch about the next one."
        ),
    };
    Outgoing::new(
        MessageKind::BookingCancelled,
        "A session is cancelled",
        body,
        "/parent",
    )
}

/// A booking of the parent's moved by the centre, with their own times.
pub fn moved(kind: BookingKind, old_own_ms: i64, new_own_ms: i64) -> Outgoing {
    let body = format!(
        "The centre has moved your {} to {} at {}.",
        when(kind, old_own_ms),
        format_london_day(new_own_ms),
        format_london_time(new_own_ms)
    );
    Outgoing::new(
        MessageKind::BookingMoved,
        "A session has moved",
        body,
        "/parent",
    )
}

/// Contact suspended: nothing of who missed sessions or why.
pub fn suspended() -> Outgoing {
    Outgoing::new(
        MessageKind::ContactSuspended,
        "Contact is on hold",
        "Contact is on hold and the sessions already booked will not go ahead for now. The centre will be in touch. More is in your portal.".to_owned(),
        "/parent",
    )
}

/// Contact starting again after a suspension.
pub fn resumed() -> Outgoing {
    Outgoing::new(
        MessageKind::ContactResumed,
        "Contact can start again",
        "Contact can start again. Your bookings are in your portal.".to_owned(),
        "/parent",
    )
}

/// A booking of the parent's is paid for in full, so it goes ahead.
pub fn confirmed(kind: BookingKind, own_time_ms: i64) -> Outgoing {
    Outgoing::new(
        MessageKind::BookingConfirmed,
        "A session is confirmed",
        format!(
            "Your {} is confirmed: it is paid for.",
            when(kind, own_time_ms)
        ),
        "/parent",
    )
}

/// A payment comes due within two days (or is due already).
pub fn payment_due(amount: super::money::Pence, what: &str, due_ms: i64) -> Outgoing {
    Outgoing::new(
        MessageKind::PaymentDue,
        "A payment is due",
        format!(
            "{amount} for {} is due by {}. How to pay, and the reference to give, are in your portal.",
            lowercase_first(what),
            format_london_day(due_ms)
        ),
        "/parent",
    )
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The day-before reminder, with the parent's own arrival time.
pub fn reminder(kind: BookingKind, own_time_ms: i64) -> Outgoing {
    Outgoing::new(
        MessageKind::SessionReminder,
        "Reminder: your session tomorrow",
        format!(
            "A reminder of your {}. Please arrive at that time, not earlier. If you cannot come, cancel it in your portal as soon as you can.",
            when(kind, own_time_ms)
        ),
        "/parent",
    )
}

/// To a referrer: a record or final report of their case is ready.
pub fn released(report: bool, case_reference: &str) -> Outgoing {
    let (kind, what) = if report {
        (MessageKind::ReportReleased, "A final report")
    } else {
        (MessageKind::RecordReleased, "A session record")
    };
    Outgoing::new(
        kind,
        &format!("{what} is ready to read"),
        format!(
            "{what} for case {case_reference} has been co-signed and is ready to read in the portal."
        ),
        "/referrer",
    )
}

/// To every coordinator, at once: a concern was raised. Its text stays in
/// the portal.
pub fn concern_raised(case_reference: &str) -> Outgoing {
    Outgoing::new(
        MessageKind::ConcernRaised,
        "Safeguarding concern raised",
        format!(
            "A worker has raised a safeguarding concern in a session of case {case_reference}. Read it in the portal now."
        ),
        "/coordinator",
    )
}

/// To every coordinator, at once: a case's contact is suspended after
/// three unexplained misses (recorded from a phone, say).
pub fn suspended_for_staff(case_reference: &str) -> Outgoing {
    Outgoing::new(
        MessageKind::ContactSuspended,
        "Contact suspended on a case",
        format!(
            "Contact on case {case_reference} is suspended after three missed sessions in a row, and its booked sessions are on hold."
        ),
        "/coordinator/cases",
    )
}

/// To a coordinator: a record with under 12 hours of its 48 left.
pub fn record_due(case_reference: &str, hours_left: i64) -> Outgoing {
    Outgoing::new(
        MessageKind::RecordDue,
        "A session record is nearly overdue",
        format!(
            "A session record of case {case_reference} is not yet signed and co-signed, with {hours_left} hours left of its 48-hour limit."
        ),
        "/coordinator/records",
    )
}

/// To every coordinator: a referral came in online.
pub fn new_referral(case_reference: &str) -> Outgoing {
    Outgoing::new(
        MessageKind::NewReferral,
        "New referral",
        format!("A new referral, {case_reference}, came in online and waits for a decision."),
        "/coordinator/cases",
    )
}

/// To a worker: how many sessions they have tomorrow, and the first.
pub fn worker_tomorrow(count: usize, first_ms: i64) -> Outgoing {
    let sessions = if count == 1 {
        "1 session".to_owned()
    } else {
        format!("{count} sessions")
    };
    Outgoing::new(
        MessageKind::WorkerTomorrow,
        "Your sessions tomorrow",
        format!(
            "You have {sessions} tomorrow, {}, the first at {}. Details are in session mode.",
            format_london_day(first_ms),
            format_london_time(first_ms)
        ),
        "/worker",
    )
}

/// To a worker: a record of theirs came back for amendment.
pub fn record_returned(case_reference: &str) -> Outgoing {
    Outgoing::new(
        MessageKind::RecordReturned,
        "A record needs changes",
        format!(
            "A session record of case {case_reference} has been returned to you for changes. The coordinator's note is in the portal."
        ),
        "/worker",
    )
}

/// The text of an email or SMS: the body, the link, and who sent it.
pub fn plain_text(out_body: &str, link: &str, centre: &str) -> String {
    if link.is_empty() {
        format!("{out_body}\n\n{centre}")
    } else {
        format!("{out_body}\n\n{link}\n\n{centre}")
    }
}

/// The same as a simple HTML page, every piece escaped.
pub fn html(out_body: &str, link: &str, centre: &str) -> String {
    let link_part = if link.is_empty() {
        String::new()
    } else {
        format!(
            "<p><a href=\"{0}\">Open the portal</a></p>",
            escape_html(link)
        )
    };
    format!(
        "<!DOCTYPE html><html lang=\"en\"><body style=\"font-family:sans-serif;font-size:16px;line-height:1.5\"><p>{}</p>{link_part}<p>{}</p></body></html>",
        escape_html(out_body),
        escape_html(centre)
    )
}

pub(crate) fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// When the reminder for something starting at `start_ms` goes: the day
/// before, at `minutes` past midnight, London time.
pub fn reminder_due_ms(start_ms: i64, minutes: u32) -> i64 {
    let day = london_from_ms(start_ms).date() - chrono::Duration::days(1);
    ms_from_london(
        day.and_time(chrono::NaiveTime::MIN) + chrono::Duration::minutes(i64::from(minutes)),
    )
}

/// A time of day typed as `HH:MM`, in minutes past midnight.
pub fn parse_time_of_day(text: &str) -> Option<u32> {
    let (hours, minutes) = text.trim().split_once(':')?;
    let (hours, minutes): (u32, u32) = (hours.parse().ok()?, minutes.parse().ok()?);
    (hours < 24 && minutes < 60 && text.trim().len() == 5).then_some(hours * 60 + minutes)
}

/// A record's 48 hours run out within 12: time to tell the coordinators.
pub const RECORD_WARNING_MS: i64 = 12 * 3_600_000;

/// How long to wait before trying a failed message again, by how many
/// tries it has had; `None` once it is time to give up (after six tries,
/// about seven hours from the first).
pub fn retry_after_ms(attempts: i64) -> Option<i64> {
    const MINUTE: i64 = 60_000;
    match attempts {
        ..=1 => Some(MINUTE / 2),
        2 => Some(2 * MINUTE),
        3 => Some(10 * MINUTE),
        4 => Some(60 * MINUTE),
        5 => Some(6 * 60 * MINUTE),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Parent;

    fn contact(email: &str, phone: &str, by: MessageBy) -> Contact {
        Contact {
            email: email.into(),
            phone: phone.into(),
            by,
        }
    }

    #[test]
    fn a_message_goes_the_way_the_person_chose_and_a_must_send_finds_a_way() {
        let both = contact("jade@example.org", "07700 900123", MessageBy::Sms);
        assert_eq!(
            both.route(false),
            Some((Channel::Sms, "07700 900123".into()))
        );
        let email_only = contact("jade@example.org", "", MessageBy::Sms);
        assert_eq!(email_only.route(false), None, "chose SMS, has no phone");
        assert_eq!(
            email_only.route(true),
            Some((Channel::Email, "jade@example.org".into()))
        );
        let quiet = contact("jade@example.org", "07700 900123", MessageBy::None);
        assert_eq!(quiet.route(false), None);
        assert_eq!(quiet.route(true).unwrap().0, Channel::Email);
        assert_eq!(contact(" ", "", MessageBy::Email).route(true), None);
    }

    #[test]
    fn a_cancellation_carries_a_listed_reason_and_never_what_staff_typed() {
        // Saturday 5 December 2026, 09:45 London.
        let at = 1_796_463_900_000;
        let listed = cancelled(Canceller::Centre, BookingKind::Session, at, "child unwell.");
        assert!(
            listed.body.contains("Sat 5 Dec 2026 at 09:45"),
            "{}",
            listed.body
        );
        assert!(
            listed.body.contains("The reason: child unwell."),
            "{}",
            listed.body
        );
        let typed = cancelled(
            Canceller::Centre,
            BookingKind::Session,
            at,
            "Lily told the worker her father frightens her",
        );
        assert!(!typed.body.contains("Lily"), "{}", typed.body);
        assert!(!typed.body.contains("father"), "{}", typed.body);
        assert!(typed.body.contains("The reason is in your portal."));
        let by_parent = cancelled(
            Canceller::Parent(Parent::Visiting),
            BookingKind::Session,
            at,
            "Child unwell",
        );
        assert!(!by_parent.body.contains("unwell"), "{}", by_parent.body);
        assert!(by_parent.body.contains("is off"), "{}", by_parent.body);
        assert!(MessageKind::BookingCancelled.must_send());
        assert!(!MessageKind::SessionReminder.must_send());
    }

    #[test]
    fn html_is_escaped_and_text_carries_the_link_and_the_centre() {
        let page = html(
            "<b>x</b> & y",
            "https://c.example/parent?a=1&b=2",
            "A & B Centre",
        );
        assert!(page.contains("&lt;b&gt;x&lt;/b&gt; &amp; y"), "{page}");
        assert!(page.contains("A &amp; B Centre"));
        assert!(page.contains("href=\"https://c.example/parent?a=1&amp;b=2\""));
        let text = plain_text("Body.", "https://c.example/parent", "Riverside");
        assert_eq!(text, "Body.\n\nhttps://c.example/parent\n\nRiverside");
    }

    #[test]
    fn a_reminder_goes_the_day_before_at_the_chosen_london_time_in_winter_and_summer() {
        use crate::domain::london_time::format_london;
        // Saturday 5 December 2026, 10:00 GMT.
        let winter = 1_796_464_800_000;
        assert_eq!(
            format_london(reminder_due_ms(winter, 17 * 60)),
            "Fri 4 Dec 2026, 17:00"
        );
        // Sunday 29 March 2026, 10:00 BST, the day the clocks went forward:
        // the reminder is at 17:00 on the Saturday, GMT.
        let summer = 1_774_774_800_000;
        assert_eq!(format_london(summer), "Sun 29 Mar 2026, 10:00");
        assert_eq!(
            format_london(reminder_due_ms(summer, 17 * 60 + 30)),
            "Sat 28 Mar 2026, 17:30"
        );
        assert_eq!(parse_time_of_day("17:00"), Some(1020));
        assert_eq!(parse_time_of_day("7:00"), None);
        assert_eq!(parse_time_of_day("24:00"), None);
    }

    #[test]
    fn retries_back_off_then_stop() {
        let waits: Vec<_> = (1..=6).map(retry_after_ms).collect();
        assert!(waits[..5].windows(2).all(|w| w[0] < w[1]), "{waits:?}");
        assert_eq!(waits[5], None);
        assert_eq!(MessageBy::parse("sms"), Some(MessageBy::Sms));
        assert_eq!(MessageBy::parse("fax"), None);
    }
}
