//! The case page's data protection card: closing the case, a legal hold,
//! when each kind of its data is due for erasure, and subject access
//! exports for each person on it.

use leptos::prelude::*;

use super::Actions;
use crate::api::centre::{CloseCase, LiftLegalHold, SetLegalHold};
use crate::components::error_note::action_error;
use crate::domain::london_time::format_london_day;
use crate::domain::retention::ClosureReason;
use crate::model::CaseRetention;

#[component]
pub fn ClosureCard(case_id: i64, retention: CaseRetention, actions: Actions) -> AnyView {
    let reason = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let hold_reason = RwSignal::new(String::new());
    let CaseRetention {
        closed,
        hold,
        due,
        referrer_access_until,
        subjects,
    } = retention;
    let is_closed = closed.is_some();
    view! {
        <section class="card" id="closure" data-testid="closure">
            <h2>"Closure and records"</h2>
            {match closed {
                Some(closed) => view! {
                    <p role="status" data-testid="closed">
                        <strong>{format!("Closed on {}: {}", format_london_day(closed.at_ms), closed.reason.words())}</strong>
                        {format!(" (by {})", closed.by)}
                    </p>
                    {(!closed.note.is_empty()).then(|| view! { <p>{closed.note}</p> })}
                    {referrer_access_until.map(|until| view! {
                        <p class="hint">{format!(
                            "The referrer reads what was released before closure until {}; nothing released after closure reaches them.",
                            format_london_day(until)
                        )}</p>
                    })}
                    <ul class="list">
                        {due.into_iter().map(|(kind, at)| view! {
                            <li class="list-item">
                                <strong>{kind.title()}</strong>
                                <span>{match at {
                                    Some(at) => format!("Erased from {}", format_london_day(at)),
                                    None => "Kept while the legal hold applies".to_owned(),
                                }}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
                None => view! {
                    <p class="hint">"Closing ends every booking still ahead (both parents are told), stops referrers and parents getting anything new, and starts the retention clock."</p>
                    <div class="stack">
                        <label class="field"><span>"Why the case is closing"</span>
                            <select prop:value=move || reason.get() on:change=move |ev| reason.set(event_target_value(&ev))>
                                <option value="">"Choose…"</option>
                                {ClosureReason::CHOSEN.into_iter().map(|r| view! { <option value=r.as_str()>{r.words()}</option> }).collect_view()}
                            </select>
                        </label>
                        <label class="field"><span>"Note (kept on the case, for staff)"</span>
                            <textarea maxlength="1000" prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                        </label>
                        {action_error(actions.close.value())}
                        <button type="button" class="button secondary" on:click=move |_| {
                            actions.close.dispatch(CloseCase { case_id, reason: reason.get(), note: note.get() });
                        }>"Close the case"</button>
                    </div>
                }.into_any(),
            }}
            {move || match actions.close.value().get() {
                Some(Ok(message)) => Some(view! { <p class="saved" role="status">{message}</p> }),
                _ => None,
            }}
            <h3>"Legal hold"</h3>
            {match hold {
                Some(hold) => view! {
                    <p role="status" data-testid="hold">
                        {format!("On hold since {} (set by {}): {}", format_london_day(hold.since_ms), hold.by, hold.reason)}
                    </p>
                    {action_error(actions.lift.value())}
                    <button type="button" class="button secondary" on:click=move |_| {
                        actions.lift.dispatch(LiftLegalHold { case_id });
                    }>"Lift the hold"</button>
                }.into_any(),
                None => view! {
                    <p class="hint">{if is_closed {
                        "Court proceedings or a safeguarding investigation: a hold stops the clock, and nothing of the case is erased until it is lifted."
                    } else {
                        "A hold set now keeps the clock stopped from closure until it is lifted."
                    }}</p>
                    <div class="stack">
                        <label class="field"><span>"Why the case is held"</span>
                            <input maxlength="500" prop:value=move || hold_reason.get() on:input=move |ev| hold_reason.set(event_target_value(&ev)) />
                        </label>
                        {action_error(actions.hold.value())}
                        <button type="button" class="button secondary" on:click=move |_| {
                            actions.hold.dispatch(SetLegalHold { case_id, reason: hold_reason.get() });
                        }>"Put on legal hold"</button>
                    </div>
                }.into_any(),
            }}
            <h3>"Subject access"</h3>
            <p class="hint">"What the centre holds about one person, without the other parent's contact details. Lines that mention other people are marked for review before release. Each export is in the audit trail."</p>
            <ul class="list">
                {subjects.into_iter().map(|subject| view! {
                    <li class="list-item">
                        <span>{subject.label}</span>
                        <span class="row-actions">
                            <a class="button secondary" href=format!("/documents/subject-access/{}", subject.who) rel="external" download>"Readable (HTML)"</a>
                            <a class="button secondary" href=format!("/documents/subject-access/{}?format=json", subject.who) rel="external" download>"Data (JSON)"</a>
                        </span>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
    .into_any()
}
