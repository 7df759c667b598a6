//! `/coordinator/sessions/:id`: a session's record as the coordinator sees
//! it, merged from both workers' phones: observations in time order,
//! arrivals and departures, sight-and-sound coverage and safeguarding
//! concerns. It reloads every 15 seconds, so entries appear as they sync.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::worker::session_log;
use crate::components::error_note::ErrorNote;
use crate::components::role_gate::RoleGate;
use crate::components::timeline::{Coverage, Timeline};
use crate::domain::london_time::{format_london_day, format_london_time};
use crate::domain::role::Role;
use crate::domain::session_log::merge;
use crate::error::AppError;

#[component]
pub fn SessionRecordPage() -> impl IntoView {
    view! { <RoleGate role=Role::Coordinator children=|_| view! { <SessionRecord /> } /> }
}

#[component]
fn SessionRecord() -> AnyView {
    let params = use_params_map();
    let tick = RwSignal::new(0u32);
    Effect::new(move |_| {
        let _ = set_interval_with_handle(
            move || tick.update(|t| *t += 1),
            std::time::Duration::from_secs(15),
        );
    });
    let log = Resource::new(
        move || (params.read().get("id"), tick.get()),
        |(id, _)| async move {
            match id.and_then(|id| id.parse::<i64>().ok()) {
                Some(id) => session_log(id).await,
                None => Err(AppError::not_found("That session")),
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match log.await {
                    Ok(log) => {
                        let record = merge(&log.entries);
                        let concerns = record.safeguarding_concerns();
                        let ends = log.ends_ms;
                        let workers = log.workers.clone();
                        let names: Vec<String> = workers.iter().map(|w| w.name.clone()).collect();
                        view! {
                            <section class="card">
                                <a class="back" href="/coordinator/calendar">"‹ Week calendar"</a>
                                <h1>{format!("{} · {}", log.case_reference, log.service.label())}</h1>
                                <p>{format!(
                                    "{} {}–{} · {} · {}",
                                    format_london_day(log.starts_ms), format_london_time(log.starts_ms),
                                    format_london_time(log.ends_ms), log.room, names.join(" and "),
                                )}</p>
                                <p class="hint">{format!("{} entries synced so far.", log.entries.len())}</p>
                                <a class="button secondary" href=format!("/coordinator/records/{}", log.booking_id)>"The signed record"</a>
                                {(concerns > 0).then(|| view! {
                                    <p class="concern-banner" role="alert">{format!(
                                        "{concerns} safeguarding concern{} recorded in this session.",
                                        if concerns == 1 { "" } else { "s" },
                                    )}</p>
                                })}
                            </section>
                            <Coverage record=Signal::stored(record.clone()) workers=workers.clone() until_ms=Signal::stored(ends) />
                            <Timeline record=Signal::stored(record) workers=workers />
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
