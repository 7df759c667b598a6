use leptos::prelude::*;

use crate::api::worker::my_sessions;
use crate::components::error_note::ErrorNote;
use crate::components::role_gate::RoleGate;
use crate::domain::london_time::{format_london_day, format_london_time};
use crate::domain::role::Role;

#[component]
pub fn WorkerHome() -> impl IntoView {
    view! {
        <RoleGate role=Role::Worker children=|user| {
            view! {
                <section class="card">
                    <h1>"Your sessions"</h1>
                    <p>"Signed in as " <strong>{user.display_name.clone()}</strong> "."</p>
                    <Sessions me=user.display_name />
                </section>
            }
        } />
    }
}

#[component]
fn Sessions(me: String) -> AnyView {
    let sessions = Resource::new(|| (), |_| my_sessions());
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {
                let me = me.clone();
                move || {
                    let me = me.clone();
                    Suspend::new(async move {
                        match sessions.await {
                            Ok(list) if list.is_empty() => view! {
                                <p class="empty">"No sessions are booked for you. They appear here as soon as the coordinator books them."</p>
                            }.into_any(),
                            Ok(list) => view! {
                                <ul class="list">
                                    {list.into_iter().map(|b| {
                                        let others: Vec<String> = b.workers.iter().filter(|w| **w != me).cloned().collect();
                                        view! {
                                            <li class="list-item booking">
                                                <div class="booking-head">
                                                    <span class="booking-day">{format_london_day(b.starts_ms)}</span>
                                                    <span class="badge badge-muted">{b.case_reference}</span>
                                                </div>
                                                <span class="booking-times">{format!(
                                                    "Child {}–{} · visiting parent {}–{}",
                                                    format_london_time(b.starts_ms), format_london_time(b.ends_ms),
                                                    format_london_time(b.visiting_arrives_ms), format_london_time(b.visiting_leaves_ms),
                                                )}</span>
                                                <span class="booking-kind">{format!(
                                                    "{} · {}{}",
                                                    b.kind.label(), b.room,
                                                    if others.is_empty() { String::new() } else { format!(" · with {}", others.join(" and ")) },
                                                )}</span>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            }.into_any(),
                            Err(error) => view! { <ErrorNote error /> }.into_any(),
                        }
                    })
                }
            }
        </Suspense>
    }
    .into_any()
}
