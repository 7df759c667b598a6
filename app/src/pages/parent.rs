use leptos::prelude::*;

use crate::api::portal::{
    CancelMyBooking, PreviewCancellation, SetMyMessageChoice, my_family_accounts,
};
use crate::components::booking_badge::booking_badge;
use crate::components::error_note::{ErrorNote, action_error};
use crate::components::fields::SelectField;
use crate::components::role_gate::RoleGate;
use crate::domain::london_time::{
    format_london, format_london_day, format_london_time, format_stored_day,
};
use crate::domain::message::MessageBy;
use crate::domain::money::Parent;
use crate::domain::role::Role;
use crate::model::{AmountDue, FamilyAccount, ParentBooking, Statement};
use crate::pages::case_list::CaseList;

#[component]
pub fn ParentHome() -> impl IntoView {
    view! {
        <RoleGate role=Role::Parent children=|user| {
            view! {
                <section class="card">
                    <h1>"Your family"</h1>
                    <p>"Signed in as " <strong>{user.display_name}</strong> "."</p>
                    <CaseList />
                </section>
                <Accounts />
            }
        } />
    }
}

#[component]
fn Accounts() -> impl IntoView {
    let cancel = ServerAction::<CancelMyBooking>::new();
    let accounts = Resource::new(move || cancel.version().get(), |_| my_family_accounts());
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match accounts.await {
                    Ok(list) if list.is_empty() => {
                        view! {
                            <section class="card">
                                <h2>"Bookings and payments"</h2>
                                <p class="empty">"No bookings yet."</p>
                            </section>
                        }
                            .into_any()
                    }
                    Ok(list) => {
                        list.into_iter()
                            .map(|account| view! { <FamilyAccountView account cancel /> })
                            .collect_view()
                            .into_any()
                    }
                    Err(error) => view! { <ErrorNote error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn FamilyAccountView(account: FamilyAccount, cancel: ServerAction<CancelMyBooking>) -> AnyView {
    let times_note = match account.side {
        Parent::Visiting => {
            "Your arrival and departure times: please arrive and leave at these times, so that the family does not meet at the door."
        }
        Parent::Resident => {
            "Bring the children at the start time and collect them at the end time."
        }
    };
    view! {
        {(!account.notices.is_empty()).then(|| view! {
            <section class="card notices" aria-labelledby=format!("notices-{}", account.reference)>
                <h2 id=format!("notices-{}", account.reference)>"Messages from the centre"</h2>
                <ul class="list">
                    {account.notices.iter().map(|notice| view! {
                        <li class="list-item notice">
                            <span class="hint">{format_london(notice.created_ms)}</span>
                            <span>{notice.body.clone()}</span>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })}
        <section class="card" aria-labelledby=format!("bookings-{}", account.reference)>
            <h2 id=format!("bookings-{}", account.reference)>"Your bookings"</h2>
            <p class="hint">{times_note}</p>
            {action_error(cancel.value())}
            <ul class="list bookings">
                {account
                    .bookings
                    .into_iter()
                    .map(|booking| view! { <BookingRow booking side=account.side cancel /> })
                    .collect_view()}
            </ul>
        </section>
        <ToPay to_pay=account.to_pay how_to_pay=account.how_to_pay pay_reference=account.pay_reference />
        <StatementView statement=account.statement />
        {(!account.sent_items.is_empty()).then(|| view! {
            <section class="card sent-items">
                <h2>"Letters, cards and gifts you sent"</h2>
                <ul class="list">
                    {account.sent_items.iter().map(|item| view! {
                        <li class="list-item">
                            <span>{format!("{} for {}, received {}", item.kind.label(), item.for_child, format_stored_day(&item.received_on))}</span>
                            <span class="hint">{match item.forwarded_ms {
                                Some(at) => format!("{}: {}", item.stage.for_sender(), format_london_day(at)),
                                None => item.stage.for_sender().to_owned(),
                            }}</span>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })}
        <MessageChoice by=account.message_by has_email=account.has_email has_phone=account.has_phone />
        {account.rules.map(|rules| view! {
            <section class="card rules">
                <h2>"The rules you agreed to"</h2>
                {rules.signed_on.map(|date| view! { <p class="hint">{format!("You signed them on {date}.")}</p> })}
                <p>{rules.ground_rules}</p>
                <p><strong>"Who may attend: "</strong>{rules.who_may_attend}</p>
            </section>
        })}
    }
    .into_any()
}

/// How the parent hears from the centre besides the portal.
#[component]
fn MessageChoice(by: String, has_email: bool, has_phone: bool) -> AnyView {
    let choose = ServerAction::<SetMyMessageChoice>::new();
    let chosen = RwSignal::new(by);
    let held = match (has_email, has_phone) {
        (true, true) => "The centre has your email address and mobile number.",
        (true, false) => "The centre has your email address, but no mobile number.",
        (false, true) => "The centre has your mobile number, but no email address.",
        (false, false) => {
            "The centre has no email address or mobile number for you: tell the centre if you want messages."
        }
    };
    view! {
        <section class="card message-choice">
            <h2>"How the centre tells you"</h2>
            <p class="hint">{held}" Messages never name your children or give details: they tell you to look here. A cancellation or a change of time is always sent."</p>
            <SelectField id="message-by" label="Send me messages by" value=chosen options=MessageBy::options() />
            {action_error(choose.value())}
            {move || matches!(choose.value().get(), Some(Ok(()))).then(|| view! { <p class="ok-note" role="status">"Saved."</p> })}
            <button type="button" class="button secondary" on:click=move |_| {
                choose.dispatch(SetMyMessageChoice { choice: chosen.get_untracked() });
            }>"Save how I hear"</button>
        </section>
    }
    .into_any()
}

#[component]
fn BookingRow(
    booking: ParentBooking,
    side: Parent,
    cancel: ServerAction<CancelMyBooking>,
) -> AnyView {
    let preview = ServerAction::<PreviewCancellation>::new();
    let can_cancel = booking.status.is_open();
    let id = booking.id;
    let reason = RwSignal::new(String::new());
    let asking = move || matches!(preview.value().get(), Some(Ok(ref p)) if p.booking_id == id);
    view! {
        <li class="list-item booking" data-booking=id.to_string()>
            <div class="booking-head">
                <span class="booking-day">{format_london_day(booking.starts_ms)}</span>
                {booking_badge(booking.status, Some(side))}
            </div>
            <span class="booking-times">
                "Arrive " {format_london_time(booking.arrive_ms)} " · leave "
                {format_london_time(booking.leave_ms)}
            </span>
            <span class="booking-kind">{booking.kind.label()}</span>
            {action_error(preview.value())}
            <Show when=move || can_cancel && !asking()>
                <button
                    type="button"
                    class="button secondary"
                    on:click=move |_| {
                        preview.dispatch(PreviewCancellation { booking_id: id });
                    }
                >
                    "Cancel this session…"
                </button>
            </Show>
            <Show when=asking>
                <div class="confirm" role="alertdialog" aria-label="Cancel this session?">
                    <p>
                        {move || {
                            preview
                                .value()
                                .get()
                                .and_then(|r| r.ok())
                                .map(|p| p.explanation)
                                .unwrap_or_default()
                        }}
                    </p>
                    <label for=format!("cancel-reason-{id}")>
                        "Why? (optional: only the centre's staff see it)"
                    </label>
                    <textarea
                        id=format!("cancel-reason-{id}")
                        maxlength="300"
                        prop:value=move || reason.get()
                        on:input=move |ev| reason.set(event_target_value(&ev))
                    ></textarea>
                    <button
                        type="button"
                        class="button danger"
                        on:click=move |_| {
                            cancel.dispatch(CancelMyBooking { booking_id: id, reason: reason.get_untracked() });
                            preview.value().set(None);
                        }
                    >
                        "Yes, cancel it"
                    </button>
                    <button
                        type="button"
                        class="button secondary"
                        on:click=move |_| preview.value().set(None)
                    >
                        "Keep it"
                    </button>
                </div>
            </Show>
        </li>
    }
    .into_any()
}

/// What the parent still has to pay, by when, and how.
#[component]
fn ToPay(to_pay: Vec<AmountDue>, how_to_pay: String, pay_reference: String) -> AnyView {
    if to_pay.is_empty() {
        return ().into_any();
    }
    view! {
        <section class="card to-pay">
            <h2>"To pay"</h2>
            <p class="hint">"A booking is confirmed once it is paid."</p>
            <ul class="list">
                {to_pay
                    .into_iter()
                    .map(|due| {
                        let when = if due.due_now {
                            "due now".to_owned()
                        } else {
                            format!("by {}", format_london_day(due.due_ms))
                        };
                        view! {
                            <li class="list-item statement-line">
                                <span class="line-text">{due.description}</span>
                                <span class="line-meta">
                                    <span class="line-amount">{due.amount.to_string()}</span>
                                    " · " {when}
                                </span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <p>{how_to_pay}</p>
            <p>"Your payment reference: " <strong>{pay_reference}</strong></p>
        </section>
    }
    .into_any()
}

#[component]
fn StatementView(statement: Statement) -> AnyView {
    let balance_text = if statement.balance.0 > 0 {
        format!("You owe {}", statement.balance)
    } else if statement.balance.0 < 0 {
        format!(
            "In credit: {}",
            crate::domain::money::Pence(-statement.balance.0)
        )
    } else {
        "Nothing to pay".to_owned()
    };
    view! {
        <section class="card statement">
            <h2>"Statement"</h2>
            <p class="balance">
                <strong>{balance_text}</strong>
            </p>
            {(statement.deposit_held.0 > 0)
                .then(|| {
                    view! {
                        <p class="hint">
                            {format!("The centre holds your refundable deposit of {}.", statement.deposit_held)}
                        </p>
                    }
                })}
            <ul class="list">
                {statement
                    .lines
                    .into_iter()
                    .map(|line| {
                        view! {
                            <li class="list-item statement-line">
                                <span class="line-text">{line.description}</span>
                                <span class="line-meta">
                                    {format_london_day(line.at_ms)} " · "
                                    <span class="line-amount">{line.amount.to_string()}</span>
                                </span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
    .into_any()
}
