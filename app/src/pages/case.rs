use leptos::prelude::*;

use crate::pages::indirect::{IndirectContact, items_of};
use crate::pages::records::{FinalReports, reports_of};
use crate::pages::risk_assessment::{RiskAssessments, assessments_of};
use leptos_router::hooks::use_params_map;

use crate::api::centre::{
    BookSeries, CancelBooking, CreatePlan, DecideReferral, MoveBooking, RecordAgreement,
    RecordAttendance, RecordAuthorityPayment, RecordPayment, RecordReviewOutcome,
    SetFundedSessions, booking_choices, case_detail, case_reads,
};
use crate::components::booking_badge::booking_badge;
use crate::components::error_note::{ErrorNote, action_error};
use crate::components::fields::{SelectField, TextField};
use crate::components::page_data::PageData;
use crate::components::role_gate::RoleGate;
use crate::domain::attendance::Attendance;
use crate::domain::london_time::{
    format_day, format_london_day, format_london_time, ms_from_london, parse_date, parse_time,
};
use crate::domain::money::{Parent, Pence, parse_pounds};
use crate::domain::review::ReviewOutcome;
use crate::domain::risk::suggest;
use crate::domain::role::Role;
use crate::domain::schedule::{BookingKind, Service};
use crate::error::AppError;
use crate::model::{
    CaseDetail, Choice, FinalReport, IndirectItem, NewPlan, ReadNote, ReviewRecorded,
    RiskAssessment, SeriesRequest, StaffBooking, Statement,
};

/// Every action on the case page; the case is read again after any of them.
#[derive(Clone, Copy)]
struct Actions {
    decide: ServerAction<DecideReferral>,
    plan: ServerAction<CreatePlan>,
    agree: ServerAction<RecordAgreement>,
    book: ServerAction<BookSeries>,
    pay: ServerAction<RecordPayment>,
    cancel: ServerAction<CancelBooking>,
    attend: ServerAction<RecordAttendance>,
    relocate: ServerAction<MoveBooking>,
    review: ServerAction<RecordReviewOutcome>,
    funding: ServerAction<SetFundedSessions>,
    authority: ServerAction<RecordAuthorityPayment>,
    done: RwSignal<usize>,
}

impl Actions {
    fn new() -> Self {
        let actions = Actions {
            decide: ServerAction::new(),
            plan: ServerAction::new(),
            agree: ServerAction::new(),
            book: ServerAction::new(),
            pay: ServerAction::new(),
            cancel: ServerAction::new(),
            attend: ServerAction::new(),
            relocate: ServerAction::new(),
            review: ServerAction::new(),
            funding: ServerAction::new(),
            authority: ServerAction::new(),
            done: RwSignal::new(0),
        };
        // Counts the actions that succeeded: the case is read again after
        // each, and only then. After a refusal the page stays as it is, so
        // what the coordinator typed is still there beside the error.
        macro_rules! count_successes {
            ($($action:ident),*) => {$(
                let action = actions.$action;
                let done = actions.done;
                Effect::new(move |_| {
                    if action.value().with(|value| matches!(value, Some(Ok(_)))) {
                        done.update(|n| *n += 1);
                    }
                });
            )*};
        }
        count_successes!(
            decide, plan, agree, book, pay, cancel, attend, relocate, review, funding, authority
        );
        actions
    }

    /// How many actions have succeeded on this page.
    fn version(&self) -> usize {
        self.done.get()
    }
}

/// `/coordinator/cases/:id`: one case from referral to payments.
#[component]
pub fn CasePage() -> impl IntoView {
    view! { <RoleGate role=Role::Coordinator children=|_| view! { <CaseView /> } /> }
}

#[component]
fn CaseView() -> impl IntoView {
    let params = use_params_map();
    let case_id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let actions = Actions::new();
    let case = Resource::new(
        move || (case_id(), actions.version()),
        |(id, _)| case_detail(id),
    );
    // Everything else the page reads is made here too, before the case is
    // awaited, never in the sections below it (see `PageData`).
    let data = CaseData {
        risks: assessments_of(case_id),
        choices: PageData::new(case_id, |_, _| booking_choices()),
        items: items_of(case_id),
        reports: reports_of(case_id),
        reads: PageData::new(case_id, |id, asked| async move {
            // Read only once asked for: it is long and only sometimes needed.
            if asked == 0 {
                Ok(None)
            } else {
                case_reads(id).await.map(Some)
            }
        }),
    };
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match case.await {
                    Ok(case) => view! { <CaseSections case actions data /> }.into_any(),
                    Err(error) => view! { <ErrorNote error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The rooms and the contact workers the booking form offers.
type RoomsAndWorkers = (Vec<Choice>, Vec<Choice>);

/// What the case page reads besides the case itself.
#[derive(Clone, Copy)]
struct CaseData {
    risks: PageData<Vec<RiskAssessment>>,
    choices: PageData<RoomsAndWorkers>,
    items: PageData<Vec<IndirectItem>>,
    reports: PageData<Vec<FinalReport>>,
    reads: PageData<Option<Vec<ReadNote>>>,
}

#[component]
fn CaseSections(case: CaseDetail, actions: Actions, data: CaseData) -> AnyView {
    let suggestion = suggest(&case.reasons, case.source == "self");
    let children = case
        .children
        .iter()
        .map(|c| format!("{}, {}", c.first_name, c.age_years))
        .collect::<Vec<_>>()
        .join(" · ");
    let plan_signed = case
        .plan
        .as_ref()
        .is_some_and(|p| p.resident_agreed_on.is_some() && p.visiting_agreed_on.is_some());
    view! {
        <section class="card">
            <h1>{case.reference.clone()}</h1>
            <p>{children}</p>
            <p class="account-meta">
                {format!("Referral {} · {} law · referred by {} · {}", case.status, case.law, case.source.replace('_', " "),
                    case.funding.label())}
            </p>
            <div class="suggestion">
                <strong>{suggestion.service.headline()}</strong>
                <ul>{suggestion.conditions.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}</ul>
            </div>
            {(!case.court_orders.trim().is_empty()).then(|| view! {
                <p><strong>"Court orders: "</strong>{case.court_orders.clone()}</p>
            })}
            {(!case.pending_proceedings.trim().is_empty()).then(|| view! {
                <p><strong>"Pending proceedings: "</strong>{case.pending_proceedings.clone()}</p>
            })}
            <details>
                <summary>"Parents' details (staff only)"</summary>
                <p>{format!("Resident: {} · {}", case.resident.full_name, case.resident.phone)}</p>
                <p>{format!("Visiting: {} · {}", case.visiting.full_name, case.visiting.phone)}</p>
            </details>
        </section>
        <RiskAssessments case_id=case.id list=data.risks />
        {(case.status == "received").then(|| view! { <Decision case_id=case.id actions /> })}
        {case.suspended.then(|| view! {
            <section class="card concerns" role="alert" data-testid="suspended">
                <h2>"Contact suspended"</h2>
                <p>"Three sessions in a row were missed without explanation. Sessions already booked are on hold and no new ones can be booked. A new contact plan, with both parents' agreements recorded, lifts the suspension; the sessions on hold then go ahead, or cancel them below."</p>
            </section>
        })}
        {(case.status == "accepted" && case.plan.is_none()).then(|| view! { <PlanForm case_id=case.id actions replaces=false /> })}
        {case.plan.clone().map(|plan| view! { <PlanView plan actions case_id=case.id can_replace=case.status == "accepted" /> })}
        {(!case.earlier_plans.is_empty()).then(|| view! {
            <section class="card">
                <details>
                    <summary>{format!("Earlier plans ({})", case.earlier_plans.len())}</summary>
                    <ul class="list">
                        {case.earlier_plans.iter().map(|p| view! {
                            <li class="list-item">{plan_line(p)}</li>
                        }).collect_view()}
                    </ul>
                </details>
            </section>
        })}
        {(case.status == "accepted" && case.review_to_book).then(|| view! {
            <section class="card" role="status" data-testid="review-to-book">
                <h2>"Book a review meeting"</h2>
                <p>"This series is running out and no review meeting is booked. Book one before the last session: it decides whether contact continues, changes service, ends, or goes back to the court."</p>
            </section>
        })}
        {(case.status == "accepted").then(|| view! { <BookingForm case_id=case.id actions plan_signed choices=data.choices /> })}
        <section class="card">
            <h2>"Bookings"</h2>
            {action_error(actions.cancel.value())}
            {action_error(actions.attend.value())}
            {action_error(actions.relocate.value())}
            {action_error(actions.review.value())}
            {move || match actions.review.value().get() {
                Some(Ok(message)) => Some(view! { <p class="saved" role="status">{message}</p> }),
                _ => None,
            }}
            {move || match actions.attend.value().get() {
                Some(Ok(message)) => Some(view! { <p class="saved" role="status">{message}</p> }),
                _ => None,
            }}
            <ul class="list">
                {case.bookings.into_iter().map(|b| {
                    let outcome = case.review_outcomes.iter().find(|o| o.booking_id == b.id).cloned();
                    view! { <StaffBookingRow booking=b outcome actions /> }
                }).collect_view()}
            </ul>
        </section>
        {case.funded.map(|(funded, used)| view! { <FundedSessions case_id=case.id funded used actions /> })}
        {case.authority.clone().map(|account| view! { <AuthorityAccount case_id=case.id account actions /> })}
        <PaymentForm case_id=case.id actions resident=case.resident_statement visiting=case.visiting_statement />
        {(case.status == "accepted").then(|| view! {
            <IndirectContact case_id=case.id children=case.children.iter().map(|c| c.first_name.clone()).collect() items=data.items />
            <FinalReports case_id=case.id reports=data.reports />
        })}
        <WhoRead reads=data.reads />
    }
    .into_any()
}

/// Who read this family's records, from the audit trail: closed until
/// asked for, as it is long and only sometimes needed.
#[component]
fn WhoRead(reads: PageData<Option<Vec<ReadNote>>>) -> AnyView {
    view! {
        <section class="card">
            <h2>"Who read this family's records"</h2>
            <p class="hint">"Every reading of the case file, a session record or a report, from the audit trail. Readings by one person of one thing within 15 minutes count once."</p>
            <button type="button" class="button secondary" on:click=move |_| reads.reload()>"Show who read them"</button>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match reads.data().await {
                        Ok(None) => ().into_any(),
                        Ok(Some(list)) if list.is_empty() => view! { <p class="empty">"Nobody yet."</p> }.into_any(),
                        Ok(Some(list)) => view! {
                            <ul class="list">
                                {list.into_iter().map(|read| view! {
                                    <li class="list-item">
                                        <span>{format!("{} {}", format_london_day(read.at_ms), format_london_time(read.at_ms))}</span>
                                        <span>{format!("{} ({}) read the {}", read.reader, read.role.label().to_lowercase(), read.what)}</span>
                                    </li>
                                }).collect_view()}
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
fn Decision(case_id: i64, actions: Actions) -> AnyView {
    let note = RwSignal::new(String::new());
    view! {
        <section class="card">
            <h2>"Decision"</h2>
            <div class="stack">
                <TextField id="decision-note" label="Note (needed to decline)" value=note />
                {action_error(actions.decide.value())}
                <button type="button" class="button primary" on:click=move |_| {
                    actions.decide.dispatch(DecideReferral { case_id, accept: true, note: note.get() });
                }>"Accept referral"</button>
                <button type="button" class="button secondary" on:click=move |_| {
                    actions.decide.dispatch(DecideReferral { case_id, accept: false, note: note.get() });
                }>"Decline"</button>
            </div>
        </section>
    }
    .into_any()
}

fn number(text: &str) -> i64 {
    text.trim().parse().unwrap_or(0)
}

#[component]
fn PlanForm(case_id: i64, actions: Actions, replaces: bool) -> AnyView {
    let service = RwSignal::new("supervised".to_owned());
    let every = RwSignal::new("7".to_owned());
    let duration = RwSignal::new("60".to_owned());
    let sessions = RwSignal::new("6".to_owned());
    let rules = RwSignal::new(String::new());
    let attend = RwSignal::new(String::new());
    let options = [
        ("supervised", "Supervised"),
        ("supported", "Supported"),
        ("handover", "Handover"),
        ("indirect", "Indirect"),
    ]
    .iter()
    .map(|(v, t)| (v.to_string(), t.to_string()))
    .collect::<Vec<_>>();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let plan = NewPlan {
            service: Service::parse(&service.get()).unwrap_or(Service::Supervised),
            every_days: number(&every.get()),
            duration_min: number(&duration.get()),
            sessions_planned: number(&sessions.get()),
            ground_rules: rules.get(),
            who_may_attend: attend.get(),
        };
        actions.plan.dispatch(CreatePlan { case_id, plan });
    };
    view! {
        <section class="card">
            <h2>{if replaces { "New contact plan" } else { "Contact plan" }}</h2>
            {replaces.then(|| view! {
                <p class="hint">"The current plan is kept as history. Sessions are booked under the new plan once both parents have signed it."</p>
            })}
            <form class="stack" on:submit=submit>
                <SelectField id="plan-service" label="Service" value=service options />
                <TextField id="plan-every" label="Every (days)" value=every kind="number" />
                <TextField id="plan-duration" label="Length (minutes)" value=duration kind="number" />
                <TextField id="plan-sessions" label="Sessions" value=sessions kind="number" />
                <TextField id="plan-rules" label="Ground rules" value=rules />
                <TextField id="plan-attend" label="Who may attend" value=attend />
                {action_error(actions.plan.value())}
                <button type="submit" class="button primary">"Save plan"</button>
            </form>
        </section>
    }
    .into_any()
}

#[component]
fn PlanView(
    plan: crate::model::PlanSummary,
    actions: Actions,
    case_id: i64,
    can_replace: bool,
) -> AnyView {
    let plan_id = plan.id;
    let replacing = RwSignal::new(false);
    let signed_on = RwSignal::new(String::new());
    let sign = move |parent: &'static str| {
        actions.agree.dispatch(RecordAgreement {
            plan_id,
            parent: parent.to_owned(),
            signed_on: signed_on.get(),
        });
    };
    let agreed = |date: Option<String>| {
        date.map(|d| format!("signed {d}"))
            .unwrap_or_else(|| "not signed yet".to_owned())
    };
    let all_signed = plan.resident_agreed_on.is_some() && plan.visiting_agreed_on.is_some();
    view! {
        <section class="card">
            <h2>"Contact plan"</h2>
            <p>{plan_line(&plan)}</p>
            <p class="hint">{format!("Ground rules: {}", plan.plan.ground_rules)}</p>
            <p>{format!("Resident parent's agreement: {}", agreed(plan.resident_agreed_on))}</p>
            <p>{format!("Visiting parent's agreement: {}", agreed(plan.visiting_agreed_on))}</p>
            {(!all_signed).then(|| view! {
                <div class="stack">
                    <TextField id="agreement-date" label="Signed on" value=signed_on kind="date" />
                    {action_error(actions.agree.value())}
                    <button type="button" class="button secondary" on:click=move |_| sign("resident")>"Resident parent signed"</button>
                    <button type="button" class="button secondary" on:click=move |_| sign("visiting")>"Visiting parent signed"</button>
                </div>
            })}
            {(all_signed && can_replace).then(|| view! {
                <button type="button" class="button secondary" on:click=move |_| replacing.update(|r| *r = !*r)>
                    "Make a new plan…"
                </button>
            })}
        </section>
        <Show when=move || replacing.get()>
            <PlanForm case_id actions replaces=true />
        </Show>
    }
    .into_any()
}

/// A plan in one line: service, how often, how long, how many.
fn plan_line(plan: &crate::model::PlanSummary) -> String {
    format!(
        "{} · every {} days · {} minutes · {} sessions",
        plan.plan.service.label(),
        plan.plan.every_days,
        plan.plan.duration_min,
        plan.plan.sessions_planned
    )
}

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
fn BookingForm(
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
fn StaffBookingRow(
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
                <span class="booking-day">{format!("{} · {}", booking.kind.label(), format_london_day(booking.starts_ms))}</span>
                {booking_badge(booking.status, None)}
            </div>
            {booking.cancelled_note.map(|note| view! { <span class="hint">{note}</span> })}
            {attendance_note.map(|note| view! { <span class="hint">{note}</span> })}
            <span class="booking-times">{format!(
                "Visiting {}–{} · child {}–{}",
                format_london_time(booking.visiting_arrives_ms), format_london_time(booking.visiting_leaves_ms),
                format_london_time(booking.starts_ms), format_london_time(booking.ends_ms),
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
                            {["Child unwell", "Child has an appointment", "Staff unwell", "Centre closed"].into_iter().map(|text| view! {
                                <button type="button" class="chip" on:click=move |_| reason.set(text.to_owned())>{text}</button>
                            }).collect_view()}
                        </div>
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

/// A Cafcass-funded case: how many sessions are funded and used, and an
/// extension when Cafcass grants one.
#[component]
fn FundedSessions(case_id: i64, funded: u32, used: u32, actions: Actions) -> AnyView {
    let count = RwSignal::new(funded.to_string());
    view! {
        <section class="card funded" data-testid="funded-sessions">
            <h2>"Cafcass funding"</h2>
            <p>{format!("Cafcass funds {funded} sessions; {used} booked so far use a funded place.")}</p>
            <p class="hint">"Sessions beyond the funded ones are charged to the visiting parent, unless Cafcass extends the funding."</p>
            <div class="stack">
                <TextField id="funded-sessions" label="Sessions Cafcass funds" value=count kind="number" />
                {action_error(actions.funding.value())}
                <button type="button" class="button secondary" on:click=move |_| {
                    actions.funding.dispatch(SetFundedSessions { case_id, funded_sessions: count.get_untracked() });
                }>"Save funded sessions"</button>
            </div>
        </section>
    }
    .into_any()
}

/// A case a local authority funds: what it was invoiced and paid, and its
/// payments recorded as they come.
#[component]
fn AuthorityAccount(
    case_id: i64,
    account: crate::model::FunderAccount,
    actions: Actions,
) -> AnyView {
    let amount = RwSignal::new(String::new());
    let paid_on = RwSignal::new(String::new());
    let reference = RwSignal::new(String::new());
    let local_error = RwSignal::new(None::<AppError>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match parse_pounds("amount", &amount.get()) {
            Ok(pence) => {
                local_error.set(None);
                actions.authority.dispatch(RecordAuthorityPayment {
                    case_id,
                    amount_pence: pence.0,
                    paid_on: paid_on.get(),
                    reference: reference.get(),
                });
            }
            Err(error) => local_error.set(Some(error)),
        }
    };
    view! {
        <section class="card" data-testid="authority-account">
            <h2>"Local authority account"</h2>
            <p>{format!(
                "Invoiced {} · paid {} · owed {}",
                Pence(account.invoiced_pence),
                Pence(account.paid_pence),
                Pence(account.owed_pence)
            )}</p>
            <p class="hint">"Every charge on this case is invoiced to the local authority; the parents pay nothing."</p>
            <ul class="list">
                {account.lines.into_iter().map(|line| view! {
                    <li class="list-item">{format!("{} · {} · {}", line.on, line.what, Pence(line.amount_pence))}</li>
                }).collect_view()}
            </ul>
            <form class="stack" on:submit=submit>
                <TextField id="authority-amount" label="Amount the authority paid (£)" value=amount placeholder="99.00" />
                <TextField id="authority-date" label="Paid on" value=paid_on kind="date" />
                <TextField id="authority-reference" label="Their reference (optional)" value=reference />
                {move || local_error.get().map(|error| view! { <ErrorNote error /> })}
                {action_error(actions.authority.value())}
                <button type="submit" class="button primary">"Record the authority's payment"</button>
            </form>
        </section>
    }
    .into_any()
}

#[component]
fn PaymentForm(
    case_id: i64,
    actions: Actions,
    resident: Statement,
    visiting: Statement,
) -> AnyView {
    let parent = RwSignal::new("visiting".to_owned());
    let direction = RwSignal::new("payment".to_owned());
    let amount = RwSignal::new(String::new());
    let method = RwSignal::new("card".to_owned());
    let paid_on = RwSignal::new(String::new());
    let local_error = RwSignal::new(None::<AppError>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match parse_pounds("amount", &amount.get()) {
            Ok(pence) => {
                local_error.set(None);
                actions.pay.dispatch(RecordPayment {
                    case_id,
                    parent: parent.get(),
                    refund: direction.get() == "refund",
                    amount_pence: pence.0,
                    method: method.get(),
                    paid_on: paid_on.get(),
                });
            }
            Err(error) => local_error.set(Some(error)),
        }
    };
    let pairs = |list: &[(&str, &str)]| {
        list.iter()
            .map(|(v, t)| (v.to_string(), t.to_string()))
            .collect::<Vec<_>>()
    };
    view! {
        <section class="card">
            <h2>"Payments"</h2>
            <p>{format!("Resident parent owes {} · visiting parent owes {}", resident.balance, visiting.balance)}</p>
            <form class="stack" on:submit=submit>
                <SelectField id="pay-direction" label="What happened" value=direction options=pairs(&[("payment", "A parent paid"), ("refund", "The centre refunded a deposit")]) />
                <SelectField id="pay-parent" label="Parent" value=parent options=pairs(&[("visiting", "Visiting parent"), ("resident", "Resident parent")]) />
                <TextField id="pay-amount" label="Amount (£)" value=amount placeholder="99.00" />
                <SelectField id="pay-method" label="Method" value=method options=pairs(&[("card", "Card"), ("bank_transfer", "Bank transfer"), ("cash", "Cash"), ("cheque", "Cheque")]) />
                <TextField id="pay-date" label="Paid on" value=paid_on kind="date" />
                {move || local_error.get().map(|error| view! { <ErrorNote error /> })}
                {action_error(actions.pay.value())}
                <button type="submit" class="button primary">{move || if direction.get() == "refund" { "Record refund" } else { "Record payment" }}</button>
            </form>
        </section>
    }
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
