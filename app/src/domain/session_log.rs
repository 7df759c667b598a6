//! What a contact worker records during a session, and the rules that turn
//! the entries of both workers into one record: what each entry may say,
//! which entries a supported session allows, the merged timeline with
//! corrections kept as history, attendance times, and who held sight and
//! sound of the child for every minute.
//!
//! Pure logic: the phone queues entries (`sync_queue`), the server stores
//! them, and both call these functions to check and to show them.

use serde::{Deserialize, Serialize};

use crate::domain::schedule::Service;

/// The longest an observation's text may be, in characters.
pub const MAX_TEXT_CHARS: usize = 4_000;

/// How far an entry's time may lie outside the booked session: workers log
/// arrivals before the start and a late note after the end, but an entry a
/// day away is a mistake (usually a wrong clock) and is refused.
pub const SLACK_MS: i64 = 3 * 3_600_000;

/// What an observation is about. The worker chooses one before typing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Arrival,
    Greeting,
    Play,
    Conversation,
    CareTask,
    PhysicalContact,
    GroundRules,
    Distress,
    SafeguardingConcern,
    Departure,
}

impl Category {
    pub const ALL: [Category; 10] = [
        Category::Arrival,
        Category::Greeting,
        Category::Play,
        Category::Conversation,
        Category::CareTask,
        Category::PhysicalContact,
        Category::GroundRules,
        Category::Distress,
        Category::SafeguardingConcern,
        Category::Departure,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Category::Arrival => "Arrival",
            Category::Greeting => "Greeting",
            Category::Play => "Play",
            Category::Conversation => "Conversation",
            Category::CareTask => "Care task",
            Category::PhysicalContact => "Physical contact",
            Category::GroundRules => "Ground rules",
            Category::Distress => "Distress",
            Category::SafeguardingConcern => "Safeguarding concern",
            Category::Departure => "Departure",
        }
    }

    /// Phrases a worker can pick instead of typing, one hand on the phone.
    pub fn quick_phrases(self) -> &'static [&'static str] {
        match self {
            Category::Arrival => &["Arrived on time", "Arrived late", "Child came in happily"],
            Category::Greeting => &[
                "Warm greeting",
                "Hug on greeting",
                "Child hesitant at first",
            ],
            Category::Play => &["Played together calmly", "Board game", "Drawing together"],
            Category::Conversation => &[
                "Talked about school",
                "Talked about friends",
                "Child chatted freely",
            ],
            Category::CareTask => &["Snack shared", "Nappy change", "Toilet trip with worker"],
            Category::PhysicalContact => &[
                "Appropriate cuddle",
                "Held hands",
                "Contact stopped by worker",
            ],
            Category::GroundRules => &[
                "Reminded of ground rules",
                "Whispering stopped",
                "Phone use stopped",
            ],
            Category::Distress => &[
                "Child upset, settled quickly",
                "Child asked to leave",
                "Parent upset",
            ],
            Category::SafeguardingConcern => &[
                "Inappropriate remark",
                "Attempt to pass a note",
                "Session stopped",
            ],
            Category::Departure => &["Calm goodbye", "Child reluctant to leave", "Left on time"],
        }
    }

    /// Safeguarding concerns reach the coordinator first, whatever the service.
    pub fn is_safeguarding(self) -> bool {
        self == Category::SafeguardingConcern
    }
}

/// Whose arrival or departure an attendance entry records, in the order the
/// staggered times bring them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    VisitingParent,
    Child,
}

impl Party {
    pub fn label(self) -> &'static str {
        match self {
            Party::VisitingParent => "Visiting parent",
            Party::Child => "Child",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Movement {
    Arrived,
    Left,
}

/// One attendance moment, in the order of the staggered times.
pub const MOVEMENTS: [(Party, Movement); 4] = [
    (Party::VisitingParent, Movement::Arrived),
    (Party::Child, Movement::Arrived),
    (Party::Child, Movement::Left),
    (Party::VisitingParent, Movement::Left),
];

pub fn movement_label(party: Party, movement: Movement) -> String {
    match movement {
        Movement::Arrived => format!("{} arrived", party.label()),
        Movement::Left => format!("{} left", party.label()),
    }
}

/// What one entry records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EntryKind {
    Started,
    Ended,
    /// An arrival or departure. A later entry for the same moment corrects it.
    Attendance {
        party: Party,
        movement: Movement,
    },
    Observation {
        category: Category,
        text: String,
        /// The child it is about, by first name, when the case has more
        /// than one; absent (not stored) when it is about them all.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        child: Option<String>,
    },
    /// Nobody came, or the child was not brought: the session did not take
    /// place. `who` is the one who did not come; `reason` is what the
    /// worker was told, empty when no explanation was given. A later entry
    /// corrects an earlier one.
    NotAttended {
        who: Party,
        #[serde(default)]
        reason: String,
    },
    /// New wording for an earlier observation; the earlier text stays as history.
    Correction {
        of: String,
        text: String,
    },
    /// Sight and sound of the child passes to this worker (a user id).
    SightAndSound {
        holder: i64,
    },
    /// The worker's record of the session, signed on the phone (perhaps
    /// without signal). The server turns it into a signature of the record
    /// (`server::records::sign_from_phone`); it is never stored as an entry.
    Signature {
        summary: String,
        ended_early: String,
        incident: String,
        /// Why the other worker did not sign, if they will not.
        unsigned_note: String,
        /// `pin::signing_proof` for this item: the PIN itself is not kept.
        proof: String,
        /// `pin::text_proof` for this item and the text above: a text
        /// changed on the phone after signing no longer matches it. Empty
        /// from builds older than the proof (refused: sign again).
        #[serde(default)]
        text_proof: String,
    },
}

impl EntryKind {
    /// The short name stored beside the entry, for queries.
    pub fn as_str(&self) -> &'static str {
        match self {
            EntryKind::Started => "started",
            EntryKind::Ended => "ended",
            EntryKind::Attendance { .. } => "attendance",
            // Stored as an attendance entry: the body says which.
            EntryKind::NotAttended { .. } => "attendance",
            EntryKind::Observation { .. } => "observation",
            EntryKind::Correction { .. } => "correction",
            EntryKind::SightAndSound { .. } => "sight_and_sound",
            EntryKind::Signature { .. } => "signature",
        }
    }

    pub fn is_safeguarding(&self) -> bool {
        matches!(self, EntryKind::Observation { category, .. } if category.is_safeguarding())
    }
}

/// One entry as the phone queues it and the server receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionEntry {
    pub booking_id: i64,
    /// When it happened, by the phone's clock: for an observation, when the
    /// worker began the entry; for attendance, the time they chose.
    pub at_ms: i64,
    pub kind: EntryKind,
}

/// How far after the server's clock (once the phone's measured offset is
/// allowed for) an entry may be dated: a few minutes of drift between the
/// phone's clock and its last offset, no more.
pub const AHEAD_SLACK_MS: i64 = 5 * 60_000;

/// A phone clock further than this from the server's is shown on the
/// record beside the times it gave.
pub const SHOWN_OFFSET_MS: i64 = 60_000;

/// What the server knows of a session when it checks an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionFacts {
    pub service: Service,
    pub starts_ms: i64,
    pub ends_ms: i64,
    pub cancelled: bool,
    /// The record is signed (or released): what arrives now is stored as a
    /// late entry, outside what the signatures cover.
    pub locked: bool,
    /// The workers booked to supervise it.
    pub workers: Vec<i64>,
}

/// Who sent an entry and when it reached the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arrival {
    /// The signed-in worker who sent it.
    pub sender: i64,
    /// The server's clock on receipt.
    pub server_ms: i64,
    /// How far the phone's clock was behind the server's when it sent the
    /// batch (server minus phone; negative when the phone was fast).
    pub clock_offset_ms: i64,
}

impl Arrival {
    /// How far after the server's clock the phone dated `at_ms`, once its
    /// offset is allowed for (negative or zero: not ahead). Saturating: the
    /// numbers come from the phone.
    pub fn ahead_ms(&self, at_ms: i64) -> i64 {
        at_ms
            .saturating_add(self.clock_offset_ms)
            .saturating_sub(self.server_ms)
    }
}

/// How an accepted entry is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Part of the record as the workers sign it.
    OnTime,
    /// Received after the record was signed: stored and shown as "received
    /// after signing", never covered by the signatures already made.
    Late,
}

/// Checks one entry against its session and its sender. Returns how it is
/// stored, or the reason for refusing it, in words the worker can act on.
///
/// A safeguarding concern from a worker booked on the session is never
/// refused for its record being signed, its session cancelled or its time:
/// it is stored (late when the record is signed) and reaches the
/// coordinator; its times are shown beside the server's.
/// The refusal for a session the sender is not booked on, the same whether
/// or not it exists: a worker learns nothing of other families' sessions.
pub const NOT_YOURS: &str = "You are not booked to supervise this session, so nothing can be recorded for it from your sign-in.";

pub fn check_entry(
    entry: &SessionEntry,
    session: &SessionFacts,
    arrival: &Arrival,
) -> Result<Admission, String> {
    if !session.workers.contains(&arrival.sender) {
        return Err(NOT_YOURS.into());
    }
    let admission = if session.locked {
        Admission::Late
    } else {
        Admission::OnTime
    };
    if let EntryKind::Observation { category, text, .. } = &entry.kind
        && category.is_safeguarding()
    {
        check_text(text)?;
        return Ok(admission);
    }
    if session.cancelled {
        return Err("This session was cancelled, so nothing more can be recorded for it.".into());
    }
    let ahead = arrival.ahead_ms(entry.at_ms);
    if ahead > AHEAD_SLACK_MS {
        return Err(format!(
            "This entry is dated {} minutes after the centre's clock, so it cannot have happened yet. Check the phone's clock and the time you chose.",
            ahead / 60_000
        ));
    }
    if let EntryKind::Signature { .. } = entry.kind {
        // Signed after the session, up to the 48-hour limit and beyond:
        // only a time before the session is wrong.
        if entry.at_ms < session.starts_ms.saturating_sub(SLACK_MS) {
            return Err(
                "This signature is dated before the session. Check the phone's clock.".into(),
            );
        }
        return Ok(admission);
    }
    if entry.at_ms < session.starts_ms.saturating_sub(SLACK_MS)
        || entry.at_ms > session.ends_ms.saturating_add(SLACK_MS)
    {
        return Err(
            "The time of this entry is far from the session's time. Check the phone's clock and the time you chose."
                .into(),
        );
    }
    let supported = session.service != Service::Supervised;
    match &entry.kind {
        EntryKind::Observation { text, child, .. } => {
            check_text(text)?;
            check_child(child.as_deref())?;
            if supported {
                return Err(
                    "Supported sessions record attendance only (and safeguarding concerns), not notes."
                        .into(),
                );
            }
        }
        EntryKind::Correction { of, text } => {
            check_text(text)?;
            if of.trim().is_empty() {
                return Err("A correction must say which entry it corrects.".into());
            }
        }
        EntryKind::SightAndSound { holder } => {
            if supported {
                return Err("Sight and sound is recorded for supervised sessions only.".into());
            }
            if !session.workers.contains(holder) {
                return Err(
                    "Sight and sound can pass only to a worker booked for this session.".into(),
                );
            }
        }
        EntryKind::NotAttended { reason, .. } => {
            if reason.chars().count() > MAX_REASON_CHARS {
                return Err(format!(
                    "The reason is longer than {MAX_REASON_CHARS} characters. Keep it short; the record has room for the rest."
                ));
            }
        }
        EntryKind::Started
        | EntryKind::Ended
        | EntryKind::Attendance { .. }
        | EntryKind::Signature { .. } => {}
    }
    Ok(admission)
}

/// The most a non-attendance reason may hold, in characters.
pub const MAX_REASON_CHARS: usize = 500;

/// A child named on an observation: a first name, not a paragraph.
fn check_child(child: Option<&str>) -> Result<(), String> {
    match child {
        Some(name) if name.trim().is_empty() || name.chars().count() > 60 => Err(
            "Name the child by their first name, or leave the entry about all the children.".into(),
        ),
        _ => Ok(()),
    }
}

fn check_text(text: &str) -> Result<(), String> {
    let length = text.trim().chars().count();
    if length == 0 {
        return Err(
            "The observation is empty. Type what you saw and heard, or pick a phrase.".into(),
        );
    }
    if length > MAX_TEXT_CHARS {
        return Err(format!(
            "The observation is {length} characters long; the most is {MAX_TEXT_CHARS}. Split it into two entries."
        ));
    }
    Ok(())
}

/// An entry as stored, with its author: the input of the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedEntry {
    pub id: String,
    pub author: i64,
    pub at_ms: i64,
    /// When the phone saved it (its clock); orders corrections of one entry.
    pub saved_ms: i64,
    pub kind: EntryKind,
}

/// One observation in the record, with its wording history (oldest first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObservationLine {
    pub id: String,
    pub author: i64,
    pub at_ms: i64,
    pub category: Category,
    /// The current wording.
    pub text: String,
    /// The child it is about, when it names one.
    #[serde(default)]
    pub child: Option<String>,
    /// Earlier wordings, kept, never overwritten.
    pub history: Vec<String>,
}

/// A span of time and who held sight and sound in it (`None`: nobody, a gap).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holding {
    pub from_ms: i64,
    pub to_ms: i64,
    pub holder: Option<i64>,
}

/// The merged record of one session from every worker's entries.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub started_ms: Option<i64>,
    pub ended_ms: Option<i64>,
    /// The latest time recorded for each attendance moment, in staggered order.
    pub attendance: Vec<(Party, Movement, i64)>,
    /// Observations in time order.
    pub observations: Vec<ObservationLine>,
    /// Handovers in time order: (when, to whom).
    pub handovers: Vec<(i64, i64)>,
    /// When the record was signed on this phone, while that signature waits
    /// to sync.
    pub signed_on_phone_ms: Option<i64>,
    /// The session did not take place: who did not come, and why.
    pub not_attended: Option<NonAttendance>,
}

/// A session that did not take place, as the worker recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NonAttendance {
    pub who: Party,
    /// What the worker was told; empty when no explanation was given.
    pub reason: String,
    pub at_ms: i64,
    pub saved_ms: i64,
}

impl Record {
    /// The session did not take place: a non-attendance was recorded and
    /// the session never started. Its record is a short non-attendance
    /// record, not a narrative.
    pub fn did_not_take_place(&self) -> Option<&NonAttendance> {
        self.not_attended
            .as_ref()
            .filter(|_| self.started_ms.is_none())
    }

    /// Whether signing needs the workers' written summary: a supervised
    /// session's narrative, or the short record of one that did not take
    /// place.
    pub fn needs_summary(&self, service: Service) -> bool {
        service == Service::Supervised || self.did_not_take_place().is_some()
    }
}

/// What the summary field asks for on a record of a session that did not
/// take place.
pub const NON_ATTENDANCE_PROMPT: &str =
    "Non-attendance record: how long you waited, whom you told, anything the child or parent said";

impl NonAttendance {
    /// The booking's attendance it records, for the three-misses rule. A
    /// child not brought is not the visiting parent's miss.
    pub fn attendance(&self) -> crate::domain::attendance::Attendance {
        use crate::domain::attendance::Attendance;
        match (self.who, self.reason.is_empty()) {
            (Party::VisitingParent, true) => Attendance::MissedWithoutReason,
            (Party::VisitingParent, false) | (Party::Child, _) => Attendance::MissedWithReason,
        }
    }

    /// In words, for the session page, the record and its PDF.
    pub fn words(&self) -> String {
        let what = match self.who {
            Party::VisitingParent => "The visiting parent did not come",
            Party::Child => "The child was not brought",
        };
        if self.reason.is_empty() {
            format!("{what}: no explanation given.")
        } else {
            format!("{what}: {}", self.reason)
        }
    }
}

impl Record {
    /// Who holds sight and sound now: the last handover's worker.
    pub fn holder(&self) -> Option<i64> {
        self.handovers.last().map(|(_, holder)| *holder)
    }

    pub fn safeguarding_concerns(&self) -> usize {
        self.observations
            .iter()
            .filter(|line| line.category.is_safeguarding())
            .count()
    }

    pub fn attendance_at(&self, party: Party, movement: Movement) -> Option<i64> {
        self.attendance
            .iter()
            .find(|(p, m, _)| *p == party && *m == movement)
            .map(|(_, _, at)| *at)
    }
}

/// Merges entries from any number of workers into one record. The order the
/// entries arrive in does not matter: everything is ordered by time (then by
/// id, so that the result is the same on every phone and on the server).
pub fn merge(entries: &[LoggedEntry]) -> Record {
    let mut sorted: Vec<&LoggedEntry> = entries.iter().collect();
    sorted.sort_by(|a, b| (a.at_ms, &a.id).cmp(&(b.at_ms, &b.id)));
    let mut record = Record::default();
    let mut attendance: Vec<(Party, Movement, i64, i64)> = Vec::new();
    for entry in &sorted {
        match &entry.kind {
            EntryKind::Started => {
                record.started_ms = Some(
                    record
                        .started_ms
                        .map_or(entry.at_ms, |s| s.min(entry.at_ms)),
                );
            }
            EntryKind::Ended => {
                record.ended_ms = Some(record.ended_ms.map_or(entry.at_ms, |e| e.max(entry.at_ms)));
            }
            EntryKind::Attendance { party, movement } => {
                // The most recently saved time for a moment wins: that is how a
                // worker corrects a tap made at the wrong moment.
                match attendance
                    .iter_mut()
                    .find(|(p, m, _, _)| p == party && m == movement)
                {
                    Some(slot) if slot.3 <= entry.saved_ms => {
                        slot.2 = entry.at_ms;
                        slot.3 = entry.saved_ms;
                    }
                    Some(_) => {}
                    None => attendance.push((*party, *movement, entry.at_ms, entry.saved_ms)),
                }
            }
            EntryKind::Observation {
                category,
                text,
                child,
            } => record.observations.push(ObservationLine {
                id: entry.id.clone(),
                author: entry.author,
                at_ms: entry.at_ms,
                category: *category,
                text: text.clone(),
                child: child.clone(),
                history: Vec::new(),
            }),
            EntryKind::NotAttended { who, reason } => {
                // The most recently saved one stands: that is a correction.
                if record
                    .not_attended
                    .as_ref()
                    .is_none_or(|earlier| earlier.saved_ms <= entry.saved_ms)
                {
                    record.not_attended = Some(NonAttendance {
                        who: *who,
                        reason: reason.trim().to_owned(),
                        at_ms: entry.at_ms,
                        saved_ms: entry.saved_ms,
                    });
                }
            }
            EntryKind::Correction { .. } => {}
            EntryKind::SightAndSound { holder } => record.handovers.push((entry.at_ms, *holder)),
            EntryKind::Signature { .. } => record.signed_on_phone_ms = Some(entry.at_ms),
        }
    }
    // Corrections apply in the order they were saved, whatever their `at_ms`.
    let mut corrections: Vec<&LoggedEntry> = sorted
        .iter()
        .copied()
        .filter(|e| matches!(e.kind, EntryKind::Correction { .. }))
        .collect();
    corrections.sort_by(|a, b| (a.saved_ms, &a.id).cmp(&(b.saved_ms, &b.id)));
    for correction in corrections {
        if let EntryKind::Correction { of, text } = &correction.kind
            && let Some(line) = record.observations.iter_mut().find(|line| &line.id == of)
        {
            let earlier = std::mem::replace(&mut line.text, text.clone());
            line.history.push(earlier);
        }
    }
    for (party, movement) in MOVEMENTS {
        if let Some((_, _, at, _)) = attendance
            .iter()
            .find(|(p, m, _, _)| *p == party && *m == movement)
        {
            record.attendance.push((party, movement, *at));
        }
    }
    record
}

/// Who held sight and sound from `from_ms` to `to_ms`, as spans. Time before
/// the first handover, or the whole span when there was none, is a gap.
/// Handovers outside the span still count for who held it when it began.
pub fn coverage(from_ms: i64, to_ms: i64, handovers: &[(i64, i64)]) -> Vec<Holding> {
    if to_ms <= from_ms {
        return Vec::new();
    }
    let mut spans: Vec<Holding> = Vec::new();
    let mut holder = handovers
        .iter()
        .rfind(|(at, _)| *at <= from_ms)
        .map(|(_, who)| *who);
    let mut since = from_ms;
    for (at, who) in handovers
        .iter()
        .filter(|(at, _)| *at > from_ms && *at < to_ms)
    {
        if Some(*who) != holder {
            spans.push(Holding {
                from_ms: since,
                to_ms: *at,
                holder,
            });
            since = *at;
            holder = Some(*who);
        }
    }
    spans.push(Holding {
        from_ms: since,
        to_ms,
        holder,
    });
    spans
}

/// The gaps in sight and sound, in whole minutes (rounded up: a gap of a few
/// seconds still shows as a minute nobody held it).
pub fn gap_minutes(spans: &[Holding]) -> i64 {
    spans
        .iter()
        .filter(|span| span.holder.is_none())
        .map(|span| (span.to_ms - span.from_ms + 59_999) / 60_000)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;
    const START: i64 = 1_800_000_000_000;

    fn facts(service: Service) -> SessionFacts {
        SessionFacts {
            service,
            starts_ms: START,
            ends_ms: START + 60 * MIN,
            cancelled: false,
            locked: false,
            workers: vec![7, 8],
        }
    }

    /// Sent by `sender` two days after the session, by a phone whose clock
    /// agrees with the server's.
    fn by(sender: i64) -> Arrival {
        Arrival {
            sender,
            server_ms: START + 48 * 60 * MIN,
            clock_offset_ms: 0,
        }
    }

    fn entry(kind: EntryKind) -> SessionEntry {
        SessionEntry {
            booking_id: 1,
            at_ms: START + 5 * MIN,
            kind,
        }
    }

    fn note(text: &str) -> EntryKind {
        EntryKind::Observation {
            category: Category::Play,
            text: text.into(),
            child: None,
        }
    }

    fn logged(id: &str, author: i64, at_min: i64, saved_min: i64, kind: EntryKind) -> LoggedEntry {
        LoggedEntry {
            id: id.into(),
            author,
            at_ms: START + at_min * MIN,
            saved_ms: START + saved_min * MIN,
            kind,
        }
    }

    fn signature() -> EntryKind {
        EntryKind::Signature {
            summary: "Went well".into(),
            ended_early: String::new(),
            incident: String::new(),
            unsigned_note: String::new(),
            proof: "ab".into(),
            text_proof: "cd".into(),
        }
    }

    #[test]
    fn a_signature_may_come_long_after_the_session_but_not_before_it() {
        let session = facts(Service::Supervised);
        let mut late = entry(signature());
        late.at_ms = START + 30 * 60 * MIN;
        assert_eq!(check_entry(&late, &session, &by(7)), Ok(Admission::OnTime));
        let mut late_note = entry(note("Played"));
        late_note.at_ms = late.at_ms;
        assert!(check_entry(&late_note, &session, &by(7)).is_err());
        let mut early = entry(signature());
        early.at_ms = START - SLACK_MS - 1;
        assert!(
            check_entry(&early, &session, &by(7))
                .unwrap_err()
                .contains("before the session")
        );
        assert!(check_entry(&entry(signature()), &session, &by(9)).is_err());
    }

    #[test]
    fn a_signature_on_the_phone_shows_in_the_merged_record() {
        let record = merge(&[
            logged("a", 7, 0, 0, EntryKind::Started),
            logged("b", 7, 60, 60, EntryKind::Ended),
            logged("c", 7, 70, 70, signature()),
        ]);
        assert_eq!(record.signed_on_phone_ms, Some(START + 70 * MIN));
        assert!(record.observations.is_empty());
    }

    #[test]
    fn a_booked_worker_may_log_a_note_in_a_supervised_session() {
        assert_eq!(
            check_entry(
                &entry(note("Played with bricks")),
                &facts(Service::Supervised),
                &by(7)
            ),
            Ok(Admission::OnTime)
        );
    }

    #[test]
    fn refusals_say_why() {
        let supervised = facts(Service::Supervised);
        let err = check_entry(&entry(note("x")), &supervised, &by(9)).unwrap_err();
        assert!(err.contains("not booked"), "{err}");
        let err = check_entry(&entry(note("   ")), &supervised, &by(7)).unwrap_err();
        assert!(err.contains("empty"), "{err}");
        let long = "a".repeat(MAX_TEXT_CHARS + 1);
        assert!(
            check_entry(&entry(note(&long)), &supervised, &by(7))
                .unwrap_err()
                .contains("characters")
        );
        let cancelled = SessionFacts {
            cancelled: true,
            ..supervised.clone()
        };
        assert!(
            check_entry(&entry(note("x")), &cancelled, &by(7))
                .unwrap_err()
                .contains("cancelled")
        );
        let far = SessionEntry {
            at_ms: START - SLACK_MS - 1,
            ..entry(note("x"))
        };
        assert!(
            check_entry(&far, &supervised, &by(7))
                .unwrap_err()
                .contains("clock")
        );
        let to_stranger = entry(EntryKind::SightAndSound { holder: 99 });
        assert!(check_entry(&to_stranger, &supervised, &by(7)).is_err());
        assert_eq!(
            check_entry(
                &entry(EntryKind::SightAndSound { holder: 8 }),
                &supervised,
                &by(7)
            ),
            Ok(Admission::OnTime)
        );
    }

    #[test]
    fn supported_sessions_take_attendance_and_safeguarding_only() {
        let supported = facts(Service::Supported);
        assert!(
            check_entry(&entry(note("Played")), &supported, &by(7))
                .unwrap_err()
                .contains("attendance only")
        );
        let concern = EntryKind::Observation {
            child: None,
            category: Category::SafeguardingConcern,
            text: "Raised voice".into(),
        };
        assert_eq!(
            check_entry(&entry(concern), &supported, &by(7)),
            Ok(Admission::OnTime)
        );
        let arrived = EntryKind::Attendance {
            party: Party::Child,
            movement: Movement::Arrived,
        };
        assert_eq!(
            check_entry(&entry(arrived), &supported, &by(7)),
            Ok(Admission::OnTime)
        );
        assert!(
            check_entry(
                &entry(EntryKind::SightAndSound { holder: 7 }),
                &supported,
                &by(7)
            )
            .is_err()
        );
    }

    fn concern(text: &str) -> EntryKind {
        EntryKind::Observation {
            child: None,
            category: Category::SafeguardingConcern,
            text: text.into(),
        }
    }

    #[test]
    fn after_signing_entries_are_stored_late_and_a_concern_is_never_refused_for_its_state() {
        let signed = SessionFacts {
            locked: true,
            ..facts(Service::Supervised)
        };
        assert_eq!(
            check_entry(&entry(note("Typed offline")), &signed, &by(8)),
            Ok(Admission::Late)
        );
        assert_eq!(
            check_entry(&entry(concern("Said something worrying")), &signed, &by(8)),
            Ok(Admission::Late)
        );
        let cancelled = SessionFacts {
            cancelled: true,
            ..facts(Service::Supervised)
        };
        assert_eq!(
            check_entry(&entry(concern("At the door")), &cancelled, &by(7)),
            Ok(Admission::OnTime)
        );
        // Dated far from the session, or ahead of the server's clock: a
        // concern is still stored (its times are shown beside the server's).
        let odd_time = SessionEntry {
            at_ms: START + 400 * 24 * 60 * MIN,
            ..entry(concern("Clock was wrong"))
        };
        assert_eq!(
            check_entry(&odd_time, &facts(Service::Supervised), &by(7)),
            Ok(Admission::OnTime)
        );
        // Only a worker booked on the session may add to it, concern or not.
        assert!(check_entry(&entry(concern("x")), &signed, &by(9)).is_err());
    }

    #[test]
    fn an_entry_dated_after_the_servers_clock_is_refused_allowing_for_the_phones_offset() {
        let session = facts(Service::Supervised);
        let during = Arrival {
            sender: 7,
            server_ms: START + 20 * MIN,
            clock_offset_ms: 0,
        };
        let ended_later = SessionEntry {
            at_ms: START + 50 * MIN,
            ..entry(EntryKind::Ended)
        };
        let err = check_entry(&ended_later, &session, &during).unwrap_err();
        assert!(err.contains("30 minutes after the centre's clock"), "{err}");
        // Four minutes ahead is drift, not the future.
        let drift = SessionEntry {
            at_ms: START + 24 * MIN,
            ..entry(EntryKind::Ended)
        };
        assert_eq!(
            check_entry(&drift, &session, &during),
            Ok(Admission::OnTime)
        );
        // A phone ten minutes fast dates everything ten minutes ahead; its
        // measured offset (server minus phone: -10 minutes) puts it right.
        let fast_phone = Arrival {
            clock_offset_ms: -10 * MIN,
            ..during
        };
        let now_on_fast_phone = SessionEntry {
            at_ms: START + 30 * MIN,
            ..entry(note("Now"))
        };
        assert_eq!(
            check_entry(&now_on_fast_phone, &session, &fast_phone),
            Ok(Admission::OnTime)
        );
        assert!(check_entry(&now_on_fast_phone, &session, &during).is_err());
        // Numbers from the phone cannot overflow the check.
        let absurd = Arrival {
            clock_offset_ms: i64::MAX,
            ..during
        };
        let far_future = SessionEntry {
            at_ms: i64::MAX,
            ..entry(note("x"))
        };
        assert!(check_entry(&far_future, &session, &absurd).is_err());
        let far_past = SessionEntry {
            at_ms: i64::MIN,
            ..entry(note("x"))
        };
        assert!(check_entry(&far_past, &session, &during).is_err());
    }

    #[test]
    fn two_workers_entries_merge_into_one_timeline_by_time() {
        let tom = vec![
            logged("b", 8, 10, 10, note("Tom's note")),
            logged("d", 8, 30, 30, note("Later")),
        ];
        let priya = vec![
            logged("a", 7, 5, 40, note("Priya's early note")),
            logged("c", 7, 20, 20, note("Middle")),
        ];
        let mut all = tom.clone();
        all.extend(priya.clone());
        let mut reversed = priya;
        reversed.extend(tom);
        reversed.reverse();
        let texts: Vec<String> = merge(&all)
            .observations
            .into_iter()
            .map(|l| l.text)
            .collect();
        assert_eq!(
            texts,
            ["Priya's early note", "Tom's note", "Middle", "Later"]
        );
        assert_eq!(
            merge(&all),
            merge(&reversed),
            "arrival order does not matter"
        );
    }

    #[test]
    fn a_correction_keeps_the_earlier_wording() {
        let entries = vec![
            logged("a", 7, 5, 5, note("Played with bricks")),
            logged(
                "b",
                7,
                6,
                9,
                EntryKind::Correction {
                    of: "a".into(),
                    text: "Played with blocks".into(),
                },
            ),
            logged(
                "c",
                7,
                6,
                12,
                EntryKind::Correction {
                    of: "a".into(),
                    text: "Built a tower with blocks".into(),
                },
            ),
        ];
        let record = merge(&entries);
        assert_eq!(record.observations.len(), 1);
        assert_eq!(record.observations[0].text, "Built a tower with blocks");
        assert_eq!(
            record.observations[0].history,
            ["Played with bricks", "Played with blocks"]
        );
    }

    #[test]
    fn the_latest_saved_attendance_time_wins_and_moments_keep_staggered_order() {
        let child_in = EntryKind::Attendance {
            party: Party::Child,
            movement: Movement::Arrived,
        };
        let parent_in = EntryKind::Attendance {
            party: Party::VisitingParent,
            movement: Movement::Arrived,
        };
        let entries = vec![
            logged("a", 7, 3, 3, child_in.clone()),
            logged("b", 7, 1, 8, child_in),
            logged("c", 8, -15, -15, parent_in),
        ];
        let record = merge(&entries);
        assert_eq!(
            record.attendance,
            [
                (Party::VisitingParent, Movement::Arrived, START - 15 * MIN),
                (Party::Child, Movement::Arrived, START + MIN)
            ]
        );
    }

    #[test]
    fn sight_and_sound_coverage_shows_holders_and_gaps() {
        let handovers = [
            (START + 2 * MIN, 7),
            (START + 30 * MIN, 8),
            (START + 40 * MIN, 8),
        ];
        let spans = coverage(START, START + 60 * MIN, &handovers);
        assert_eq!(
            spans,
            [
                Holding {
                    from_ms: START,
                    to_ms: START + 2 * MIN,
                    holder: None
                },
                Holding {
                    from_ms: START + 2 * MIN,
                    to_ms: START + 30 * MIN,
                    holder: Some(7)
                },
                Holding {
                    from_ms: START + 30 * MIN,
                    to_ms: START + 60 * MIN,
                    holder: Some(8)
                },
            ]
        );
        assert_eq!(gap_minutes(&spans), 2);
        let held_from_before = coverage(START, START + 60 * MIN, &[(START - MIN, 7)]);
        assert_eq!(
            held_from_before,
            [Holding {
                from_ms: START,
                to_ms: START + 60 * MIN,
                holder: Some(7)
            }]
        );
        assert_eq!(gap_minutes(&held_from_before), 0);
        assert_eq!(
            gap_minutes(&coverage(START, START + 90_000, &[])),
            2,
            "a part minute counts"
        );
    }

    #[test]
    fn the_latest_non_attendance_stands_and_says_whose_miss_it_is() {
        use crate::domain::attendance::Attendance;
        let absent = |who: Party, reason: &str| EntryKind::NotAttended {
            who,
            reason: reason.into(),
        };
        let first = logged("a", 7, 0, 1, absent(Party::VisitingParent, ""));
        let merged = merge(std::slice::from_ref(&first));
        let recorded = merged.did_not_take_place().unwrap();
        assert_eq!(recorded.attendance(), Attendance::MissedWithoutReason);
        assert_eq!(
            recorded.words(),
            "The visiting parent did not come: no explanation given."
        );
        assert!(
            merged.needs_summary(Service::Supported),
            "a short record, whatever the service"
        );
        // Told why later: the later entry corrects it, whatever its time.
        let later = logged(
            "b",
            7,
            -5,
            9,
            absent(Party::VisitingParent, " Bus strike. "),
        );
        let merged = merge(&[first.clone(), later]);
        let recorded = merged.did_not_take_place().unwrap();
        assert_eq!(recorded.attendance(), Attendance::MissedWithReason);
        assert_eq!(recorded.reason, "Bus strike.");
        let child = merge(&[logged("c", 7, 0, 1, absent(Party::Child, ""))]);
        assert_eq!(
            child.did_not_take_place().unwrap().attendance(),
            Attendance::MissedWithReason,
            "a child not brought is not the visiting parent's miss"
        );
        // A session that started after all did take place.
        let started = merge(&[first, logged("d", 7, 10, 10, EntryKind::Started)]);
        assert!(started.did_not_take_place().is_none());
        assert!(!started.needs_summary(Service::Supported));
    }

    #[test]
    fn an_observation_may_name_its_child_and_old_entries_read_as_before() {
        let old = r#"{"type":"observation","category":"play","text":"Built a tower"}"#;
        let kind: EntryKind = serde_json::from_str(old).unwrap();
        assert_eq!(
            serde_json::to_string(&kind).unwrap(),
            old,
            "an entry stored before reads and writes the same"
        );
        let named = EntryKind::Observation {
            category: Category::Play,
            text: "Built a tower".into(),
            child: Some("Ava".into()),
        };
        assert!(check_entry(&entry(named.clone()), &facts(Service::Supervised), &by(7)).is_ok());
        let merged = merge(&[logged("a", 7, 1, 1, named)]);
        assert_eq!(merged.observations[0].child.as_deref(), Some("Ava"));
        let blank = EntryKind::Observation {
            category: Category::Play,
            text: "Built a tower".into(),
            child: Some("  ".into()),
        };
        assert!(check_entry(&entry(blank), &facts(Service::Supervised), &by(7)).is_err());
        let long = EntryKind::NotAttended {
            who: Party::VisitingParent,
            reason: "x".repeat(MAX_REASON_CHARS + 1),
        };
        assert!(check_entry(&entry(long), &facts(Service::Supervised), &by(7)).is_err());
    }
}
