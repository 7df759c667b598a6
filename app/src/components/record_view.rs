use leptos::prelude::*;

use crate::components::timeline::{Coverage, Timeline};
use crate::domain::document::{clock_words, entry_words, signature_line};
use crate::domain::london_time::{format_london, format_london_day, format_london_time};
use crate::domain::record::{Timeliness, span_words};
use crate::domain::schedule::Service;
use crate::domain::session_log::{merge, movement_label};
use crate::model::{RecordDue, RecordStatus, SessionRecord};

/// A session record as read by the people allowed to: the session, the
/// merged timeline, sight and sound, the workers' text, signatures, the
/// co-signature and addenda. Read-only; laid out to print well.
#[component]
pub fn RecordView(
    record: SessionRecord,
    /// Under another page's heading: the title becomes a subheading.
    #[prop(optional)]
    embedded: bool,
) -> AnyView {
    let merged = merge(&record.entries);
    let absent = merged.did_not_take_place().map(|a| a.words());
    let children: Vec<String> = record
        .children
        .iter()
        .map(|c| format!("{} ({})", c.first_name, c.age))
        .collect();
    let workers: Vec<String> = record.workers.iter().map(|w| w.name.clone()).collect();
    let version = record.version;
    let current: Vec<_> = record
        .signatures
        .iter()
        .filter(|s| s.version == version)
        .cloned()
        .collect();
    let earlier: Vec<_> = record
        .signatures
        .iter()
        .filter(|s| s.version != version)
        .cloned()
        .collect();
    let ends = record.ends_ms;
    // Supported sessions keep attendance only (and any safeguarding concern).
    let supervised = record.service == Service::Supervised;
    let attendance: Vec<(String, i64)> = merged
        .started_ms
        .map(|at| ("Session started".to_owned(), at))
        .into_iter()
        .chain(
            merged
                .attendance
                .iter()
                .map(|(party, movement, at)| (movement_label(*party, *movement), *at)),
        )
        .chain(merged.ended_ms.map(|at| ("Session ended".to_owned(), at)))
        .collect();
    let name_of = |id: i64| {
        record
            .workers
            .iter()
            .find(|w| w.id == id)
            .map(|w| w.name.clone())
            .unwrap_or_else(|| "A worker no longer on this session".to_owned())
    };
    let late: Vec<(String, String)> = record
        .late_entries
        .iter()
        .map(|late| {
            (
                format!(
                    "{}: {}",
                    name_of(late.entry.author),
                    entry_words(&late.entry.kind)
                ),
                format!(
                    "Dated {} by the phone · received {}",
                    format_london(late.entry.at_ms),
                    format_london(late.received_ms)
                ),
            )
        })
        .collect();
    let clocks: Vec<String> = record
        .clock_offsets
        .iter()
        .map(|c| clock_words(&name_of(c.author), c.offset_ms))
        .collect();
    let mut concerns_only = merged.clone();
    concerns_only
        .observations
        .retain(|line| line.category.is_safeguarding());
    concerns_only.handovers.clear();
    view! {
        <article class="record">
            <section class="card record-head">
                {if embedded {
                    view! { <h2>{format!("The record so far · {}", record.case_reference)}</h2> }.into_any()
                } else {
                    view! { <h1>{format!("Session record · {}", record.case_reference)}</h1> }.into_any()
                }}
                <p class="badge-line"><span class="badge">{record.status.label()}</span></p>
                <dl class="facts">
                    <dt>"Date"</dt><dd>{format_london_day(record.starts_ms)}</dd>
                    <dt>"Booked"</dt><dd>{format!("{}–{}", format_london_time(record.starts_ms), format_london_time(record.ends_ms))}</dd>
                    <dt>"Service"</dt><dd>{record.service.label()}</dd>
                    <dt>"Room"</dt><dd>{record.room.clone()}</dd>
                    <dt>"Children"</dt><dd>{children.join(", ")}</dd>
                    <dt>"Supervised by"</dt><dd>{workers.join(" and ")}</dd>
                </dl>
                {absent.clone().map(|words| view! {
                    <p class="concern-banner" data-testid="did-not-take-place">{format!("Did not take place. {words}")}</p>
                    {(!supervised).then(|| view! { <p class="prose">{record.text.summary.clone()}</p> })}
                })}
            </section>
            {if supervised {
                view! {
                    <section class="card record-text">
                        <h2>"Summary"</h2>
                        <p class="prose">{non_empty(&record.text.summary, "Not written yet.")}</p>
                        {(!record.text.ended_early.is_empty()).then(|| view! { <h3>"Why the session ended early"</h3> <p class="prose">{record.text.ended_early.clone()}</p> })}
                        {(!record.text.incident.is_empty()).then(|| view! { <h3>"Incident"</h3> <p class="prose">{record.text.incident.clone()}</p> })}
                    </section>
                    {absent.is_none().then(|| view! {
                        <Coverage record=Signal::stored(merged.clone()) workers=record.workers.clone() until_ms=Signal::stored(ends) />
                    })}
                    <Timeline record=Signal::stored(merged) workers=record.workers.clone() />
                }
                .into_any()
            } else {
                view! {
                    <section class="card attendance-record">
                        <h2>"Attendance"</h2>
                        <p class="hint">"A supported session's record holds attendance only."</p>
                        <dl class="facts">
                            {attendance.into_iter().map(|(what, at)| view! { <dt>{what}</dt> <dd>{format_london_time(at)}</dd> }).collect_view()}
                        </dl>
                        {(!record.text.incident.is_empty()).then(|| view! { <h3>"Incident"</h3> <p class="prose">{record.text.incident.clone()}</p> })}
                    </section>
                    {(concerns_only.safeguarding_concerns() > 0).then(|| view! {
                        <Timeline record=Signal::stored(concerns_only) workers=record.workers.clone() />
                    })}
                }
                .into_any()
            }}
            <section class="card signatures">
                <h2>"Signatures"</h2>
                <ul class="list">
                    {current.into_iter().map(|s| view! {
                        <li class="list-item signature" data-testid="signature">
                            <span>{signature_line(&s)}</span>
                            <span class=if binds_current(&s) { "hint binds" } else { "hint binds-not" }>{binding_line(&s)}</span>
                        </li>
                    }).collect_view()}
                    {(!record.unsigned_note.is_empty()).then(|| view! { <li class="list-item">{format!("Not signed by every worker: {}", record.unsigned_note)}</li> })}
                    {record.cosigned_by.clone().map(|name| view! {
                        <li class="list-item"><strong>{format!("Co-signed by {name}")}</strong>
                        {record.released_ms.map(|at| format!(" and released on {}", format_london(at)))}</li>
                    })}
                </ul>
                {(record.status == RecordStatus::Released).then(|| pdf_link(format!("/documents/records/{}", record.booking_id)))}
                {(!earlier.is_empty()).then(|| view! {
                    <details class="history">
                        <summary>"Earlier signed versions"</summary>
                        <ul class="list">
                            {earlier.into_iter().map(|s| view! {
                                <li class="list-item">
                                    <span>{format!("Version {}, signed by {} on {}", s.version, s.name, format_london(s.signed_ms))}</span>
                                    <span class="prose">{s.text.summary}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    </details>
                })}
            </section>
            {(!late.is_empty()).then(|| view! {
                <section class="card late-entries" data-testid="late-entries">
                    <h2>"Received after signing"</h2>
                    <p class="hint">"These reached the centre after the record was signed, so no signature above covers them. They are kept as they arrived."</p>
                    <ul class="list">
                        {late.into_iter().map(|line| view! {
                            <li class="list-item">
                                <span class="prose">{line.0}</span>
                                <span class="hint">{line.1}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                </section>
            })}
            {(!clocks.is_empty()).then(|| view! {
                <section class="card clock-notes">
                    <h2>"Phone clocks"</h2>
                    <ul class="list">
                        {clocks.into_iter().map(|line| view! { <li class="list-item">{line}</li> }).collect_view()}
                    </ul>
                </section>
            })}
            {(!record.addenda.is_empty()).then(|| view! {
                <section class="card addenda">
                    <h2>"Addenda"</h2>
                    <ul class="list">
                        {record.addenda.iter().map(|a| view! {
                            <li class="list-item">
                                <span class="prose">{a.body.clone()}</span>
                                <span class="hint">{format!("Signed by {} on {}", a.author, format_london(a.signed_ms))}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                </section>
            })}
        </article>
    }
    .into_any()
}

/// The download of a released document's PDF, which carries its
/// verification code.
pub fn pdf_link(href: String) -> AnyView {
    view! {
        <p class="no-print">
            <a class="button secondary" href=href download="">"Download PDF"</a>
            <span class="hint">" Each page carries a verification code that anyone can check on this centre's /verify page."</span>
        </p>
    }
    .into_any()
}

fn non_empty(text: &str, otherwise: &str) -> String {
    if text.trim().is_empty() {
        otherwise.to_owned()
    } else {
        text.to_owned()
    }
}

/// One line of a list of records: the session, its status and what is due.
pub fn due_line(due: &RecordDue, link: String, for_cosigning: bool) -> AnyView {
    let now_ms = due.as_of_ms;
    let (mark, class) = if for_cosigning {
        let mark = due.deadlines.cosigning(now_ms);
        (
            mark.label().to_owned(),
            format!(
                "badge mark-{}",
                mark.label().to_lowercase().replace(' ', "-")
            ),
        )
    } else if due.status == RecordStatus::Released {
        ("Released".to_owned(), "badge badge-ok".to_owned())
    } else {
        match due.deadlines.signing(now_ms) {
            Timeliness::WithinTarget { left_ms } => (
                format!("{} left of the 2 hours", span_words(left_ms)),
                "badge badge-ok".to_owned(),
            ),
            Timeliness::PastTarget { left_ms } => (
                format!(
                    "Past 2 hours · {} to the 48-hour limit",
                    span_words(left_ms)
                ),
                "badge badge-warn".to_owned(),
            ),
            Timeliness::Overdue { by_ms } => (
                format!("Overdue by {}", span_words(by_ms)),
                "badge badge-danger".to_owned(),
            ),
        }
    };
    view! {
        <li class="list-item record-due" data-booking=due.booking_id.to_string()>
            <a class="session-link" href=link>
                <span class="booking-head">
                    <span class="booking-day">{format!("{} {}", format_london_day(due.starts_ms), format_london_time(due.starts_ms))}</span>
                    <span class="badge badge-muted">{due.case_reference.clone()}</span>
                </span>
                <span class=class>{mark}</span>
                {for_cosigning.then(|| view! {
                    <span class="hint">{format!("Signed by {} · co-sign by {}", due.signed_by.join(" and "), format_london(due.deadlines.limit_ms))}</span>
                })}
            </a>
        </li>
    }
    .into_any()
}

/// Whether a signature binds the record as it reads now: the same version
/// and words, and what is stored still hashes to what was signed.
fn binds_current(s: &crate::model::RecordSignature) -> bool {
    s.matches_current && s.intact != Some(false)
}

/// What a signature binds, said plainly.
fn binding_line(s: &crate::model::RecordSignature) -> String {
    let short: String = s.content_hash.chars().take(12).collect();
    match (s.intact, s.matches_current) {
        (Some(false), _) => format!(
            "Warning: what is stored no longer matches what {} signed (fingerprint {short}). Tell the coordinator.",
            s.name
        ),
        (_, false) => format!(
            "{} signed version {}, whose words differ from the record as it reads now.",
            s.name, s.version
        ),
        (Some(true), true) => format!(
            "{} signed exactly this text and the {} above it (fingerprint {short}).",
            s.name,
            match s.covered {
                1 => "entry".to_owned(),
                n => format!("{n} entries"),
            }
        ),
        (None, true) => format!("{} signed this text.", s.name),
    }
}
