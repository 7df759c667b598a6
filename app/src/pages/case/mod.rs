//! `/coordinator/cases/:id`: one case from referral to its last report.
//! This file holds the page, what it reads and its actions; `plan` the
//! contact plans, `booking` the booking form and each booking's row,
//! `money` payments and funders.

mod booking;
mod closure;
mod money;
mod plan;

use booking::{BookingForm, StaffBookingRow};
use closure::ClosureCard;
use money::{AuthorityAccount, FundedSessions, PaymentForm};
use plan::{PlanForm, PlanView, plan_line};

use leptos::prelude::*;

use crate::pages::indirect::{IndirectContact, items_of};
use crate::pages::records::{FinalReports, reports_of};
use crate::pages::risk_assessment::{RiskAssessments, assessments_of};
use leptos_router::hooks::use_params_map;

use crate::api::centre::{
    BookSeries, CancelBooking, CloseCase, CreatePlan, DecideReferral, LiftLegalHold, MoveBooking,
    RecordAgreement, RecordAttendance, RecordAuthorityPayment, RecordPayment, RecordReviewOutcome,
    SetFundedSessions, SetLegalHold, booking_choices, case_detail, case_reads,
};
use crate::components::error_note::{ErrorNote, action_error};
use crate::components::fields::TextField;
use crate::components::page_data::PageData;
use crate::components::role_gate::RoleGate;
use crate::domain::london_time::{format_london_day, format_london_time};
use crate::domain::risk::suggest;
use crate::domain::role::Role;
use crate::model::{CaseDetail, Choice, FinalReport, IndirectItem, ReadNote, RiskAssessment};

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
    close: ServerAction<CloseCase>,
    hold: ServerAction<SetLegalHold>,
    lift: ServerAction<LiftLegalHold>,
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
            close: ServerAction::new(),
            hold: ServerAction::new(),
            lift: ServerAction::new(),
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
            decide, plan, agree, book, pay, cancel, attend, relocate, review, funding, authority,
            close, hold, lift
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
    // A closed case takes nothing new: no plan, booking or indirect item.
    let open = case.status == "accepted" && case.retention.closed.is_none();
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
        {(open && case.plan.is_none()).then(|| view! { <PlanForm case_id=case.id actions replaces=false /> })}
        {case.plan.clone().map(|plan| view! { <PlanView plan actions case_id=case.id can_replace=open /> })}
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
        {open.then(|| view! { <BookingForm case_id=case.id actions plan_signed choices=data.choices /> })}
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
        <Deliveries deliveries=case.deliveries.clone() />
        <ClosureCard case_id=case.id retention=case.retention.clone() actions />
        <WhoRead reads=data.reads />
    }
    .into_any()
}

/// How email and text messages reach each parent, and what became of the
/// last one: staff see the addresses, nobody else does.
#[component]
fn Deliveries(deliveries: Vec<crate::model::Delivery>) -> AnyView {
    view! {
        <section class="card deliveries">
            <h2>"Messages by email and text"</h2>
            <ul class="list">
                {deliveries.into_iter().map(|d| {
                    let details = d.details();
                    let reach = if d.reached {
                        format!("Prefers: {}", d.choice.to_lowercase())
                    } else {
                        "No email address or mobile number: only the portal reaches them".to_owned()
                    };
                    view! {
                        <li class="list-item delivery">
                            <strong>{d.who}</strong>
                            <span>{reach}</span>
                            {(!details.is_empty()).then(|| view! { <span class="account-meta">{details}</span> })}
                            <span>{d.last_message.unwrap_or_else(|| "Nothing sent yet.".to_owned())}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
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
