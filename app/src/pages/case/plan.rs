//! The case's contact plan: made, agreed by both parents, replaced.

use leptos::prelude::*;

use crate::api::centre::{CreatePlan, RecordAgreement};
use crate::components::error_note::action_error;
use crate::components::fields::{SelectField, TextField};
use crate::domain::schedule::Service;
use crate::model::NewPlan;

use super::Actions;

fn number(text: &str) -> i64 {
    text.trim().parse().unwrap_or(0)
}

#[component]
pub(super) fn PlanForm(case_id: i64, actions: Actions, replaces: bool) -> AnyView {
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
pub(super) fn PlanView(
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
pub(super) fn plan_line(plan: &crate::model::PlanSummary) -> String {
    format!(
        "{} · every {} days · {} minutes · {} sessions",
        plan.plan.service.label(),
        plan.plan.every_days,
        plan.plan.duration_min,
        plan.plan.sessions_planned
    )
}
