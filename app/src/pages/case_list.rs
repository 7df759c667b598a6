use leptos::prelude::*;

use crate::api::my_cases;
use crate::components::error_note::ErrorNote;

/// The signed-in parent's or referrer's cases, with each child's first name
/// and age.
#[component]
pub fn CaseList() -> impl IntoView {
    let cases = Resource::new(|| (), |_| my_cases());
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match cases.await {
                    Ok(cases) if cases.is_empty() => {
                        view! {
                            <p class="empty">"You are not linked to a case yet. The centre will link you."</p>
                        }
                            .into_any()
                    }
                    Ok(cases) => {
                        view! {
                            <ul class="list">
                                {cases
                                    .into_iter()
                                    .map(|case| {
                                        let children = case
                                            .children
                                            .iter()
                                            .map(|child| format!("{}, {}", child.first_name, child.age_years))
                                            .collect::<Vec<_>>()
                                            .join(" · ");
                                        view! {
                                            <li class="list-item case">
                                                <span class="case-ref">{case.reference}</span>
                                                <span class="case-relation">{case.relation.label()}</span>
                                                <span class="case-children">{children}</span>
                                                {case.closed_ms.map(|at| view! {
                                                    <span class="badge" data-testid="case-closed">{format!(
                                                        "Closed on {}",
                                                        crate::domain::london_time::format_london_day(at)
                                                    )}</span>
                                                })}
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorNote error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
