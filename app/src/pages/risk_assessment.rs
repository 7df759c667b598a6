//! The risk assessments of one case, on the coordinator's case page: the
//! decision (supervised, supported or not suitable), why, the next review
//! date, at referral and again after the pre-visits, each beside what the
//! risk guide suggested.

use leptos::prelude::*;

use crate::api::centre::{record_risk_assessment, risk_assessments};
use crate::components::error_note::ErrorNote;
use crate::components::page_data::PageData;
use crate::domain::london_time::format_london;
use crate::domain::risk::AssessmentStage;
use crate::error::AppError;
use crate::model::RiskAssessment;

/// A case's assessments, for `RiskAssessments`: made by the case page
/// before it waits for anything (see `PageData`).
pub fn assessments_of(
    case_id: impl Fn() -> i64 + Send + Sync + 'static,
) -> PageData<Vec<RiskAssessment>> {
    PageData::new(case_id, |id, _| risk_assessments(id))
}

#[component]
pub fn RiskAssessments(case_id: i64, list: PageData<Vec<RiskAssessment>>) -> AnyView {
    let stage = RwSignal::new("at_referral".to_owned());
    let decision = RwSignal::new("supervised".to_owned());
    let why = RwSignal::new(String::new());
    let review_on = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Result<(), AppError>>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        leptos::task::spawn_local(async move {
            let result = record_risk_assessment(
                case_id,
                stage.get_untracked(),
                decision.get_untracked(),
                why.get_untracked(),
                review_on.get_untracked(),
            )
            .await;
            if result.is_ok() {
                why.set(String::new());
                list.reload();
            }
            outcome.set(Some(result));
        });
    };
    view! {
        <section class="card">
            <h2>"Risk assessment"</h2>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match list.data().await {
                        Ok(list) if list.is_empty() => view! { <p class="empty">"No assessment recorded yet."</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="list">
                                {list.into_iter().map(|a| view! {
                                    <li class="list-item">
                                        <strong>{format!("{}: {}", a.stage.label(), a.decision.decision_label())}</strong>
                                        <span class="prose">{a.why}</span>
                                        <span class="hint">{format!(
                                            "The guide suggested {}. Review by {}. Recorded by {} on {}.",
                                            a.suggested.decision_label().to_lowercase(), a.review_on, a.recorded_by, format_london(a.recorded_ms),
                                        )}</span>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(error) => view! { <ErrorNote error /> }.into_any(),
                    }
                })}
            </Transition>
            <form class="stack" on:submit=submit>
                <label for="risk-stage">"When"</label>
                <select id="risk-stage" on:change=move |ev| stage.set(event_target_value(&ev)) prop:value=move || stage.get()>
                    {AssessmentStage::ALL.into_iter().map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
                </select>
                <label for="risk-decision">"Decision"</label>
                <select id="risk-decision" on:change=move |ev| decision.set(event_target_value(&ev)) prop:value=move || decision.get()>
                    <option value="supervised">"Supervised contact"</option>
                    <option value="supported">"Supported contact"</option>
                    <option value="not_suitable">"Not suitable for contact now"</option>
                </select>
                <label for="risk-why">"Why"</label>
                <textarea id="risk-why" rows="3" prop:value=move || why.get() on:input=move |ev| why.set(event_target_value(&ev))></textarea>
                <label for="risk-review">"Review by"</label>
                <input id="risk-review" type="date" prop:value=move || review_on.get() on:input=move |ev| review_on.set(event_target_value(&ev)) />
                <button type="submit" class="button primary">"Record the assessment"</button>
                {move || outcome.get().map(|result| match result {
                    Ok(()) => view! { <p class="ok-note" role="status">"Assessment recorded."</p> }.into_any(),
                    Err(error) => view! { <ErrorNote error /> }.into_any(),
                })}
            </form>
        </section>
    }
    .into_any()
}
