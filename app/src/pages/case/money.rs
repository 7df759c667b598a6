//! Money on the case page: Cafcass's funded sessions, a local
//! authority's account, the parents' payments.

use leptos::prelude::*;

use crate::api::centre::{RecordAuthorityPayment, RecordPayment, SetFundedSessions};
use crate::components::error_note::{ErrorNote, action_error};
use crate::components::fields::{SelectField, TextField};
use crate::domain::money::{Pence, parse_pounds};
use crate::error::AppError;
use crate::model::Statement;

use super::Actions;

/// A Cafcass-funded case: how many sessions are funded and used, and an
/// extension when Cafcass grants one.
#[component]
pub(super) fn FundedSessions(case_id: i64, funded: u32, used: u32, actions: Actions) -> AnyView {
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

/// A money form's submit: the amount typed in pounds is read first; a
/// mistake in it is shown beside the form and nothing is sent, a good one
/// goes to `send` in pence.
fn submit_pounds(
    amount: RwSignal<String>,
    problem: RwSignal<Option<AppError>>,
    send: impl Fn(i64) + 'static,
) -> impl FnMut(leptos::ev::SubmitEvent) + 'static {
    move |ev| {
        ev.prevent_default();
        match parse_pounds("amount", &amount.get()) {
            Ok(pence) => {
                problem.set(None);
                send(pence.0);
            }
            Err(error) => problem.set(Some(error)),
        }
    }
}

/// A case a local authority funds: what it was invoiced and paid, and its
/// payments recorded as they come.
#[component]
pub(super) fn AuthorityAccount(
    case_id: i64,
    account: crate::model::FunderAccount,
    actions: Actions,
) -> AnyView {
    let amount = RwSignal::new(String::new());
    let paid_on = RwSignal::new(String::new());
    let reference = RwSignal::new(String::new());
    let local_error = RwSignal::new(None::<AppError>);
    let submit = submit_pounds(amount, local_error, move |amount_pence| {
        actions.authority.dispatch(RecordAuthorityPayment {
            case_id,
            amount_pence,
            paid_on: paid_on.get(),
            reference: reference.get(),
        });
    });
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
pub(super) fn PaymentForm(
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
    let submit = submit_pounds(amount, local_error, move |amount_pence| {
        actions.pay.dispatch(RecordPayment {
            case_id,
            parent: parent.get(),
            refund: direction.get() == "refund",
            amount_pence,
            method: method.get(),
            paid_on: paid_on.get(),
        });
    });
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
