//! Session records after the session, one page per role:
//! - `/worker/records/:id`: the worker completes the record and signs it
//!   with their password or signing PIN (or adds an addendum once it is signed);
//! - `/coordinator/records`: the co-signing queue, by time left, the final
//!   reports to co-sign, the drafts and the audit trail check;
//!   `/coordinator/records/:id`: co-sign or return;
//! - `/worker/cosign` and `/worker/cosign/:id`: the same queue and page for
//!   a senior worker (never their own sessions' records);
//! - `/referrer/records/:id`: a released record, printable.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::records::{
    add_addendum, ask_for_changes, case_reports, cosign_queue, cosign_record, cosign_report,
    my_released_records, my_released_reports, my_unsigned_records, read_final_report, read_record,
    reports_to_cosign, return_record, save_record_text, sign_record, unsigned_drafts,
    verify_audit_trail, verify_document, write_final_report,
};
use crate::components::error_note::ErrorNote;
use crate::components::page_data::PageData;
use crate::components::record_view::{RecordView, due_line, pdf_link};
use crate::components::role_gate::RoleGate;
use crate::device;
use crate::domain::london_time::format_london;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::model::{
    FinalReport, NewFinalReport, RecordDue, RecordStatus, RecordText, SessionRecord,
};

/// The id in the address (a booking's or a report's), if it is one.
fn booking_id() -> Memo<Option<i64>> {
    let params = use_params_map();
    Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
    })
}

/// The record named by the address, fetched again whenever `version` moves.
fn record_resource(version: RwSignal<u32>) -> Resource<Result<SessionRecord, AppError>> {
    let id = booking_id();
    Resource::new(
        move || (id.get(), version.get()),
        |(id, _)| async move {
            match id {
                Some(id) => read_record(id).await,
                None => Err(AppError::not_found("That record")),
            }
        },
    )
}

/// Shows the outcome of the last step taken on a page.
fn outcome_note(outcome: RwSignal<Option<Result<String, AppError>>>) -> impl IntoView {
    move || {
        outcome.get().map(|result| match result {
            Ok(message) => view! { <p class="ok-note" role="status">{message}</p> }.into_any(),
            Err(error) => view! { <ErrorNote error /> }.into_any(),
        })
    }
}

// ---- The worker ----

#[component]
pub fn WorkerRecordPage() -> impl IntoView {
    view! { <RoleGate role=Role::Worker children=|_| view! { <WorkerRecord /> } /> }
}

#[component]
fn WorkerRecord() -> AnyView {
    let version = RwSignal::new(0u32);
    let record = record_resource(version);
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match record.await {
                    Ok(record) if record.status == RecordStatus::Draft => draft(record, version),
                    Ok(record) => {
                        let id = record.booking_id;
                        view! {
                            <a class="back" href="/worker">"‹ Your sessions"</a>
                            <RecordView record />
                            {addendum_form(id, version)}
                        }
                        .into_any()
                    }
                    Err(error) => view! { <ErrorNote error /> }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

fn draft(record: SessionRecord, version: RwSignal<u32>) -> AnyView {
    let id = record.booking_id;
    let summary = RwSignal::new(record.text.summary.clone());
    let ended_early = RwSignal::new(record.text.ended_early.clone());
    let incident = RwSignal::new(record.text.incident.clone());
    let password = RwSignal::new(String::new());
    let unsigned_note = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Result<String, AppError>>);
    let text = move || RecordText {
        summary: summary.get_untracked(),
        ended_early: ended_early.get_untracked(),
        incident: incident.get_untracked(),
    };
    let save = move |_| {
        leptos::task::spawn_local(async move {
            outcome.set(Some(
                save_record_text(id, text())
                    .await
                    .map(|()| "Saved. Not signed yet.".to_owned()),
            ));
        });
    };
    let sign = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        leptos::task::spawn_local(async move {
            // The words on this page are what is signed, as they stand.
            let result = sign_record(
                id,
                text(),
                password.get_untracked(),
                unsigned_note.get_untracked(),
                device::now_ms(),
            )
            .await;
            password.set(String::new());
            match result {
                Ok(RecordStatus::Draft) => outcome.set(Some(Ok(
                    "Signed by you. The record is complete once your co-worker signs too.".into(),
                ))),
                Ok(_) => {
                    outcome.set(Some(Ok(
                        "Signed. The record now waits for a coordinator's co-signature.".into(),
                    )));
                    version.update(|v| *v += 1);
                }
                Err(error) => outcome.set(Some(Err(error))),
            }
        });
    };
    let signed_by: Vec<String> = record
        .signatures
        .iter()
        .filter(|s| s.version == record.version)
        .map(|s| s.name.clone())
        .collect();
    let deadlines = record.deadlines;
    let supervised = record.service == crate::domain::schedule::Service::Supervised;
    let merged = crate::domain::session_log::merge(&record.entries);
    // Nobody came: a short non-attendance record instead of a narrative.
    let absent = merged.did_not_take_place().map(|a| a.words());
    let is_absent = absent.is_some();
    // Someone signed this version: its words are fixed.
    let fixed = !signed_by.is_empty();
    view! {
        <a class="back" href="/worker">"‹ Your sessions"</a>
        <section class="card">
            <h1>{format!("Record · {}", record.case_reference)}</h1>
            <p>{format!(
                "Sign by {} (the 2-hour target), at the latest by {}.",
                format_london(deadlines.target_ms),
                format_london(deadlines.limit_ms),
            )}</p>
            {(!record.return_note.is_empty()).then(|| view! {
                <p class="concern-banner" role="alert">{format!("Returned for amendment: {}", record.return_note)}</p>
            })}
            {fixed.then(|| view! { <p class="hint" data-testid="fixed-text">{format!(
                "{} signed these words, so they no longer change. Sign them as they are, or ask for changes below.",
                signed_by.join(" and ")
            )}</p> })}
            {match absent {
                Some(words) => view! {
                    <p class="concern-banner" data-testid="did-not-take-place">{format!("Did not take place. {words}")}</p>
                    <label class="field"><span>{crate::domain::session_log::NON_ATTENDANCE_PROMPT}</span>
                        <textarea rows="3" readonly=fixed prop:value=move || summary.get() on:input=move |ev| summary.set(event_target_value(&ev))></textarea>
                    </label>
                }.into_any(),
                None if supervised => view! {
                    <label class="field"><span>"How the session went"</span>
                        <textarea rows="5" readonly=fixed prop:value=move || summary.get() on:input=move |ev| summary.set(event_target_value(&ev))></textarea>
                    </label>
                    <label class="field"><span>"Why it ended early, if it did"</span>
                        <textarea rows="2" readonly=fixed prop:value=move || ended_early.get() on:input=move |ev| ended_early.set(event_target_value(&ev))></textarea>
                    </label>
                }.into_any(),
                None => ().into_any(),
            }}
            {(!supervised && !is_absent).then(|| view! { <p class="hint">"A supported session's record holds attendance only: check the times below and sign."</p> })}
            <label class="field"><span>"Any incident"</span>
                <textarea rows="2" readonly=fixed prop:value=move || incident.get() on:input=move |ev| incident.set(event_target_value(&ev))></textarea>
            </label>
            {(!fixed).then(|| view! { <button type="button" class="button secondary big" on:click=save>"Save without signing"</button> })}
        </section>
        <form class="card stack" on:submit=sign>
            <h2>"Sign the record"</h2>
            <p class="hint">"Signing locks the record: after that, a correction is an addendum."</p>
            <label class="field"><span>"If your co-worker will not sign, say why"</span>
                <input type="text" prop:value=move || unsigned_note.get() on:input=move |ev| unsigned_note.set(event_target_value(&ev)) />
            </label>
            <label class="field"><span>"Your password or signing PIN"</span>
                <input type="password" autocomplete="current-password" required
                    prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev)) />
            </label>
            <button type="submit" class="button primary">"Sign"</button>
            {outcome_note(outcome)}
        </form>
        {fixed.then(|| ask_for_changes_form(id, version))}
        <RecordView record embedded=true />
    }
    .into_any()
}

/// For a version someone has signed: its words no longer change, so a
/// worker who disagrees asks for changes, which opens a new version that
/// everyone signs again.
fn ask_for_changes_form(booking_id: i64, version: RwSignal<u32>) -> AnyView {
    let comment = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Result<String, AppError>>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        leptos::task::spawn_local(async move {
            let result = ask_for_changes(booking_id, comment.get_untracked()).await;
            if result.is_ok() {
                comment.set(String::new());
                version.update(|v| *v += 1);
            }
            outcome.set(Some(result.map(|()| {
                "A new version is open: change the text and sign it; everyone signs it again."
                    .to_owned()
            })));
        });
    };
    view! {
        <form class="card stack" on:submit=submit>
            <h2>"Ask for changes"</h2>
            <p class="hint">"This version is signed as it stands. If it is wrong, say what should change: that opens a new version, and everyone signs again."</p>
            <label class="field"><span>"What should change"</span>
                <textarea rows="2" prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
            </label>
            <button type="submit" class="button secondary">"Ask for changes"</button>
            {outcome_note(outcome)}
        </form>
    }
    .into_any()
}

/// A password (or PIN) field and a button: what confirms a co-signature.
/// The field is emptied once the password has been handed to `confirm`.
fn confirm_with_password(label: &'static str, confirm: impl Fn(String) + 'static) -> AnyView {
    let password = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        confirm(password.get_untracked());
        password.set(String::new());
    };
    view! {
        <form class="stack" on:submit=submit>
            <label class="field"><span>"Your password or signing PIN, to confirm"</span>
                <input type="password" autocomplete="current-password" required
                    prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev)) />
            </label>
            <button type="submit" class="button primary">{label}</button>
        </form>
    }
    .into_any()
}

fn addendum_form(booking_id: i64, version: RwSignal<u32>) -> AnyView {
    let body = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Result<String, AppError>>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        leptos::task::spawn_local(async move {
            let result =
                add_addendum(booking_id, body.get_untracked(), password.get_untracked()).await;
            password.set(String::new());
            if result.is_ok() {
                body.set(String::new());
                version.update(|v| *v += 1);
            }
            outcome.set(Some(
                result.map(|()| "Addendum added and signed.".to_owned()),
            ));
        });
    };
    view! {
        <form class="card stack no-print" on:submit=submit>
            <h2>"Add an addendum"</h2>
            <p class="hint">"The signed record does not change; a correction is added under it with your name and the time."</p>
            <label class="field"><span>"Correction"</span>
                <textarea rows="3" prop:value=move || body.get() on:input=move |ev| body.set(event_target_value(&ev))></textarea>
            </label>
            <label class="field"><span>"Your password or signing PIN"</span>
                <input type="password" autocomplete="current-password" required
                    prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev)) />
            </label>
            <button type="submit" class="button primary">"Sign the addendum"</button>
            {outcome_note(outcome)}
        </form>
    }
    .into_any()
}

/// The worker's records still to sign, fetched in the browser when online
/// (the worker's pages render no server data, so that they open offline).
#[component]
pub fn RecordsToSign() -> AnyView {
    let due = RwSignal::new(None::<Vec<RecordDue>>);
    Effect::new(move |_| {
        if !device::is_online() {
            return;
        }
        leptos::task::spawn_local(async move {
            if let Ok(list) = my_unsigned_records().await {
                due.set(Some(list));
            }
        });
    });
    view! {
        {move || due.get().filter(|list| !list.is_empty()).map(|list| {
            view! {
                <section class="card records-to-sign">
                    <h2>{format!("Records to sign ({})", list.len())}</h2>
                    <ul class="list">
                        {list.iter().map(|d| due_line(d, format!("/worker/records/{}", d.booking_id), false)).collect_view()}
                    </ul>
                </section>
            }
        })}
    }
    .into_any()
}

// ---- The coordinator ----

#[component]
pub fn CosignQueuePage() -> impl IntoView {
    view! {
        <RoleGate
            role=Role::Coordinator
            children=|_| view! { <CosignQueue base="/coordinator/records" /> <ReportsToCosign /> <Drafts /> <AuditCheck /> }
        />
    }
}

/// `/worker/cosign`: a senior worker's queue of records and reports to
/// co-sign (never their own sessions' or reports).
#[component]
pub fn SeniorCosignPage() -> impl IntoView {
    view! {
        <RoleGate role=Role::Worker children=|user| senior_only(&user, || view! {
            <a class="back" href="/worker">"‹ Your sessions"</a>
            <CosignQueue base="/worker/cosign" /> <ReportsToCosign />
        }) />
    }
}

/// `/worker/cosign/:id`: a senior worker checks a record and co-signs or
/// returns it.
#[component]
pub fn SeniorRecordPage() -> impl IntoView {
    view! {
        <RoleGate role=Role::Worker children=|user| senior_only(&user, || view! {
            <CosignRecord back="/worker/cosign" />
        }) />
    }
}

/// The page for a senior worker, or a plain word to one who is not.
fn senior_only<V: IntoView + 'static>(
    user: &crate::model::CurrentUser,
    page: impl FnOnce() -> V,
) -> AnyView {
    if user.senior {
        page().into_any()
    } else {
        view! {
            <section class="card">
                <h1>"Co-signing"</h1>
                <p>"Records and reports are co-signed by the coordinator or a senior worker. Ask the coordinator if you should be one."</p>
                <a class="button" href="/worker">"Back to your sessions"</a>
            </section>
        }
        .into_any()
    }
}

/// Final reports waiting for the caller's co-signature, with their text.
#[component]
fn ReportsToCosign() -> AnyView {
    let version = RwSignal::new(0u32);
    let reports = Resource::new(move || version.get(), |_| reports_to_cosign());
    let outcome = RwSignal::new(None::<Result<String, AppError>>);
    let cosign = move |report_id: i64, password: String| {
        leptos::task::spawn_local(async move {
            let result = cosign_report(report_id, password).await;
            if result.is_ok() {
                version.update(|v| *v += 1);
            }
            outcome.set(Some(result.map(|()| {
                "Report co-signed and released to the referrer.".to_owned()
            })));
        });
    };
    view! {
        <section class="card" data-testid="reports-to-cosign">
            <h2>"Final reports to co-sign"</h2>
            {outcome_note(outcome)}
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match reports.await {
                        Ok(list) if list.is_empty() => view! { <p class="empty">"No final report waits for you."</p> }.into_any(),
                        Ok(list) => list.into_iter().map(|report| {
                            let id = report.id;
                            view! {
                                {report_view(report, false)}
                                {confirm_with_password(
                                    "Co-sign and release this report",
                                    move |password| cosign(id, password),
                                )}
                            }
                        }).collect_view().into_any(),
                        Err(error) => view! { <ErrorNote error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
    .into_any()
}

#[component]
fn CosignQueue(base: &'static str) -> AnyView {
    let queue = Resource::new(|| (), |_| cosign_queue());
    view! {
        <section class="card">
            <h1>"Records to co-sign"</h1>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match queue.await {
                        Ok(list) if list.is_empty() => view! { <p class="empty">"Nothing waits for co-signature."</p> }.into_any(),
                        Ok(list) => {
                            view! {
                                <ul class="list">
                                    {list.iter().map(|d| due_line(d, format!("{base}/{}", d.booking_id), true)).collect_view()}
                                </ul>
                            }.into_any()
                        }
                        Err(error) => view! { <ErrorNote error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
    .into_any()
}

/// Records the workers have not signed yet, with the time left to the
/// 2-hour target or the 48-hour limit.
#[component]
fn Drafts() -> AnyView {
    let drafts = Resource::new(|| (), |_| unsigned_drafts());
    view! {
        <section class="card" data-testid="drafts">
            <h2>"Not yet signed by the workers"</h2>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match drafts.await {
                        Ok(list) if list.is_empty() => view! { <p class="empty">"Every ended session's record is signed."</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="list">
                                {list.iter().map(|d| due_line(d, format!("/coordinator/sessions/{}", d.booking_id), false)).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(error) => view! { <ErrorNote error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
    .into_any()
}

#[component]
fn AuditCheck() -> AnyView {
    let outcome = RwSignal::new(None::<Result<String, AppError>>);
    let check = move |_| {
        leptos::task::spawn_local(async move {
            outcome.set(Some(verify_audit_trail().await.and_then(|verdict| {
                if verdict.holds {
                    Ok(verdict.finding)
                } else {
                    Err(AppError::conflict(verdict.finding))
                }
            })));
        });
    };
    view! {
        <section class="card">
            <h2>"Audit trail"</h2>
            <p class="hint">"Every change and every reading of a record, report or case file is chained to the one before, with a key kept outside the database."</p>
            <button type="button" class="button secondary" on:click=check>"Check the audit trail"</button>
            {outcome_note(outcome)}
        </section>
    }
    .into_any()
}

#[component]
pub fn CoordinatorRecordPage() -> impl IntoView {
    view! { <RoleGate role=Role::Coordinator children=|_| view! { <CosignRecord back="/coordinator/records" /> } /> }
}

/// One record to check, co-sign or return (a coordinator or a senior worker).
#[component]
fn CosignRecord(back: &'static str) -> AnyView {
    let version = RwSignal::new(0u32);
    let record = record_resource(version);
    view! {
        <a class="back" href=back>"‹ Records to co-sign"</a>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match record.await {
                    Ok(record) => {
                        let id = record.booking_id;
                        let status = record.status;
                        view! {
                            {(status == RecordStatus::Signed).then(|| decide(id, version))}
                            <RecordView record />
                            {(status != RecordStatus::Draft).then(|| addendum_form(id, version))}
                        }
                        .into_any()
                    }
                    Err(error) => view! { <ErrorNote error /> }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

fn decide(booking_id: i64, version: RwSignal<u32>) -> AnyView {
    let comment = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Result<String, AppError>>);
    let cosign = move |password: String| {
        leptos::task::spawn_local(async move {
            let result = cosign_record(booking_id, password).await;
            if result.is_ok() {
                version.update(|v| *v += 1);
            }
            outcome.set(Some(
                result.map(|()| "Co-signed and released to the referrer.".to_owned()),
            ));
        });
    };
    let send_back = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        leptos::task::spawn_local(async move {
            let result = return_record(booking_id, comment.get_untracked()).await;
            if result.is_ok() {
                version.update(|v| *v += 1);
            }
            outcome.set(Some(
                result.map(|()| "Returned to the workers with your comment.".to_owned()),
            ));
        });
    };
    view! {
        <section class="card stack no-print">
            <h2>"Check and co-sign"</h2>
            {confirm_with_password("Co-sign and release", cosign)}
            <form class="stack" on:submit=send_back>
                <label class="field"><span>"Or return it to the workers: what needs amending?"</span>
                    <textarea rows="2" prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                </label>
                <button type="submit" class="button secondary">"Return for amendment"</button>
            </form>
            {outcome_note(outcome)}
        </section>
    }
    .into_any()
}

// ---- The referrer ----

/// The referrer's released records, newest first.
#[component]
pub fn ReleasedRecords() -> AnyView {
    let released = Resource::new(|| (), |_| my_released_records());
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match released.await {
                    Ok(list) if list.is_empty() => view! {
                        <p class="empty">"No co-signed records yet. Records of your cases appear here once the centre releases them."</p>
                    }.into_any(),
                    Ok(list) => {
                        view! {
                            <ul class="list">
                                {list.iter().map(|d| due_line(d, format!("/referrer/records/{}", d.booking_id), false)).collect_view()}
                            </ul>
                        }.into_any()
                    }
                    Err(error) => view! { <ErrorNote error /> }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

#[component]
pub fn ReferrerRecordPage() -> impl IntoView {
    view! { <RoleGate role=Role::Referrer children=|_| view! { <ReferrerRecord /> } /> }
}

#[component]
fn ReferrerRecord() -> AnyView {
    let record = record_resource(RwSignal::new(0));
    view! {
        <div class="row-actions no-print">
            <a class="back" href="/referrer">"‹ Your cases"</a>
            <button type="button" class="button secondary" on:click=move |_| { let _ = window().print(); }>"Print"</button>
        </div>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match record.await {
                    Ok(record) => view! { <RecordView record /> }.into_any(),
                    Err(error) => view! { <ErrorNote error /> }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

// ---- Final reports ----

/// A final report, read-only and printable.
fn report_view(report: FinalReport, heading: bool) -> AnyView {
    let title = format!("Final report · {}", report.case_reference);
    view! {
        <article class="card report">
            {if heading { view! { <h1>{title}</h1> }.into_any() } else { view! { <h3>{title}</h3> }.into_any() }}
            <p class="badge-line"><span class="badge">{report.status.label()}</span></p>
            <dl class="facts">
                <dt>"Sessions attended"</dt><dd>{report.sessions_attended}</dd>
                <dt>"Sessions missed"</dt><dd>{report.sessions_missed}</dd>
                <dt>"Recommendation"</dt><dd>{report.recommendation.clone()}</dd>
            </dl>
            <p class="prose">{report.summary.clone()}</p>
            <p class="hint">{format!("Written and signed by {} on {}.", report.author, format_london(report.signed_ms))}</p>
            {report.cosigned_by.clone().map(|name| view! {
                <p class="hint">{format!("Co-signed by {name}{}.", report.released_ms.map(|at| format!(" and released on {}", format_london(at))).unwrap_or_default())}</p>
            })}
            {(report.status == RecordStatus::Released).then(|| pdf_link(format!("/documents/reports/{}", report.id)))}
        </article>
    }
    .into_any()
}

/// The coordinator's final reports of one case: write and sign one, or
/// co-sign another coordinator's (which releases it to the referrer).
#[component]
pub fn FinalReports(case_id: i64, reports: PageData<Vec<FinalReport>>) -> AnyView {
    let summary = RwSignal::new(String::new());
    let recommendation = RwSignal::new(String::new());
    let charge = RwSignal::new(false);
    let password = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Result<String, AppError>>);
    let write = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        leptos::task::spawn_local(async move {
            let report = NewFinalReport {
                summary: summary.get_untracked(),
                recommendation: recommendation.get_untracked(),
                charge: charge.get_untracked(),
            };
            let result = write_final_report(case_id, report, password.get_untracked()).await;
            password.set(String::new());
            if result.is_ok() {
                summary.set(String::new());
                recommendation.set(String::new());
                reports.reload();
            }
            outcome.set(Some(result.map(|_| {
                "Written and signed. Another coordinator co-signs it to release it.".to_owned()
            })));
        });
    };
    let cosign = move |report_id: i64, password: String| {
        leptos::task::spawn_local(async move {
            let result = cosign_report(report_id, password).await;
            if result.is_ok() {
                reports.reload();
            }
            outcome.set(Some(
                result.map(|()| "Co-signed and released to the referrer.".to_owned()),
            ));
        });
    };
    view! {
        <section class="card">
            <h2>"Final reports"</h2>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match reports.data().await {
                        Ok(list) => list.into_iter().map(|report| {
                            let id = report.id;
                            let waiting = report.status == RecordStatus::Signed;
                            view! {
                                {report_view(report, false)}
                                {waiting.then(|| confirm_with_password(
                                    "Co-sign and release this report",
                                    move |password| cosign(id, password),
                                ))}
                            }
                        }).collect_view().into_any(),
                        Err(error) => view! { <ErrorNote error /> }.into_any(),
                    }
                })}
            </Transition>
            <form class="stack" on:submit=write>
                <h3>"Write a final report"</h3>
                <p class="hint">"Sessions attended and missed are counted from the bookings."</p>
                <label class="field"><span>"Summary"</span>
                    <textarea rows="4" prop:value=move || summary.get() on:input=move |ev| summary.set(event_target_value(&ev))></textarea>
                </label>
                <label class="field"><span>"Recommendation"</span>
                    <input type="text" list="recommendations" prop:value=move || recommendation.get()
                        on:input=move |ev| recommendation.set(event_target_value(&ev)) />
                </label>
                <datalist id="recommendations">
                    <option value="Continue supervised contact"></option>
                    <option value="Move to supported contact"></option>
                    <option value="Move to handovers"></option>
                    <option value="Contact to end"></option>
                </datalist>
                <label class="check"><input type="checkbox" prop:checked=move || charge.get()
                    on:change=move |ev| charge.set(event_target_checked(&ev)) />
                    "The parents asked for it: charge the final report's fee"</label>
                <label class="field"><span>"Your password or signing PIN"</span>
                    <input type="password" autocomplete="current-password" required
                        prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev)) />
                </label>
                <button type="submit" class="button primary">"Write and sign"</button>
                {outcome_note(outcome)}
            </form>
        </section>
    }
    .into_any()
}

/// A case's final reports, for `FinalReports`: made by the case page before
/// it waits for anything (see `PageData`).
pub fn reports_of(case_id: impl Fn() -> i64 + Send + Sync + 'static) -> PageData<Vec<FinalReport>> {
    PageData::new(case_id, |id, _| case_reports(id))
}

/// The referrer's released final reports.
#[component]
pub fn ReleasedReports() -> AnyView {
    let reports = Resource::new(|| (), |_| my_released_reports());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match reports.await {
                    Ok(list) if list.is_empty() => ().into_any(),
                    Ok(list) => view! {
                        <ul class="list">
                            {list.into_iter().map(|r| view! {
                                <li class="list-item">
                                    <a class="session-link" href=format!("/referrer/reports/{}", r.id)>
                                        <span class="booking-day">{format!("Final report · {}", r.case_reference)}</span>
                                        <span class="hint">{r.recommendation}</span>
                                    </a>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <ErrorNote error /> }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

#[component]
pub fn ReferrerReportPage() -> impl IntoView {
    view! { <RoleGate role=Role::Referrer children=|_| view! { <ReferrerReport /> } /> }
}

#[component]
fn ReferrerReport() -> AnyView {
    let id = booking_id();
    let report = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => read_final_report(id).await,
                None => Err(AppError::not_found("That report")),
            }
        },
    );
    view! {
        <div class="row-actions no-print">
            <a class="back" href="/referrer">"‹ Your cases"</a>
            <button type="button" class="button secondary" on:click=move |_| { let _ = window().print(); }>"Print"</button>
        </div>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match report.await {
                    Ok(report) => report_view(report, true),
                    Err(error) => view! { <ErrorNote error /> }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

// ---- Checking a document ----

/// `/verify`: anyone, signed in or not, checks the verification code printed
/// on a released record's or report's PDF. The answer says what kind of
/// document it is, when it was released and its fingerprint, never what it
/// says.
#[component]
pub fn VerifyPage() -> impl IntoView {
    let code = RwSignal::new(String::new());
    let answer = RwSignal::new(None::<Result<Option<crate::model::VerifiedDocument>, AppError>>);
    let check = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        leptos::task::spawn_local(async move {
            answer.set(Some(verify_document(code.get_untracked()).await));
        });
    };
    view! {
        <section class="card stack">
            <h1>"Check a document"</h1>
            <p>"Every page of a session record or final report released by the centre carries a verification code and a fingerprint at its foot. Type the code to check that the document is genuine and unaltered."</p>
            <form class="stack" on:submit=check>
                <label class="field"><span>"Verification code"</span>
                    <input type="text" autocomplete="off" autocapitalize="characters" spellcheck="false"
                        placeholder="7Q2M-K9XD-4HRT" inputmode="text"
                        prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev)) />
                </label>
                <button type="submit" class="button primary">"Check"</button>
            </form>
            {move || answer.get().map(|result| match result {
                Ok(Some(found)) if found.intact => view! {
                    <div class="ok-note" role="status" data-testid="verified">
                        <p><strong>{format!("Genuine: a {} released on {}.", found.kind, format_london(found.released_ms))}</strong></p>
                        <p>{format!("Its fingerprint is {}. It must match the fingerprint printed beside the code on your copy; if it does not, your copy was changed.", found.fingerprint)}</p>
                    </div>
                }.into_any(),
                Ok(Some(found)) if found.erased => view! {
                    <div class="ok-note" role="status" data-testid="verified">
                        <p><strong>{format!("This code belongs to a {} released on {}. The centre no longer holds it: it was erased when its retention period ended.", found.kind, format_london(found.released_ms))}</strong></p>
                        <p>{format!("Its fingerprint was {}. A copy printing the same fingerprint beside this code is as it was released.", found.fingerprint)}</p>
                    </div>
                }.into_any(),
                Ok(Some(found)) => view! {
                    <div class="error-note" role="alert" data-testid="verified">
                        <p><strong>{format!("This code belongs to a {} released on {}, but what the centre holds no longer reads as it did then.", found.kind, format_london(found.released_ms))}</strong></p>
                        <p>"Do not rely on this document. Contact the centre and quote the code."</p>
                    </div>
                }.into_any(),
                Ok(None) => view! {
                    <p class="error-note" role="alert" data-testid="verified">"No document has this code. Check that you typed it exactly as printed."</p>
                }.into_any(),
                Err(error) => view! { <ErrorNote error /> }.into_any(),
            })}
        </section>
    }
}
