//! `/worker/sessions/:id`: session mode. One page per session, big targets,
//! one hand. Everything here reads and writes the phone first (IndexedDB);
//! the sync loop takes entries to the server. "Saved" is shown only after
//! the entry's IndexedDB transaction has committed.
//!
//! Like the session list, the server renders no session data here, so the
//! page hydrates identically when the service worker serves it offline.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::worker::session_log;
use crate::components::role_gate::RoleGate;
use crate::components::sync_bar::SyncBar;
use crate::components::timeline::{Coverage, Timeline};
use crate::device::{self, Queued};
use crate::domain::document::entry_words;
use crate::domain::london_time::{
    format_london_day, format_london_time, london_date, ms_from_london, parse_time,
};
use crate::domain::role::Role;
use crate::domain::schedule::Service;
use crate::domain::session_log::{
    Category, EntryKind, LoggedEntry, MAX_REASON_CHARS, MOVEMENTS, Movement, Party, Record,
    SessionEntry, merge, movement_label,
};
use crate::domain::sync_queue::QueuedItem;
use crate::model::{Colleague, LoggedSession, WorkerSession};
use crate::pages::session_sign::{SignContext, sign_on_phone};
use crate::pages::worker::phone_sessions;
use crate::sync::{SyncState, use_sync};

#[component]
pub fn SessionPage() -> impl IntoView {
    view! { <RoleGate role=Role::Worker children=|user| view! { <SyncBar /> <SessionMode me=user.id /> } /> }
}

/// What the phone knows of one session's entries: the server's last copy
/// and the entries still queued here.
#[derive(Clone, Default)]
pub(super) struct Local {
    pub(super) log: Option<LoggedSession>,
    pub(super) queued: Vec<Queued>,
}

impl Local {
    fn entries(&self, me: i64) -> Vec<LoggedEntry> {
        let mut all: Vec<LoggedEntry> = self
            .log
            .as_ref()
            .map(|log| log.entries.clone())
            .unwrap_or_default();
        for item in &self.queued {
            if item.rejected.is_none() && !all.iter().any(|e| e.id == item.id) {
                all.push(LoggedEntry {
                    id: item.id.clone(),
                    author: if item.author == 0 { me } else { item.author },
                    at_ms: item.payload.at_ms,
                    saved_ms: item.device_ms,
                    kind: item.payload.kind.clone(),
                });
            }
        }
        all
    }
}

#[component]
fn SessionMode(me: i64) -> AnyView {
    let params = use_params_map();
    let booking_id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
    });
    let sync = use_sync();
    let (sessions, _) = phone_sessions(me);
    let local = RwSignal::new(None::<Local>);

    // The phone's copy first, every time something changes on the phone.
    Effect::new(move |_| {
        sync.changed.track();
        let Some(id) = booking_id.get() else { return };
        leptos::task::spawn_local(async move {
            let log = device::load_log(me, id).await.ok().flatten();
            let queued: Vec<Queued> = device::load_queue(me)
                .await
                .unwrap_or_default()
                .mine
                .into_iter()
                .filter(|item| item.payload.booking_id == id)
                .collect();
            local.set(Some(Local { log, queued }));
        });
    });
    // Then the server's copy (the other worker's entries too) after each sync.
    Effect::new(move |_| {
        sync.last_sync_ms.track();
        let Some(id) = booking_id.get() else { return };
        if !device::is_online() {
            return;
        }
        leptos::task::spawn_local(async move {
            // Entries acknowledged before this moment are in the answer.
            let asked_ms = device::now_ms();
            if let Ok(log) = session_log(id).await
                && device::save_log(me, &log, asked_ms).await.is_ok()
            {
                sync.changed.update(|n| *n += 1);
            }
        });
    });

    // What to show, as a memo: the page re-renders only when this session's
    // own details change, not each time the list is read again (on every
    // change of signal, say), which would wipe what the worker is typing.
    let found = Memo::new(move |_| match (sessions.get(), booking_id.get()) {
        (None, _) => Found::Opening,
        (_, None) => Found::BadAddress,
        (Some(Err(trouble)), _) => Found::Trouble(trouble),
        (Some(Ok(mine)), Some(id)) => {
            match mine.sessions.into_iter().find(|s| s.booking_id == id) {
                None => Found::NotHere,
                Some(session) => Found::Session(Box::new((session, mine.me, mine.pin_salt))),
            }
        }
    });
    view! {
        {move || match found.get() {
            Found::Opening => view! { <p class="loading">"Opening this session on the phone…"</p> }.into_any(),
            Found::BadAddress => view! { <p class="error-note" role="alert">"This address does not name a session."</p> }.into_any(),
            Found::Trouble(trouble) => view! { <p class="error-note" role="alert">{trouble}</p> }.into_any(),
            Found::NotHere => view! {
                <section class="card">
                    <h1>"Session not on this phone"</h1>
                    <p>"This session is not among your sessions from today. It may have been moved to another worker."</p>
                    <a class="button secondary" href="/worker">"Back to your sessions"</a>
                </section>
            }.into_any(),
            Found::Session(found) => {
                let (session, me, pin_salt) = *found;
                session_view(session, me, pin_salt, local, sync)
            }
        }}
    }
    .into_any()
}

/// What the session page found on the phone.
#[derive(Clone, PartialEq)]
enum Found {
    Opening,
    BadAddress,
    Trouble(String),
    NotHere,
    Session(Box<(WorkerSession, Colleague, Option<String>)>),
}

fn session_view(
    session: WorkerSession,
    me: Colleague,
    pin_salt: Option<String>,
    local: RwSignal<Option<Local>>,
    sync: SyncState,
) -> AnyView {
    let supervised = session.service == Service::Supervised;
    let me_id = me.id;
    let record = Memo::new(move |_| {
        local
            .get()
            .map(|l| merge(&l.entries(me_id)))
            .unwrap_or_default()
    });
    let children: Vec<String> = session
        .children
        .iter()
        .map(|c| format!("{} ({})", c.first_name, c.age))
        .collect();
    let others: Vec<String> = session
        .workers
        .iter()
        .filter(|w| w.id != me.id)
        .map(|w| w.name.clone())
        .collect();
    let writer = Writer {
        booking_id: session.booking_id,
        author: me.id,
        sync,
        local,
    };
    let times = [
        ("Visiting parent arrives", session.visiting_arrives_ms),
        ("Child arrives", session.starts_ms),
        ("Child leaves", session.ends_ms),
        ("Visiting parent leaves", session.visiting_leaves_ms),
    ];
    view! {
        <section class="card session-head">
            <a class="back" href="/worker">"‹ Your sessions"</a>
            <h1>{format!("{} · {}", session.case_reference, session.service.label())}</h1>
            <p class="session-when">{format!("{} · {}", format_london_day(session.starts_ms), session.room)}</p>
            {session.cancelled.then(|| view! { <p class="error-note" role="alert">"This session has been cancelled."</p> })}
            {(!session.cancelled && session.on_hold).then(|| view! { <p class="error-note" role="alert">"This session is on hold: contact is suspended. Check with the coordinator."</p> })}
            <p>{children.join(", ")} {(!others.is_empty()).then(|| format!(" · with {}", others.join(" and ")))}</p>
            <dl class="times">
                {times.into_iter().map(|(label, at)| view! { <dt>{label}</dt> <dd>{format_london_time(at)}</dd> }).collect_view()}
            </dl>
            {(!session.risk_flags.is_empty()).then(|| view! {
                <div class="risk-flags">
                    <h2>"Risk flags"</h2>
                    <ul>{session.risk_flags.iter().map(|flag| view! { <li>{flag.clone()}</li> }).collect_view()}</ul>
                </div>
            })}
            {(!session.ground_rules.is_empty()).then(|| view! {
                <details class="ground-rules"><summary>"Ground rules"</summary><p>{session.ground_rules.clone()}</p>
                {(!session.who_may_attend.is_empty()).then(|| view! { <p>{format!("Who may attend: {}", session.who_may_attend)}</p> })}
                </details>
            })}
        </section>
        // The visiting parent arrives before the session starts: the
        // arrivals card is the first thing a worker taps.
        {attendance(record, writer, session.starts_ms)}
        {not_attended(record, writer)}
        {start_and_end(record, writer)}
        {refused(local)}
        {sign_on_phone(SignContext {
            record,
            writer,
            local,
            me: me_id,
            supervised,
            pin_salt: pin_salt.clone(),
            others: others.clone(),
        })}
        {observation_form(writer, supervised, session.children.iter().map(|c| c.first_name.clone()).collect())}
        <Timeline
            record=Signal::from(record)
            workers=session.workers.clone()
            queued=Signal::derive(move || local.get().unwrap_or_default().queued)
            me=me_id
            on_correct=Callback::new(move |(of, text, at): (String, String, i64)| writer.tap(EntryKind::Correction { of, text }, at))
        />
        {supervised.then(|| view! {
            <Coverage record=Signal::from(record) workers=session.workers.clone() until_ms=Signal::derive(device::now_ms) />
        })}
        // Last in the page and stuck to the bottom of the screen: always in
        // view, under the thumb.
        {supervised.then(|| sight_and_sound(record, writer, session.workers.clone(), me_id))}
    }
    .into_any()
}

/// Writes entries for one session to the phone.
#[derive(Clone, Copy)]
pub(super) struct Writer {
    pub(super) booking_id: i64,
    /// The signed-in worker: every entry carries them as its author.
    author: i64,
    sync: SyncState,
    /// The page's copy of this session's entries, to show a saved entry at
    /// once without reading the whole queue back.
    local: RwSignal<Option<Local>>,
}

impl Writer {
    /// Queues an entry on the phone; `done` hears whether it was saved
    /// (with the phone's time of saving) once IndexedDB has committed it.
    fn save(self, kind: EntryKind, at_ms: i64, done: impl FnOnce(Result<i64, String>) + 'static) {
        let item = self.item(device::new_id(), kind, at_ms);
        self.keep(item, Vec::new(), done);
    }

    pub(super) fn item(self, id: String, kind: EntryKind, at_ms: i64) -> Queued {
        QueuedItem {
            id,
            device_ms: device::now_ms(),
            rejected: None,
            author: self.author,
            payload: SessionEntry {
                booking_id: self.booking_id,
                at_ms,
                kind,
            },
        }
    }

    /// Keeps an item on the phone, in place of the refused items `replaces`.
    pub(super) fn keep(
        self,
        item: Queued,
        replaces: Vec<String>,
        done: impl FnOnce(Result<i64, String>) + 'static,
    ) {
        leptos::task::spawn_local(async move {
            let outcome = if replaces.is_empty() {
                device::queue_entry(&item).await
            } else {
                device::requeue(&item, &replaces).await
            };
            if outcome.is_ok() {
                device::mark_saved();
                let saved_ms = item.device_ms;
                // Counted as unsynced first, then shown: whoever sees the
                // entry also sees it counted.
                self.sync.note_saved();
                self.local.update(|local| {
                    let queued = &mut local.get_or_insert_with(Local::default).queued;
                    queued.retain(|kept| !replaces.contains(&kept.id));
                    queued.push(item);
                });
                done(Ok(saved_ms));
            } else if let Err(trouble) = outcome {
                done(Err(trouble));
            }
        });
    }

    /// Queues an entry; a failure to save shows in the sync bar's error line.
    fn tap(self, kind: EntryKind, at_ms: i64) {
        let sync = self.sync;
        self.save(kind, at_ms, move |outcome| {
            if let Err(trouble) = outcome {
                sync.error.set(Some(format!("Not saved: {trouble}")));
            }
        });
    }
}

fn start_and_end(record: Memo<Record>, writer: Writer) -> AnyView {
    // Drawn again only when the start or end changes, not on every entry.
    let bounds = Memo::new(move |_| record.with(|r| (r.started_ms, r.ended_ms)));
    view! {
        <section class="card session-controls">
            {move || {
                match bounds.get() {
                    (None, _) => view! {
                        <button type="button" class="button big" on:click=move |_| writer.tap(EntryKind::Started, device::now_ms())>
                            "Start session"
                        </button>
                    }.into_any(),
                    (Some(started), None) => view! {
                        <p class="state">{format!("Session started {}", format_london_time(started))}</p>
                        <button type="button" class="button big secondary" on:click=move |_| writer.tap(EntryKind::Ended, device::now_ms())>
                            "End session"
                        </button>
                    }.into_any(),
                    (Some(started), Some(ended)) => view! {
                        <p class="state">{format!("Session {}–{}", format_london_time(started), format_london_time(ended))}</p>
                    }.into_any(),
                }
            }}
        </section>
    }
    .into_any()
}

fn attendance(record: Memo<Record>, writer: Writer, day_ms: i64) -> AnyView {
    view! {
        <section class="card attendance">
            <h2>"Arrivals and departures"</h2>
            <ul class="moments">
                {MOVEMENTS.into_iter().map(|(party, movement)| moment_row(record, writer, day_ms, party, movement)).collect_view()}
            </ul>
        </section>
    }
    .into_any()
}

/// "Nobody came": before the session starts, the worker records that the
/// visiting parent did not come or the child was not brought, with what
/// they were told. The record then asks for a short non-attendance record.
fn not_attended(record: Memo<Record>, writer: Writer) -> AnyView {
    let open = RwSignal::new(false);
    let who = RwSignal::new(Party::VisitingParent);
    let reason = RwSignal::new(String::new());
    let state =
        Memo::new(move |_| record.with(|r| (r.started_ms.is_some(), r.not_attended.clone())));
    view! {
        {move || {
            let (started, recorded) = state.get();
            (!started).then(|| view! {
                <section class="card not-attended">
                    {recorded.map(|absent| view! {
                        <p class="state" role="status">{absent.words()}</p>
                    })}
                    <button type="button" class="button secondary" aria-expanded=move || open.get().to_string()
                        on:click=move |_| open.update(|o| *o = !*o)>
                        {if state.with(|s| s.1.is_some()) { "Change what was recorded" } else { "The session is not taking place" }}
                    </button>
                    {move || open.get().then(|| view! {
                        <div class="stack">
                            <div class="chips" role="group" aria-label="Who did not come?">
                                {[(Party::VisitingParent, "The visiting parent did not come"), (Party::Child, "The child was not brought")]
                                    .into_iter()
                                    .map(|(party, words)| view! {
                                        <button type="button" class=move || if who.get() == party { "chip chosen" } else { "chip" }
                                            aria-pressed=move || (who.get() == party).to_string()
                                            on:click=move |_| who.set(party)>{words}</button>
                                    })
                                    .collect_view()}
                            </div>
                            <label class="field"><span>"What were you told? Leave empty if no explanation was given."</span>
                                <textarea rows="2" maxlength=MAX_REASON_CHARS.to_string() prop:value=move || reason.get()
                                    on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                            </label>
                            <button type="button" class="button" on:click=move |_| {
                                writer.tap(EntryKind::NotAttended { who: who.get_untracked(), reason: reason.get_untracked().trim().to_owned() }, device::now_ms());
                                open.set(false);
                            }>"Record that the session did not take place"</button>
                        </div>
                    })}
                </section>
            })
        }}
    }
    .into_any()
}

fn moment_row(
    record: Memo<Record>,
    writer: Writer,
    day_ms: i64,
    party: Party,
    movement: Movement,
) -> AnyView {
    let label = movement_label(party, movement);
    let changing = RwSignal::new(false);
    let typed = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let label_for_button = label.clone();
    let moment = Memo::new(move |_| record.with(|r| r.attendance_at(party, movement)));
    view! {
        <li class="moment">
            <span class="moment-label">{label.clone()}</span>
            {move || match moment.get() {
                None => view! {
                    <button type="button" class="button" aria-label=format!("{label_for_button} now")
                        on:click=move |_| writer.tap(EntryKind::Attendance { party, movement }, device::now_ms())>
                        "Now"
                    </button>
                }.into_any(),
                Some(at) => view! {
                    <span class="moment-time">{format_london_time(at)}</span>
                    <button type="button" class="button secondary" on:click=move |_| {
                        typed.set(format_london_time(at));
                        changing.update(|c| *c = !*c);
                    }>"Change"</button>
                }.into_any(),
            }}
            {move || changing.get().then(|| view! {
                <div class="moment-change">
                    <label>"Correct time" <input type="time" prop:value=move || typed.get() on:input=move |ev| typed.set(event_target_value(&ev)) /></label>
                    <button type="button" class="button" on:click=move |_| {
                        match parse_time("time", &typed.get_untracked()) {
                            Ok(time) => {
                                let at = ms_from_london(london_date(day_ms).and_time(time));
                                writer.tap(EntryKind::Attendance { party, movement }, at);
                                problem.set(None);
                                changing.set(false);
                            }
                            Err(error) => problem.set(Some(error.to_string())),
                        }
                    }>"Save time"</button>
                    {move || problem.get().map(|p| view! { <p class="error-note" role="alert">{p}</p> })}
                </div>
            })}
        </li>
    }
    .into_any()
}

fn sight_and_sound(
    record: Memo<Record>,
    writer: Writer,
    workers: Vec<Colleague>,
    me: i64,
) -> AnyView {
    // Drawn again only when the holder changes, not on every entry.
    let holder = Memo::new(move |_| record.with(|r| r.holder()));
    let name_of = {
        let workers = workers.clone();
        move |id: i64| {
            workers
                .iter()
                .find(|w| w.id == id)
                .map(|w| {
                    if w.id == me {
                        format!("{} (you)", w.name)
                    } else {
                        w.name.clone()
                    }
                })
                .unwrap_or_else(|| "another worker".into())
        }
    };
    view! {
        <section class="card sight-sound" data-testid="sight-and-sound">
            {move || {
                let holder = holder.get();
                let name_of = name_of.clone();
                view! {
                    <p class=if holder.is_some() { "holder" } else { "holder nobody" } data-testid="holder">
                        {match holder {
                            Some(id) => format!("Sight and sound: {}", name_of(id)),
                            None => "Nobody holds sight and sound".to_owned(),
                        }}
                    </p>
                    {workers.iter().filter(|w| Some(w.id) != holder).map(|w| {
                        let to = w.id;
                        let text = if to == me { "I take sight and sound".to_owned() } else { format!("Hand to {}", w.name) };
                        view! {
                            <button type="button" class="button big" on:click=move |_| writer.tap(EntryKind::SightAndSound { holder: to }, device::now_ms())>
                                {text}
                            </button>
                        }
                    }).collect_view()}
                }
            }}
        </section>
    }
    .into_any()
}

fn observation_form(writer: Writer, supervised: bool, children: Vec<String>) -> AnyView {
    // Which child an entry is about, when there is more than one: `None`
    // is all of them.
    let child = RwSignal::new(None::<String>);
    let several = children.len() > 1;
    let category = RwSignal::new(if supervised {
        None
    } else {
        Some(Category::SafeguardingConcern)
    });
    let text = RwSignal::new(String::new());
    let begun = RwSignal::new(None::<i64>);
    let saved = RwSignal::new(None::<Result<String, String>>);
    let begin = move || {
        if begun.get_untracked().is_none() {
            begun.set(Some(device::now_ms()));
        }
    };
    let categories: Vec<Category> = if supervised {
        Category::ALL.to_vec()
    } else {
        vec![Category::SafeguardingConcern]
    };
    view! {
        <section class="card observe">
            <h2>{if supervised { "Log what you see and hear" } else { "Raise a safeguarding concern" }}</h2>
            {(!supervised).then(|| view! { <p class="hint">"Supported sessions record arrivals and departures only; notes are not kept. A safeguarding concern is always recorded."</p> })}
            <div class="chips" role="group" aria-label="Category">
                {categories.into_iter().map(|c| view! {
                    <button type="button"
                        class=move || if category.get() == Some(c) { "chip chosen" } else { "chip" }
                        class:danger=c.is_safeguarding()
                        aria-pressed=move || (category.get() == Some(c)).to_string()
                        on:click=move |_| { begin(); category.set(Some(c)); saved.set(None); }>
                        {c.label()}
                    </button>
                }).collect_view()}
            </div>
            {several.then(|| view! {
                <div class="chips" role="group" aria-label="About">
                    <button type="button" class=move || if child.get().is_none() { "chip chosen" } else { "chip" }
                        aria-pressed=move || child.get().is_none().to_string()
                        on:click=move |_| child.set(None)>"All children"</button>
                    {children.into_iter().map(|name| {
                        let chosen = name.clone();
                        let pressed = name.clone();
                        let pick = name.clone();
                        view! {
                            <button type="button" class=move || if child.get().as_deref() == Some(chosen.as_str()) { "chip chosen" } else { "chip" }
                                aria-pressed=move || (child.get().as_deref() == Some(pressed.as_str())).to_string()
                                on:click=move |_| child.set(Some(pick.clone()))>{name}</button>
                        }
                    }).collect_view()}
                </div>
            })}
            {move || begun.get().map(|at| view! { <p class="entry-time">{format!("Entry time {}", format_london_time(at))}</p> })}
            {move || category.get().map(|c| view! {
                <div class="chips phrases" role="group" aria-label="Quick phrases">
                    {c.quick_phrases().iter().map(|phrase| view! {
                        <button type="button" class="chip phrase" on:click=move |_| {
                            begin();
                            text.update(|t| { if !t.trim().is_empty() { t.push_str(". "); } t.push_str(phrase); });
                        }>{*phrase}</button>
                    }).collect_view()}
                </div>
            })}
            <label class="field">
                <span>"What happened"</span>
                <textarea rows="3" prop:value=move || text.get()
                    on:focus=move |_| begin()
                    on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            </label>
            <button type="button" class="button big"
                disabled=move || category.get().is_none() || text.get().trim().is_empty()
                on:click=move |_| {
                    let (Some(c), Some(at)) = (category.get_untracked(), begun.get_untracked().or(Some(device::now_ms()))) else { return };
                    let body = text.get_untracked();
                    let about = child.get_untracked();
                    writer.save(EntryKind::Observation { category: c, text: body, child: about }, at, move |outcome| match outcome {
                        Ok(saved_ms) => {
                            // On the phone: clear the form for the next entry.
                            text.set(String::new());
                            begun.set(None);
                            child.set(None);
                            if supervised { category.set(None); }
                            saved.set(Some(Ok(format!("Saved on this phone at {}.", format_london_time(saved_ms)))));
                        }
                        Err(trouble) => saved.set(Some(Err(format!("Not saved: {trouble} Your text is still here.")))),
                    });
                }>
                "Save"
            </button>
            {move || saved.get().map(|outcome| match outcome {
                Ok(message) => view! { <p class="saved" role="status">{message}</p> }.into_any(),
                Err(trouble) => view! { <p class="error-note" role="alert">{trouble}</p> }.into_any(),
            })}
        </section>
    }
    .into_any()
}

fn refused(local: RwSignal<Option<Local>>) -> AnyView {
    view! {
        {move || {
            let refused: Vec<Queued> = local.get().unwrap_or_default().queued.into_iter().filter(|i| i.rejected.is_some()).collect();
            (!refused.is_empty()).then(|| view! {
                <section class="card refused" role="alert">
                    <h2>"Refused by the server"</h2>
                    <p class="hint">"These entries are kept on this phone. Tell the coordinator if you need them recorded."</p>
                    <ul class="list">
                        {refused.into_iter().map(|item| view! {
                            <li class="list-item">
                                <span>{format!("{} · {}", format_london_time(item.payload.at_ms), describe(&item.payload.kind))}</span>
                                <span class="error-note">{item.rejected.unwrap_or_default()}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                </section>
            })
        }}
    }
    .into_any()
}

/// A one-line description of an entry, for lists.
pub fn describe(kind: &EntryKind) -> String {
    match kind {
        EntryKind::Signature { .. } => "Record signed on this phone".into(),
        other => entry_words(other),
    }
}
