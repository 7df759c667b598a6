//! The types that cross the wire between server functions and the browser.
//! Deriving `Serialize` makes a type a contract: keep these few and named.

use serde::{Deserialize, Serialize};

use crate::domain::role::{CaseRelation, Role};

/// The person signed in on this browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// The password was set by someone else (a new account, a reset): the
    /// person must choose their own before doing anything else.
    #[serde(default)]
    pub must_change_password: bool,
    /// A contact worker the coordinator marked as senior: they may co-sign
    /// records and final reports, never their own.
    #[serde(default)]
    pub senior: bool,
}

impl CurrentUser {
    /// Who is calling, as the access table sees them.
    pub fn as_caller(&self) -> crate::domain::access::Caller {
        crate::domain::access::Caller {
            role: self.role,
            must_change_password: self.must_change_password,
            senior: self.senior,
        }
    }
}

/// One reading of a family's records, report or case file, from the audit
/// trail: who read what, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadNote {
    pub at_ms: i64,
    pub reader: String,
    pub role: Role,
    /// What was read, and by whom, as the trail says it.
    pub what: String,
}

/// What checking the audit trail found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditVerdict {
    pub holds: bool,
    /// In a sentence: that it holds, or where and how it was broken.
    pub finding: String,
}

/// Who set a person's password, and when, as they see it on their own page
/// (from the audit trail): a reset by a coordinator is never hidden.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordHistory {
    /// The last time someone else set it (the account made, or a reset):
    /// when, and by whom.
    pub last_set_by_other: Option<(i64, String)>,
    /// The last time the person chose their own.
    pub own_choice_ms: Option<i64>,
}

/// One account as the coordinator sees it in the account list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSummary {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// Case references this account is linked to (parents and referrers).
    pub cases: Vec<String>,
    /// When the password was last set, and by whom: `None` when the person
    /// chose it themselves.
    pub password_set_ms: Option<i64>,
    pub password_set_by: Option<String>,
    /// Still waiting for the person to replace a temporary password.
    pub must_change_password: bool,
    /// When the account was disabled, if it is.
    pub disabled_ms: Option<i64>,
    /// How messages reach them (staff and referrers; a parent's details
    /// are on their case).
    #[serde(default)]
    pub delivery: Option<Delivery>,
    /// A worker marked senior, who may co-sign.
    #[serde(default)]
    pub senior: bool,
}

/// A case as its parent or referrer sees it: no other person's details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseSummary {
    pub reference: String,
    pub relation: CaseRelation,
    pub children: Vec<ChildSummary>,
    /// When the case was closed, if it was.
    #[serde(default)]
    pub closed_ms: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildSummary {
    pub first_name: String,
    /// Age in whole years on the day asked.
    pub age_years: u32,
}

/// One parent's details as the centre records them: for staff only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParentDetails {
    pub full_name: String,
    pub phone: String,
    pub email: String,
    pub address: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildDetails {
    pub first_name: String,
    pub last_name: String,
    /// YYYY-MM-DD.
    pub date_of_birth: String,
}

/// A referral as the coordinator records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewReferral {
    pub reference: String,
    pub source: crate::domain::referral::ReferralSource,
    pub law: crate::domain::referral::Law,
    pub funding: crate::domain::money::Funding,
    pub court_orders: String,
    pub pending_proceedings: String,
    pub reasons: Vec<crate::domain::risk::RiskReason>,
    pub children: Vec<ChildDetails>,
    pub resident: ParentDetails,
    pub visiting: ParentDetails,
    pub resident_consent_on: Option<String>,
    pub visiting_consent_on: Option<String>,
}

/// A contact plan as the coordinator drafts it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPlan {
    pub service: crate::domain::schedule::Service,
    pub every_days: i64,
    pub duration_min: i64,
    pub sessions_planned: i64,
    pub ground_rules: String,
    pub who_may_attend: String,
}

/// A run of bookings made in one action (one booking when `count` is 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesRequest {
    pub case_id: i64,
    pub kind: crate::domain::schedule::BookingKind,
    /// For a pre-visit: whose it is.
    pub parent_side: Option<crate::domain::money::Parent>,
    pub room_id: i64,
    pub first_start_ms: i64,
    pub duration_min: i64,
    pub count: u32,
    pub every_days: i64,
    pub worker_ids: Vec<i64>,
    /// Instead of a repeating series: more dates (YYYY-MM-DD), each at the
    /// first booking's time of day (`count` is then 1).
    #[serde(default)]
    pub more_dates: Vec<String>,
}

/// One booking as one parent sees it: their own times only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParentBooking {
    pub id: i64,
    pub kind: crate::domain::schedule::BookingKind,
    pub starts_ms: i64,
    /// When this parent arrives and leaves (never the other parent's times).
    pub arrive_ms: i64,
    pub leave_ms: i64,
    pub status: crate::domain::ledger::BookingStatus,
}

/// One line of a parent's statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementLine {
    pub at_ms: i64,
    pub description: String,
    /// Positive: owed by the parent. Negative: paid by them.
    pub amount: crate::domain::money::Pence,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    pub lines: Vec<StatementLine>,
    pub balance: crate::domain::money::Pence,
    /// The refundable deposit still held, if any.
    pub deposit_held: crate::domain::money::Pence,
}

/// Everything a parent sees of one family's account with the centre.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyAccount {
    pub reference: String,
    pub side: crate::domain::money::Parent,
    /// The current plan's ground rules and who may attend, and the date this
    /// parent signed them, if a plan exists.
    pub rules: Option<AgreedRules>,
    pub bookings: Vec<ParentBooking>,
    pub statement: Statement,
    /// What this parent still has to pay, soonest due first.
    pub to_pay: Vec<AmountDue>,
    /// How to pay, as the centre words it (its payment terms).
    pub how_to_pay: String,
    /// The reference to give with a payment, so the centre can match it.
    pub pay_reference: String,
    /// Messages from the centre to this parent, newest first.
    pub notices: Vec<Notice>,
    /// Letters, cards and gifts this parent sent through the centre.
    pub sent_items: Vec<SentItem>,
    /// How this parent chose to hear from the centre (`MessageBy::as_str`),
    /// and whether the centre has an email address and a mobile number
    /// for them (not the details themselves).
    pub message_by: String,
    pub has_email: bool,
    pub has_phone: bool,
}

/// A message to one parent, such as a cancellation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub body: String,
    pub created_ms: i64,
}

/// How the centre reaches a member of staff or a referrer: their own
/// details and choice (`MessageBy::as_str`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyContact {
    pub email: String,
    pub phone: String,
    pub message_by: String,
}

/// How messages reach one person, for staff: their choice, their details,
/// and what became of the last message sent to them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    pub who: String,
    pub choice: String,
    pub email: String,
    pub phone: String,
    /// Whether any message can reach them at all.
    pub reached: bool,
    pub last_message: Option<String>,
}

impl Delivery {
    /// The email address and number held, as one line.
    pub fn details(&self) -> String {
        [self.email.as_str(), self.phone.as_str()]
            .into_iter()
            .filter(|x| !x.trim().is_empty())
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

/// What cancelling a booking would cost, told before the parent confirms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancellationPreview {
    pub booking_id: i64,
    pub forfeit: crate::domain::money::Forfeit,
    pub explanation: String,
}

/// A case in the coordinator's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseRow {
    pub id: i64,
    pub reference: String,
    /// received, accepted or declined.
    pub status: String,
    pub children: String,
    /// The children's first names, for the search.
    #[serde(default)]
    pub child_names: Vec<String>,
    /// What waits for the coordinator on this case.
    #[serde(default)]
    pub needs: Vec<crate::domain::casework::Need>,
    /// When the case was closed, if it was.
    #[serde(default)]
    pub closed_ms: Option<i64>,
}

/// A contact plan as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanSummary {
    pub id: i64,
    pub plan: NewPlan,
    pub resident_agreed_on: Option<String>,
    pub visiting_agreed_on: Option<String>,
}

/// A booking as staff see it: both parents' times, room and workers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffBooking {
    pub id: i64,
    pub case_reference: String,
    pub kind: crate::domain::schedule::BookingKind,
    pub starts_ms: i64,
    pub ends_ms: i64,
    pub visiting_arrives_ms: i64,
    pub visiting_leaves_ms: i64,
    pub room: String,
    pub workers: Vec<String>,
    pub cancelled: bool,
    pub attendance: Option<crate::domain::attendance::Attendance>,
    /// The one status everyone sees (`domain::ledger::booking_status`).
    pub status: crate::domain::ledger::BookingStatus,
    /// Who cancelled it and why, for staff: "Cancelled by the resident
    /// parent: …".
    pub cancelled_note: Option<String>,
    /// It had started when this was read: attendance can be recorded.
    pub started: bool,
    /// For a pre-visit: whose it is.
    #[serde(default)]
    pub with_parent: Option<crate::domain::money::Parent>,
}

/// A review meeting's outcome as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewRecorded {
    pub booking_id: i64,
    pub outcome: crate::domain::review::ReviewOutcome,
    pub note: String,
    pub recorded_ms: i64,
}

/// A parent who owes the centre money, on the coordinator's arrears list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Arrear {
    pub case_id: i64,
    pub reference: String,
    pub parent: crate::domain::money::Parent,
    pub owed: crate::domain::money::Pence,
    /// When the oldest charge not yet paid in full was raised.
    pub since_ms: i64,
}

/// Something a parent still has to pay, and by when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmountDue {
    pub description: String,
    pub amount: crate::domain::money::Pence,
    pub due_ms: i64,
    /// Due already when it was read.
    pub due_now: bool,
}

/// Everything the coordinator sees of one case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseDetail {
    pub id: i64,
    pub reference: String,
    pub status: String,
    pub decision_note: String,
    pub source: String,
    pub law: String,
    pub funding: crate::domain::money::Funding,
    pub court_orders: String,
    pub pending_proceedings: String,
    pub reasons: Vec<crate::domain::risk::RiskReason>,
    pub children: Vec<ChildSummary>,
    pub resident: ParentDetails,
    pub visiting: ParentDetails,
    pub plan: Option<PlanSummary>,
    /// Plans made before the current one, newest first: kept as history.
    pub earlier_plans: Vec<PlanSummary>,
    /// Contact is suspended after three unexplained misses in a row.
    pub suspended: bool,
    /// The series is running out and no review meeting is booked.
    pub review_to_book: bool,
    /// On a Cafcass-funded case: how many sessions Cafcass funds, and how
    /// many live sessions take a funded place.
    pub funded: Option<(u32, u32)>,
    /// A case a local authority funds: its account (what it was invoiced
    /// and what it paid).
    #[serde(default)]
    pub authority: Option<FunderAccount>,
    /// What each review meeting decided, by its booking.
    pub review_outcomes: Vec<ReviewRecorded>,
    pub bookings: Vec<StaffBooking>,
    pub resident_statement: Statement,
    pub visiting_statement: Statement,
    /// How email and text messages reach each parent.
    pub deliveries: Vec<Delivery>,
    /// Closure, legal hold and when each kind of data is due for erasure.
    #[serde(default)]
    pub retention: CaseRetention,
}

/// A case's closure, its legal hold, and its retention clock.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseRetention {
    pub closed: Option<CaseClosed>,
    pub hold: Option<LegalHold>,
    /// When each kind of the case's data is due for erasure (`None` while
    /// a hold is in force or before closure).
    pub due: Vec<(crate::domain::retention::DataKind, Option<i64>)>,
    /// Until when the referrer still reads what was released before closure.
    pub referrer_access_until: Option<i64>,
    /// The people a subject access export can be made for.
    pub subjects: Vec<ExportSubject>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseClosed {
    pub at_ms: i64,
    pub reason: crate::domain::retention::ClosureReason,
    pub note: String,
    pub by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalHold {
    pub since_ms: i64,
    pub reason: String,
    pub by: String,
}

/// What the privacy notice and the records of processing print: the centre's
/// name and its retention schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivacyFacts {
    pub centre: String,
    pub retention: crate::domain::retention::Retention,
    pub processing: Vec<crate::domain::retention::ProcessingRecord>,
}

/// A person a subject access export can be made for, on a case page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportSubject {
    /// The path segment of `/documents/subject-access/{who}`.
    pub who: String,
    pub label: String,
}

/// Something to choose from a list: a room, a worker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub id: i64,
    pub name: String,
}

/// One week of the centre's calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Week {
    /// The Monday, YYYY-MM-DD, and the Mondays before and after.
    pub monday: String,
    pub previous: String,
    pub next: String,
    /// Monday to Saturday: the day ("Mon 30 Nov 2026") and its bookings.
    pub days: Vec<(String, Vec<StaffBooking>)>,
}

/// The rules of a contact plan as one parent agreed to them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreedRules {
    pub ground_rules: String,
    pub who_may_attend: String,
    pub signed_on: Option<String>,
}

/// A child as a contact worker needs to know them: first name and age only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildFirstName {
    pub first_name: String,
    pub age: u32,
}

/// A worker booked on a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Colleague {
    pub id: i64,
    pub name: String,
}

/// One session as the worker's phone keeps it for offline use: what the
/// worker needs in the room and nothing more (no addresses, no phone numbers,
/// no parents' names).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkerSession {
    pub booking_id: i64,
    pub case_reference: String,
    pub children: Vec<ChildFirstName>,
    pub service: crate::domain::schedule::Service,
    pub kind: crate::domain::schedule::BookingKind,
    pub room: String,
    pub visiting_arrives_ms: i64,
    pub starts_ms: i64,
    pub ends_ms: i64,
    pub visiting_leaves_ms: i64,
    pub workers: Vec<Colleague>,
    pub ground_rules: String,
    pub who_may_attend: String,
    /// The reasons for referral, as the risk guide words them.
    pub risk_flags: Vec<String>,
    pub cancelled: bool,
    /// Not confirmed: a charge for it is not yet paid. (Absent in a copy a
    /// phone kept from before it was sent: read as paid.)
    #[serde(default)]
    pub awaiting_payment: bool,
    /// Held while contact is suspended after missed sessions.
    #[serde(default)]
    pub on_hold: bool,
}

/// The key a worker's phone seals what it keeps with (AES-GCM, 256 bits,
/// in hex): handed out to that worker only, the same at every sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneKey {
    pub worker_id: i64,
    pub key: String,
}

/// The worker's sessions from the start of today, as fetched for the phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkerSessions {
    pub me: Colleague,
    pub fetched_ms: i64,
    /// The salt of the worker's signing PIN, if they have set one: with it
    /// the phone can sign offline (`domain::pin`).
    #[serde(default)]
    pub pin_salt: Option<String>,
    pub sessions: Vec<WorkerSession>,
}

/// A batch of queued entries from one phone.
///
/// Items travel as plain JSON values and the server reads them one by one
/// (as `QueuedItem<SessionEntry>`): an item it cannot read, from a phone on
/// an older or newer build, is refused alone and never stalls the rest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncBatch {
    /// The phone's clock when it sent the batch: with the server's clock on
    /// receipt, this gives the phone's clock offset.
    pub sent_ms: i64,
    pub items: Vec<serde_json::Value>,
}

/// The server's answer to a batch: one outcome per item, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncReply {
    pub server_ms: i64,
    pub outcomes: Vec<crate::domain::sync_queue::ItemOutcome>,
}

/// Every stored entry of one session, from every worker, with names: the
/// phone and the coordinator merge them with `session_log::merge`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedSession {
    pub booking_id: i64,
    pub case_reference: String,
    pub service: crate::domain::schedule::Service,
    pub starts_ms: i64,
    pub ends_ms: i64,
    pub room: String,
    pub workers: Vec<Colleague>,
    pub entries: Vec<crate::domain::session_log::LoggedEntry>,
    /// Each entry's receipt time on the server, by id order of `entries`.
    pub received_ms: Vec<i64>,
    /// Entries received after the record was signed: kept and shown as
    /// "received after signing", outside what the signatures cover.
    #[serde(default)]
    pub late_ids: Vec<String>,
    /// How far each worker's phone clock was from the server's at their
    /// latest sync.
    #[serde(default)]
    pub clock_offsets: Vec<ClockOffset>,
    /// The record's status, once the session has a record.
    #[serde(default)]
    pub record_status: Option<RecordStatus>,
    /// Who has signed the record's current version (user ids).
    #[serde(default)]
    pub signed_by: Vec<i64>,
}

impl LoggedSession {
    /// Adds entries the server has just acknowledged to this copy of the
    /// session's log, as the phone keeps it: once they leave the queue they
    /// must not vanish from the phone's view of the session until it next
    /// reads the server's log (offline, that may be a while). Entries it
    /// holds already are left as they are.
    pub fn keep_synced<'a>(
        &mut self,
        synced: impl IntoIterator<
            Item = &'a crate::domain::sync_queue::QueuedItem<
                crate::domain::session_log::SessionEntry,
            >,
        >,
        now_ms: i64,
    ) {
        let mut held: std::collections::HashSet<String> =
            self.entries.iter().map(|kept| kept.id.clone()).collect();
        for item in synced {
            if item.payload.booking_id != self.booking_id || !held.insert(item.id.clone()) {
                continue;
            }
            self.entries.push(crate::domain::session_log::LoggedEntry {
                id: item.id.clone(),
                author: item.author,
                at_ms: item.payload.at_ms,
                saved_ms: item.device_ms,
                kind: item.payload.kind.clone(),
            });
            self.received_ms.push(now_ms);
        }
    }
}

impl LoggedSession {
    /// Whether this log already holds every one of `items` of its session:
    /// then the phone need not keep them beside it any more.
    pub fn holds_all<'a>(
        &self,
        items: impl IntoIterator<
            Item = &'a crate::domain::sync_queue::QueuedItem<
                crate::domain::session_log::SessionEntry,
            >,
        >,
    ) -> bool {
        let held: std::collections::HashSet<&str> =
            self.entries.iter().map(|kept| kept.id.as_str()).collect();
        items
            .into_iter()
            .filter(|item| item.payload.booking_id == self.booking_id)
            .all(|item| held.contains(item.id.as_str()))
    }
}

/// How far one worker's phone clock was from the server's (server minus
/// phone: positive when the phone was slow), measured when it last synced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockOffset {
    pub author: i64,
    pub offset_ms: i64,
}

/// A safeguarding concern as it reaches the coordinator's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConcernAlert {
    pub booking_id: i64,
    pub case_reference: String,
    pub author: String,
    /// When it happened, by the worker's phone.
    pub at_ms: i64,
    pub text: String,
    /// When it reached the server.
    #[serde(default)]
    pub received_ms: i64,
    /// Received after its record was signed.
    #[serde(default)]
    pub late: bool,
    /// The phone's time was after the server's on receipt (by more than a
    /// few minutes, once its offset was allowed for): both times are shown.
    #[serde(default)]
    pub dated_ahead: bool,
}

/// Where a session record is on its way to the referrer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordStatus {
    /// Being completed by the workers (or returned to them for amendment).
    Draft,
    /// Signed by the workers, waiting for a coordinator's co-signature.
    Signed,
    /// Co-signed and released to the case's referrer.
    Released,
}

impl RecordStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordStatus::Draft => "draft",
            RecordStatus::Signed => "signed",
            RecordStatus::Released => "released",
        }
    }

    pub fn parse(text: &str) -> Option<RecordStatus> {
        [
            RecordStatus::Draft,
            RecordStatus::Signed,
            RecordStatus::Released,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            RecordStatus::Draft => "Draft",
            RecordStatus::Signed => "Signed, waiting for co-signature",
            RecordStatus::Released => "Co-signed and released",
        }
    }
}

/// What the workers write into a record after the session.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordText {
    /// How the session went.
    pub summary: String,
    /// Why the session ended early, if it did.
    pub ended_early: String,
    /// Any incident.
    pub incident: String,
}

/// A signature on one version of a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordSignature {
    pub version: i32,
    pub name: String,
    pub signed_ms: i64,
    /// The phone's clock when the worker signed.
    pub device_ms: i64,
    /// How it was confirmed: "password", "pin" or "pin on the phone"
    /// (signed offline and synced later).
    pub method: String,
    /// The text as it stood when signed (kept when a record is returned).
    pub text: RecordText,
    /// The signer's note on why a co-worker did not sign, if any.
    #[serde(default)]
    pub unsigned_note: String,
    /// SHA-256 of what was signed (`domain::record::SignedContent`); empty
    /// for signatures made before signatures were hashed.
    #[serde(default)]
    pub content_hash: String,
    /// How many entries the signature covered.
    #[serde(default)]
    pub covered: usize,
    /// Whether what is stored now still hashes to `content_hash` (`None`
    /// when there is no hash to check).
    #[serde(default)]
    pub intact: Option<bool>,
    /// Whether the record's current version and text are what was signed.
    #[serde(default)]
    pub matches_current: bool,
}

/// A correction made after signing: its own text, author and signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Addendum {
    pub author: String,
    pub body: String,
    pub signed_ms: i64,
}

/// A session record in full, for the people allowed to read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRecord {
    pub booking_id: i64,
    pub case_reference: String,
    pub service: crate::domain::schedule::Service,
    pub room: String,
    pub starts_ms: i64,
    pub ends_ms: i64,
    pub children: Vec<ChildFirstName>,
    pub workers: Vec<Colleague>,
    pub status: RecordStatus,
    pub version: i32,
    pub deadlines: crate::domain::record::Deadlines,
    pub text: RecordText,
    /// Why a supervising worker did not sign, if one did not.
    pub unsigned_note: String,
    /// The coordinator's comment when the record was last returned.
    pub return_note: String,
    pub signatures: Vec<RecordSignature>,
    pub cosigned_by: Option<String>,
    pub released_ms: Option<i64>,
    /// The entries the record holds, late ones excluded.
    pub entries: Vec<crate::domain::session_log::LoggedEntry>,
    /// Entries received after the record was signed, with when they came.
    #[serde(default)]
    pub late_entries: Vec<LateEntry>,
    /// Phone clocks more than a minute from the server's, by worker.
    #[serde(default)]
    pub clock_offsets: Vec<ClockOffset>,
    pub addenda: Vec<Addendum>,
}

/// An entry received after its record was signed: outside what the
/// signatures cover, shown with both times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LateEntry {
    pub entry: crate::domain::session_log::LoggedEntry,
    pub received_ms: i64,
}

/// One record in a list of records to act on, with its deadlines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordDue {
    pub booking_id: i64,
    pub case_reference: String,
    pub starts_ms: i64,
    pub status: RecordStatus,
    pub deadlines: crate::domain::record::Deadlines,
    /// Who signed it (for the co-signing queue).
    pub signed_by: Vec<String>,
    /// The server's clock when the list was made: what is due is judged
    /// against it, so the page reads the same on the server and the phone.
    pub as_of_ms: i64,
}

/// A coordinator's final report on a series of sessions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinalReport {
    pub id: i64,
    pub case_reference: String,
    pub author: String,
    pub sessions_attended: i64,
    pub sessions_missed: i64,
    pub summary: String,
    /// For example "move to supported contact" or "handovers".
    pub recommendation: String,
    pub signed_ms: i64,
    /// `Signed` (waiting for another coordinator) or `Released`.
    pub status: RecordStatus,
    pub cosigned_by: Option<String>,
    pub released_ms: Option<i64>,
}

/// A final report as its author writes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewFinalReport {
    pub summary: String,
    pub recommendation: String,
    /// The parents asked for it: raise the final report's charge (none on
    /// a Cafcass-funded case).
    pub charge: bool,
}

/// A risk assessment as recorded: the coordinator's decision, why, and
/// when it is next reviewed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskAssessment {
    pub stage: crate::domain::risk::AssessmentStage,
    pub decision: crate::domain::risk::SuggestedService,
    /// What the guide suggested when it was recorded.
    pub suggested: crate::domain::risk::SuggestedService,
    pub why: String,
    /// YYYY-MM-DD.
    pub review_on: String,
    pub recorded_by: String,
    pub recorded_ms: i64,
}

/// The centre's settings and rooms, as the settings page shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CentreSettings {
    pub prices: crate::domain::money::Prices,
    pub stagger: crate::domain::schedule::StaggerSettings,
    pub hours: crate::domain::schedule::CentreHours,
    pub closures: crate::domain::closures::Closures,
    pub payment_terms: crate::domain::money::PaymentTerms,
    pub rooms: Vec<String>,
    #[serde(default)]
    pub retention: crate::domain::retention::Retention,
}

/// An item of indirect contact as staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndirectItem {
    pub id: i64,
    pub from_side: crate::domain::money::Parent,
    pub for_child: String,
    pub kind: crate::domain::indirect::ItemKind,
    pub description: String,
    pub received_on: String,
    pub logged_by: String,
    pub stage: crate::domain::indirect::ItemStage,
    pub checked_by: Option<String>,
    pub checked_ms: Option<i64>,
    pub check_note: String,
    pub done_by: Option<String>,
    pub done_ms: Option<i64>,
    pub withheld_reason: String,
}

/// An item as the parent who sent it sees it: where it is, nothing more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentItem {
    pub for_child: String,
    pub kind: crate::domain::indirect::ItemKind,
    pub received_on: String,
    pub stage: crate::domain::indirect::ItemStage,
    /// When it was passed on, if it was.
    pub forwarded_ms: Option<i64>,
}

/// An item of indirect contact as logged when it arrives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewIndirectItem {
    pub case_id: i64,
    /// "resident" or "visiting": who sent it.
    pub from_side: String,
    pub for_child: String,
    /// One of `ItemKind`'s names.
    pub kind: String,
    pub description: String,
    /// YYYY-MM-DD.
    pub received_on: String,
}

/// A referral as the referrer who made it follows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralStatus {
    pub reference: String,
    /// "received", "accepted" or "declined".
    pub status: String,
    /// Why it was declined, or the coordinator's note on accepting.
    pub decision_note: String,
    pub received_ms: i64,
}

/// Test helpers shared with the phone storage's tests.
#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::session_log::{EntryKind, SessionEntry};
    use crate::domain::sync_queue::QueuedItem;

    /// One queued entry of `booking_id`, by worker 7.
    pub(crate) fn queued(id: &str, booking_id: i64) -> QueuedItem<SessionEntry> {
        QueuedItem {
            id: id.into(),
            device_ms: 5,
            rejected: None,
            author: 7,
            payload: SessionEntry {
                booking_id,
                at_ms: 4,
                kind: EntryKind::Ended,
            },
        }
    }

    /// The phone's copy of session 1's log, with no entries yet.
    pub(crate) fn empty_log() -> LoggedSession {
        LoggedSession {
            booking_id: 1,
            case_reference: "FAM-0002".into(),
            service: crate::domain::schedule::Service::Supervised,
            starts_ms: 0,
            ends_ms: 10,
            room: "Blue room".into(),
            workers: Vec::new(),
            entries: Vec::new(),
            received_ms: Vec::new(),
            late_ids: Vec::new(),
            clock_offsets: Vec::new(),
            record_status: None,
            signed_by: Vec::new(),
        }
    }

    #[test]
    fn entries_just_synced_stay_in_the_phones_copy_of_the_log() {
        let mut log = empty_log();
        let items = [queued("a", 1), queued("b", 2), queued("a", 1)];
        log.keep_synced(&items, 99);
        assert_eq!(log.entries.len(), 1, "this session's, once");
        assert_eq!(log.entries[0].kind, EntryKind::Ended);
        assert_eq!(log.entries[0].author, 7);
        assert_eq!(log.received_ms, vec![99]);
        assert!(log.holds_all(&items));
        assert!(
            !log.holds_all(&[queued("c", 1)]),
            "an entry of this session it lacks"
        );
        assert!(
            log.holds_all(&[queued("c", 2)]),
            "another session's entries are not this log's to hold"
        );
    }
}

/// What the public checking page says of a verification code: which kind
/// of document it belongs to, when it was released, its fingerprint (to
/// compare with the one printed on the copy in hand), and whether what is
/// stored still reads as it did at release. Never the document's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifiedDocument {
    /// "session record" or "final report".
    pub kind: String,
    pub released_ms: i64,
    /// The first 64 bits of the fingerprint, grouped: "1A2B 3C4D 5E6F 7A8B".
    pub fingerprint: String,
    pub intact: bool,
    /// The centre no longer holds the document: it was erased when its
    /// retention period ended (its code and fingerprint are kept).
    #[serde(default)]
    pub erased: bool,
}

/// A local authority's account on a case it funds: what the centre has
/// invoiced it (every charge of the case) and what it has paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunderAccount {
    /// Charges and payments, oldest first.
    pub lines: Vec<FunderLine>,
    pub invoiced_pence: i64,
    pub paid_pence: i64,
    /// Invoiced less paid: what the authority still owes.
    pub owed_pence: i64,
}

/// One line of a funder's account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunderLine {
    /// London date, YYYY-MM-DD.
    pub on: String,
    pub what: String,
    /// Positive for a charge, negative for a payment.
    pub amount_pence: i64,
}
