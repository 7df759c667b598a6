//! Booking sessions and meetings, and each booking's row: attendance,
//! moving, the centre cancelling, a review's outcome.

use leptos::prelude::*;

use crate::api::centre::{
    BookSeries, CancelBooking, MoveBooking, RecordAttendance, RecordReviewOutcome,
};
use crate::components::booking_badge::booking_badge;
use crate::components::error_note::{ErrorNote, action_error};
use crate::components::fields::{SelectField, TextField};
use crate::components::page_data::PageData;
use crate::domain::attendance::Attendance;
use crate::domain::london_time::{
    format_day, format_london_day, format_london_time, ms_from_london, parse_date, parse_time,
};
use crate::domain::money::Parent;
use crate::domain::review::ReviewOutcome;
use crate::domain::schedule::BookingKind;
use crate::error::AppError;
use crate::model::{Choice, ReviewRecorded, SeriesRequest, StaffBooking};

use super::{Actions, RoomsAndWorkers};

/// What the booking form offers: a value naming the kind (and, for a
/// pre-visit, whose it is) and its label.
const BOOKABLE: [(&str, &str); 5] = [
    ("session", "Contact sessions"),
    ("handover", "Handovers"),
    ("pre_visit:visiting", "Pre-visit, visiting parent"),
    ("pre_visit:resident", "Pre-visit, resident parent"),
    ("review", "Review meeting"),
];

/// How sessions repeat: every so many days, or on chosen dates.
const REPEATS: [(&str, &str); 3] = [
    ("7", "Weekly"),
    ("14", "Fortnightly"),
    ("dates", "On chosen dates"),
];

fn booking_kind(value: &str) -> (BookingKind, Option<Parent>) {
    match value.split_once(':') {
        Some((kind, side)) => (
            BookingKind::parse(kind).unwrap_or(BookingKind::PreVisit),
            Parent::parse(side),
        ),
        None => (
            BookingKind::parse(value).unwrap_or(BookingKind::Session),
            None,
        ),
    }
}

#[component]
pub(super) fn BookingForm(
    case_id: i64,
    actions: Actions,
    plan_signed: bool,
    choices: PageData<RoomsAndWorkers>,
) -> AnyView {
    let what = RwSignal::new(
        if plan_signed {
            "session"
        } else {
            "pre_visit:visiting"
        }
        .to_owned(),
    );
    let minutes = RwSignal::new("60".to_owned());
    let day = RwSignal::new(String::new());
    let time = RwSignal::new("10:00".to_owned());
    let count = RwSignal::new("6".to_owned());
    let repeat = RwSignal::new("7".to_owned());
    let chosen = RwSignal::new(Vec::<String>::new());
    let next_date = RwSignal::new(String::new());
    let room = RwSignal::new(String::new());
    let first_worker = RwSignal::new(String::new());
    let second_worker = RwSignal::new(String::new());
    let local_error = RwSignal::new(None::<AppError>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let start = parse_date("start", &day.get())
            .and_then(|date| Ok(date.and_time(parse_time("start", &time.get())?)));
        let start = match start {
            Ok(start) => start,
            Err(error) => {
                local_error.set(Some(error));
                return;
            }
        };
        local_error.set(None);
        let workers = [first_worker.get(), second_worker.get()]
            .iter()
            .filter_map(|w| w.parse().ok())
            .collect();
        let (kind, parent_side) = booking_kind(&what.get());
        let repeats = matches!(kind, BookingKind::Session | BookingKind::Handover);
        let on_dates = repeats && repeat.get() == "dates";
        actions.book.dispatch(BookSeries {
            request: SeriesRequest {
                case_id,
                kind,
                parent_side,
                room_id: room.get().parse().unwrap_or(0),
                first_start_ms: ms_from_london(start),
                duration_min: minutes.get().trim().parse().unwrap_or(0),
                count: if repeats && !on_dates {
                    count.get().trim().parse().unwrap_or(0)
                } else {
                    1
                },
                every_days: repeat.get().parse().unwrap_or(7),
                worker_ids: workers,
                more_dates: if on_dates { chosen.get() } else { Vec::new() },
            },
        });
    };
    let to_options = |list: Vec<Choice>| {
        std::iter::once((String::new(), "Choose…".to_owned()))
            .chain(list.into_iter().map(|c| (c.id.to_string(), c.name)))
            .collect::<Vec<_>>()
    };
    view! {
        <section class="card">
            <h2>"Book sessions and meetings"</h2>
            {(!plan_signed).then(|| view! {
                <p class="hint">"Until the contact plan and both parents' agreements are recorded, only pre-visits and review meetings can be booked."</p>
            })}
            <p class="hint">"A session of a series that would fall on a bank holiday or a closed day moves to the end of the series."</p>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match choices.data().await {
                        Ok((rooms, workers)) => view! {
                            <form class="stack" on:submit=submit>
                                <SelectField id="book-kind" label="What to book" value=what options=BOOKABLE.iter().map(|(v, t)| (v.to_string(), t.to_string())).collect() />
                                <TextField id="book-day" label="First session on" value=day kind="date" />
                                <TextField id="book-time" label="Starting at" value=time kind="time" />
                                <TextField id="book-minutes" label="How long (minutes)" value=minutes kind="number" />
                                <Show when=move || matches!(booking_kind(&what.get()).0, BookingKind::Session | BookingKind::Handover)>
                                    <SelectField id="book-repeat" label="Repeat" value=repeat options=REPEATS.iter().map(|(v, t)| (v.to_string(), t.to_string())).collect() />
                                    <Show when=move || repeat.get() != "dates">
                                        <TextField id="book-count" label="How many" value=count kind="number" />
                                    </Show>
                                    <Show when=move || repeat.get() == "dates">
                                        <TextField id="book-more-date" label="Another date" value=next_date kind="date" />
                                        <button type="button" class="button secondary" on:click=move |_| {
                                            let date = next_date.get_untracked();
                                            if !date.is_empty() && !chosen.get_untracked().contains(&date) {
                                                chosen.update(|list| { list.push(date); list.sort(); });
                                            }
                                            next_date.set(String::new());
                                        }>"Add this date"</button>
                                        <ul class="chips" aria-label="Chosen dates">
                                            {move || chosen.get().into_iter().map(|date| {
                                                let shown = parse_date("date", &date).map(format_day).unwrap_or_else(|_| date.clone());
                                                view! {
                                                    <li><button type="button" class="chip" aria-label=format!("Remove {shown}") on:click=move |_| chosen.update(|list| list.retain(|d| *d != date))>
                                                        {format!("{shown} ✕")}
                                                    </button></li>
                                                }
                                            }).collect_view()}
                                        </ul>
                                    </Show>
                                </Show>
                                <SelectField id="book-room" label="Room" value=room options=to_options(rooms) />
                                <SelectField id="book-worker-1" label="Contact worker" value=first_worker options=to_options(workers.clone()) />
                                <SelectField id="book-worker-2" label="Second contact worker" value=second_worker options=to_options(workers) />
                                {move || local_error.get().map(|error| view! { <ErrorNote error /> })}
                                {action_error(actions.book.value())}
                                <button type="submit" class="button primary">"Book"</button>
                            </form>
                        }.into_any(),
                        Err(error) => view! { <ErrorNote error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
    .into_any()
}

#[component]
pub(super) fn StaffBookingRow(
    booking: StaffBooking,
    outcome: Option<ReviewRecorded>,
    actions: Actions,
) -> AnyView {
    let id = booking.id;
    let is_review = booking.kind == BookingKind::Review;
    let to_decide = is_review && booking.started && !booking.cancelled && outcome.is_none();
    let decided = RwSignal::new(String::new());
    let review_note = RwSignal::new(String::new());
    let attendance_note = booking.attendance.and_then(|a| match a {
        Attendance::MissedWithReason => Some("Missed, with a reason"),
        Attendance::MissedWithoutReason => Some("Missed, without explanation"),
        Attendance::Attended | Attendance::CancelledByCentre => None,
    });
    let ahead = !booking.cancelled && booking.attendance.is_none() && !booking.started;
    let to_record =
        !is_review && !booking.cancelled && booking.attendance.is_none() && booking.started;
    let recorded = booking
        .attendance
        .filter(|_| !booking.cancelled && !is_review);
    let correcting = RwSignal::new(false);
    let cancelling = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let moving = RwSignal::new(false);
    let move_day = RwSignal::new(String::new());
    let move_time = RwSignal::new(format_london_time(booking.starts_ms));
    view! {
        <li class="list-item booking" data-booking=id.to_string()>
            <div class="booking-head">
                <span class="booking-day">{format!("{} · {}", booking.kind.words_with(booking.with_parent), format_london_day(booking.starts_ms))}</span>
                {booking_badge(booking.status, None)}
            </div>
            {booking.cancelled_note.map(|note| view! { <span class="hint">{note}</span> })}
            {attendance_note.map(|note| view! { <span class="hint">{note}</span> })}
            <span class="booking-times">{booking.kind.times_words(
                booking.starts_ms, booking.ends_ms, booking.visiting_arrives_ms, booking.visiting_leaves_ms,
            )}</span>
            <span class="booking-kind">{format!("{} · {}", booking.room, booking.workers.join(" and "))}</span>
            {outcome.map(|o| view! {
                <p class="hint review-outcome"><strong>{format!("Decided: {}. ", o.outcome.label())}</strong>{o.note}</p>
            })}
            {to_decide.then(|| view! {
                <div class="stack review-decision">
                    <label class="field"><span>"What the review decided"</span>
                        <select prop:value=move || decided.get() on:change=move |ev| decided.set(event_target_value(&ev))>
                            <option value="">"Choose…"</option>
                            {ReviewOutcome::ALL.into_iter().map(|o| view! { <option value=o.as_str()>{o.label()}</option> }).collect_view()}
                        </select>
                    </label>
                    <label class="field"><span>"Why (kept on the case)"</span>
                        <textarea prop:value=move || review_note.get() on:input=move |ev| review_note.set(event_target_value(&ev))></textarea>
                    </label>
                    <button type="button" class="button" on:click=move |_| {
                        actions.review.dispatch(RecordReviewOutcome { booking_id: id, outcome: decided.get_untracked(), note: review_note.get_untracked() });
                    }>"Record the outcome"</button>
                </div>
            })}
            {to_record.then(|| view! {
                <div class="row-actions" role="group" aria-label="Attendance">
                    {attendance_buttons(id, None, actions)}
                </div>
            })}
            {recorded.map(|recorded| view! {
                <button type="button" class="button secondary small" on:click=move |_| correcting.update(|c| *c = !*c)>
                    "Correct attendance…"
                </button>
                <Show when=move || correcting.get()>
                    <div class="row-actions" role="group" aria-label="Correct attendance">
                        {attendance_buttons(id, Some(recorded), actions)}
                    </div>
                </Show>
            })}
            {ahead.then(|| view! {
                <div class="row-actions">
                    <button type="button" class="button secondary" on:click=move |_| moving.update(|m| *m = !*m)>
                        "Move…"
                    </button>
                    <button type="button" class="button secondary" on:click=move |_| cancelling.update(|c| *c = !*c)>
                        "Centre cancels…"
                    </button>
                </div>
                <Show when=move || moving.get()>
                    <div class="stack move-booking">
                        <label class="field"><span>"New day"</span>
                            <input type="date" prop:value=move || move_day.get() on:input=move |ev| move_day.set(event_target_value(&ev)) />
                        </label>
                        <label class="field"><span>"New start time"</span>
                            <input type="time" prop:value=move || move_time.get() on:input=move |ev| move_time.set(event_target_value(&ev)) />
                        </label>
                        <button type="button" class="button" on:click=move |_| {
                            actions.relocate.dispatch(MoveBooking { booking_id: id, day: move_day.get_untracked(), time: move_time.get_untracked() });
                        }>"Move it and tell the parents"</button>
                    </div>
                </Show>
                <Show when=move || cancelling.get()>
                    <div class="cancel-reason">
                        <div class="chips" role="group" aria-label="Common reasons">
                            {crate::domain::message::CANCEL_REASONS.into_iter().map(|text| view! {
                                <button type="button" class="chip" on:click=move |_| reason.set(text.to_owned())>{text}</button>
                            }).collect_view()}
                        </div>
                        <p class="hint">"Parents' emails and texts give one of these reasons; any other words stay in their portal."</p>
                        <label class="field"><span>"Why the centre cancels (both parents are told)"</span>
                            <input prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
                        </label>
                        <button type="button" class="button" on:click=move |_| {
                            actions.cancel.dispatch(CancelBooking { booking_id: id, reason: reason.get_untracked() });
                        }>"Cancel it and tell the parents"</button>
                    </div>
                </Show>
            })}
        </li>
    }
    .into_any()
}

/// Buttons for what happened at a session that has started: each kind of
/// attendance but the one already recorded (`recorded`, when correcting).
fn attendance_buttons(booking_id: i64, recorded: Option<Attendance>, actions: Actions) -> AnyView {
    [
        (Attendance::Attended, "Attended"),
        (Attendance::MissedWithReason, "Missed, with a reason"),
        (Attendance::MissedWithoutReason, "Missed, no explanation"),
    ]
    .into_iter()
    .filter(|(kind, _)| Some(*kind) != recorded)
    .map(|(kind, label)| {
        view! {
            <button type="button" class="button secondary" on:click=move |_| {
                actions.attend.dispatch(RecordAttendance { booking_id, attendance: kind.as_str().to_owned() });
            }>{label}</button>
        }
    })
    .collect_view()
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bookable_choice_names_its_kind_and_a_pre_visit_its_parent() {
        let kinds: Vec<(BookingKind, Option<Parent>)> = BOOKABLE
            .iter()
            .map(|(value, _)| booking_kind(value))
            .collect();
        assert_eq!(
            kinds,
            [
                (BookingKind::Session, None),
                (BookingKind::Handover, None),
                (BookingKind::PreVisit, Some(Parent::Visiting)),
                (BookingKind::PreVisit, Some(Parent::Resident)),
                (BookingKind::Review, None),
            ]
        );
    }
}
