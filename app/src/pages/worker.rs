//! `/worker`: the contact worker's sessions from today, read from the phone
//! (IndexedDB) so the list opens with no signal, and refreshed from the
//! server whenever there is one. The server-rendered page holds no session
//! data; the list appears once the phone's copy is read, so the page
//! hydrates the same way online and offline.

use leptos::prelude::*;

use crate::api::records::set_signing_pin;
use crate::api::worker::my_sessions;
use crate::components::role_gate::RoleGate;
use crate::components::sync_bar::SyncBar;
use crate::device;
use crate::domain::london_time::{format_london_day, format_london_time};
use crate::domain::role::Role;
use crate::model::{WorkerSession, WorkerSessions};
use crate::pages::records::RecordsToSign;
use crate::sync::use_sync;

#[component]
pub fn WorkerHome() -> impl IntoView {
    view! {
        <RoleGate role=Role::Worker children=|user| view! {
            <SyncBar />
            <RecordsToSign />
            {user.senior.then(|| view! {
                <section class="card">
                    <h2>"Co-signing"</h2>
                    <p class="hint">"You are a senior worker: you co-sign other sessions' records and final reports, never your own."</p>
                    <a class="button secondary" href="/worker/cosign">"Records and reports to co-sign"</a>
                </section>
            })}
            <SessionList me=user.id />
        } />
    }
}

/// Reads the phone's copy, then refreshes it from the server when online
/// (on opening, and whenever the network comes back). `None` while the
/// phone's copy is being read.
pub fn phone_sessions(
    me: i64,
) -> (
    ReadSignal<Option<Result<WorkerSessions, String>>>,
    ReadSignal<bool>,
) {
    let sync = use_sync();
    let (sessions, set_sessions) = signal(None::<Result<WorkerSessions, String>>);
    let (refreshing, set_refreshing) = signal(false);
    Effect::new(move |_| {
        let online = sync.online.get();
        leptos::task::spawn_local(async move {
            let stored = device::load_sessions(me).await;
            let have_copy = matches!(stored, Ok(Some(_)));
            match stored {
                Ok(Some(list)) => set_sessions.set(Some(Ok(list))),
                Ok(None) => {}
                Err(trouble) => set_sessions.set(Some(Err(trouble))),
            }
            if !online || !device::is_online() || refreshing.get_untracked() {
                if !have_copy {
                    let expired = device::load_memo()
                        .await
                        .ok()
                        .and_then(|memo| memo.expired_ms);
                    set_sessions.set(Some(Err(match expired {
                        Some(_) => "This phone's copy of your sessions was removed: it had not reached the centre for 14 days. Connect to fetch them again; entries not yet synced are still on the phone.".into(),
                        None => "This phone has no copy of your sessions yet. Connect once to fetch them.".into(),
                    })));
                }
                return;
            }
            set_refreshing.set(true);
            match my_sessions().await {
                Ok(fresh) => {
                    if let Err(trouble) = device::save_sessions(me, &fresh).await {
                        sync.error.set(Some(trouble));
                    }
                    // Keep each session's page for offline use, and the list's.
                    let mut pages: Vec<String> = fresh
                        .sessions
                        .iter()
                        .map(|s| format!("/worker/sessions/{}", s.booking_id))
                        .collect();
                    pages.push("/worker".to_owned());
                    device::warm_pages(&pages);
                    set_sessions.set(Some(Ok(fresh)));
                }
                Err(error) if !have_copy => set_sessions.set(Some(Err(error.to_string()))),
                Err(_) => {}
            }
            set_refreshing.set(false);
        });
    });
    (sessions, refreshing)
}

#[component]
fn SessionList(me: i64) -> AnyView {
    let (sessions, _) = phone_sessions(me);
    // A memo, so the PIN form is drawn again only if this changes, not on
    // every reading of the list (which would wipe what is being typed).
    let has_pin = Memo::new(move |_| match sessions.get() {
        Some(Ok(mine)) => Some(mine.pin_salt.is_some()),
        _ => None,
    });
    view! {
        <section class="card">
            <h1>"Your sessions"</h1>
            {move || match sessions.get() {
                None => view! { <p class="loading">"Opening your sessions on this phone…"</p> }.into_any(),
                Some(Err(trouble)) => view! { <p class="error-note" role="alert">{trouble}</p> }.into_any(),
                Some(Ok(mine)) if mine.sessions.is_empty() => view! {
                    <p class="empty">"No sessions are booked for you in the next two weeks."</p>
                }.into_any(),
                Some(Ok(mine)) => {
                    let me = mine.me.id;
                    view! {
                        <p class="hint">{format!("Fetched {} {}.", format_london_day(mine.fetched_ms), format_london_time(mine.fetched_ms))}</p>
                        <ul class="list sessions">
                            {mine.sessions.into_iter().map(|s| session_item(s, me)).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
        </section>
        {move || has_pin.get().map(|has_pin| view! { <SigningPin me has_pin /> })}
    }
    .into_any()
}

/// Setting the signing PIN, which lets the worker sign records on the
/// phone without signal. Needs signal and the password.
#[component]
fn SigningPin(me: i64, has_pin: bool) -> impl IntoView {
    let open = RwSignal::new(false);
    let password = RwSignal::new(String::new());
    let pin = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Result<String, String>>);
    let busy = RwSignal::new(false);
    let save = move |_| {
        busy.set(true);
        outcome.set(None);
        leptos::task::spawn_local(async move {
            let result = set_signing_pin(password.get_untracked(), pin.get_untracked()).await;
            busy.set(false);
            match result {
                Ok(()) => {
                    password.set(String::new());
                    pin.set(String::new());
                    open.set(false);
                    // The phone needs the PIN's salt to sign offline.
                    if let Ok(fresh) = my_sessions().await {
                        let _ = device::save_sessions(me, &fresh).await;
                    }
                    outcome.set(Some(Ok(
                        "PIN set. You can now sign records on this phone without signal.".into(),
                    )));
                }
                Err(error) => outcome.set(Some(Err(error.to_string()))),
            }
        });
    };
    view! {
        <section class="card signing-pin">
            <h2>"Signing PIN"</h2>
            <p class="hint">{if has_pin {
                "You have a signing PIN: you can sign records with it, with or without signal."
            } else {
                "Set a six-digit PIN to sign records without signal. Your password still works too."
            }}</p>
            {move || outcome.get().map(|o| match o {
                Ok(message) => view! { <p class="saved" role="status">{message}</p> }.into_any(),
                Err(trouble) => view! { <p class="error-note" role="alert">{trouble}</p> }.into_any(),
            })}
            {move || if open.get() {
                view! {
                    <label class="field"><span>"Your password"</span>
                        <input type="password" autocomplete="current-password" prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev)) />
                    </label>
                    <label class="field"><span>"New PIN (six digits)"</span>
                        <input type="password" inputmode="numeric" autocomplete="off" maxlength="6" prop:value=move || pin.get() on:input=move |ev| pin.set(event_target_value(&ev)) />
                    </label>
                    <button type="button" class="button big" disabled=move || busy.get() on:click=save>"Save PIN"</button>
                }.into_any()
            } else {
                view! {
                    <button type="button" class="button secondary" on:click=move |_| open.set(true)>
                        {if has_pin { "Change my PIN" } else { "Set a signing PIN" }}
                    </button>
                }.into_any()
            }}
        </section>
    }
}

fn session_item(session: WorkerSession, me: i64) -> AnyView {
    let others: Vec<String> = session
        .workers
        .iter()
        .filter(|w| w.id != me)
        .map(|w| w.name.clone())
        .collect();
    let children: Vec<String> = session
        .children
        .iter()
        .map(|c| format!("{} ({})", c.first_name, c.age))
        .collect();
    view! {
        <li class="list-item session-item">
            <a class="session-link" href=format!("/worker/sessions/{}", session.booking_id)>
                <span class="booking-head">
                    <span class="booking-day">{format_london_day(session.starts_ms)}</span>
                    <span class="badge badge-muted">{session.case_reference.clone()}</span>
                    {session.cancelled.then(|| view! { <span class="badge badge-danger">"Cancelled"</span> })}
                    {(!session.cancelled && session.on_hold).then(|| view! { <span class="badge badge-warn">"On hold"</span> })}
                    {(!session.cancelled && !session.on_hold && session.awaiting_payment).then(|| view! { <span class="badge badge-warn">"Not confirmed: unpaid"</span> })}
                </span>
                <span class="booking-times">{format!(
                    "Child {}–{} · visiting parent {}–{}",
                    format_london_time(session.starts_ms), format_london_time(session.ends_ms),
                    format_london_time(session.visiting_arrives_ms), format_london_time(session.visiting_leaves_ms),
                )}</span>
                <span class="booking-kind">{format!(
                    "{} {} · {} · {}{}",
                    session.service.label(), session.kind.label().to_lowercase(), session.room, children.join(", "),
                    if others.is_empty() { String::new() } else { format!(" · with {}", others.join(" and ")) },
                )}</span>
            </a>
        </li>
    }
    .into_any()
}
