use leptos::prelude::*;

use crate::components::booking_badge::booking_badge;
use leptos_router::hooks::use_query_map;

use crate::api::centre::week_bookings;
use crate::components::error_note::ErrorNote;
use crate::components::role_gate::RoleGate;
use crate::domain::london_time::format_london_time;
use crate::domain::role::Role;

/// `/coordinator/calendar?week=YYYY-MM-DD`: the centre's week, day by day.
#[component]
pub fn CalendarPage() -> impl IntoView {
    view! { <RoleGate role=Role::Coordinator children=|_| view! { <WeekView /> } /> }
}

#[component]
fn WeekView() -> AnyView {
    let query = use_query_map();
    let week = Resource::new(move || query.read().get("week"), week_bookings);
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match week.await {
                    Ok(week) => view! {
                        <section class="card">
                            <h1>"Week of " {week.days.first().map(|(d, _)| d.clone()).unwrap_or_default()}</h1>
                            <div class="row-actions">
                                <a class="button secondary" href=format!("/coordinator/calendar?week={}", week.previous)>"Previous week"</a>
                                <a class="button secondary" href=format!("/coordinator/calendar?week={}", week.next)>"Next week"</a>
                            </div>
                        </section>
                        {week.days.into_iter().map(|(day, bookings)| view! {
                            <section class="card day">
                                <h2>{day}</h2>
                                {bookings.is_empty().then(|| view! { <p class="empty">"Nothing booked."</p> })}
                                <ul class="list">
                                    {bookings.into_iter().map(|b| view! {
                                        <li class=if b.cancelled { "list-item slot cancelled" } else { "list-item slot" }>
                                            <span class="booking-day">
                                                {format!("{}–{} {}", format_london_time(b.starts_ms), format_london_time(b.ends_ms), b.case_reference)}
                                            </span>
                                            <span class="booking-kind">{format!(
                                                "{} · {} · {}",
                                                b.kind.words_with(b.with_parent), b.room, b.workers.join(" and "),
                                            )}</span>
                                            {booking_badge(b.status, None)}
                                            {b.kind.is_contact().then(|| view! {
                                                <span class="booking-times">{format!(
                                                    "Visiting parent {}–{}",
                                                    format_london_time(b.visiting_arrives_ms), format_london_time(b.visiting_leaves_ms),
                                                )}</span>
                                            })}
                                            {(!b.cancelled).then(|| view! {
                                                <a class="button secondary small" href=format!("/coordinator/sessions/{}", b.id)>"Session record"</a>
                                            })}
                                        </li>
                                    }).collect_view()}
                                </ul>
                            </section>
                        }).collect_view()}
                    }.into_any(),
                    Err(error) => view! { <ErrorNote error /> }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}
