//! The indirect-contact log on a case page: items a parent sent a child
//! through the centre, logged when they arrive, checked, then passed on or
//! withheld with a reason.

use leptos::prelude::*;

use crate::api::centre::{indirect_item_step, indirect_items, log_indirect_item};
use crate::components::error_note::ErrorNote;
use crate::components::page_data::PageData;
use crate::domain::indirect::{ItemKind, ItemStage};
use crate::domain::london_time::{format_iso_date, format_london, format_stored_day, london_date};
use crate::error::AppError;
use crate::model::{IndirectItem, NewIndirectItem};

/// A case's indirect-contact items, for `IndirectContact`: made by the
/// case page before it waits for anything (see `PageData`).
pub fn items_of(case_id: impl Fn() -> i64 + Send + Sync + 'static) -> PageData<Vec<IndirectItem>> {
    PageData::new(case_id, |id, _| indirect_items(id))
}

#[component]
pub fn IndirectContact(
    case_id: i64,
    children: Vec<String>,
    items: PageData<Vec<IndirectItem>>,
) -> impl IntoView {
    let problem = RwSignal::new(None::<AppError>);
    let from_side = RwSignal::new("visiting".to_owned());
    let for_child = RwSignal::new(children.first().cloned().unwrap_or_default());
    let kind = RwSignal::new("card".to_owned());
    let description = RwSignal::new(String::new());
    let received_on = RwSignal::new(format_iso_date(london_date(crate::device::now_ms())));
    let log = move |_| {
        let item = NewIndirectItem {
            case_id,
            from_side: from_side.get_untracked(),
            for_child: for_child.get_untracked(),
            kind: kind.get_untracked(),
            description: description.get_untracked(),
            received_on: received_on.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            match log_indirect_item(item).await {
                Ok(_) => {
                    description.set(String::new());
                    problem.set(None);
                    items.reload();
                }
                Err(error) => problem.set(Some(error)),
            }
        });
    };
    view! {
        <section class="card indirect">
            <h2>"Indirect contact"</h2>
            <p class="hint">"Letters, cards and gifts for the children. Check each one before passing it on; the sender never learns where the children live."</p>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match items.data().await {
                        Ok(list) if list.is_empty() => view! { <p class="empty">"Nothing received yet."</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="list">
                                {list.into_iter().map(|item| view! { <ItemRow item items /> }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(error) => view! { <ErrorNote error /> }.into_any(),
                    }
                })}
            </Transition>
            <details>
                <summary>"Log an item received"</summary>
                <label class="field"><span>"From"</span>
                    <select on:change=move |ev| from_side.set(event_target_value(&ev)) prop:value=move || from_side.get()>
                        <option value="visiting">"Visiting parent"</option>
                        <option value="resident">"Resident parent"</option>
                    </select>
                </label>
                <label class="field"><span>"For"</span>
                    <select on:change=move |ev| for_child.set(event_target_value(&ev)) prop:value=move || for_child.get()>
                        {children.iter().map(|name| view! { <option value=name.clone()>{name.clone()}</option> }).collect_view()}
                    </select>
                </label>
                <label class="field"><span>"What it is"</span>
                    <select on:change=move |ev| kind.set(event_target_value(&ev)) prop:value=move || kind.get()>
                        {ItemKind::ALL.into_iter().map(|k| view! { <option value=k.as_str()>{k.label()}</option> }).collect_view()}
                    </select>
                </label>
                <label class="field"><span>"Description"</span>
                    <input prop:value=move || description.get() on:input=move |ev| description.set(event_target_value(&ev)) />
                </label>
                <label class="field"><span>"Received on"</span>
                    <input type="date" prop:value=move || received_on.get() on:input=move |ev| received_on.set(event_target_value(&ev)) />
                </label>
                <button type="button" class="button" on:click=log>"Log item"</button>
                {move || problem.get().map(|error| view! { <ErrorNote error /> })}
            </details>
        </section>
    }
}

#[component]
fn ItemRow(item: IndirectItem, items: PageData<Vec<IndirectItem>>) -> impl IntoView {
    let note = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<AppError>);
    let id = item.id;
    let act = move |step: &'static str| {
        leptos::task::spawn_local(async move {
            match indirect_item_step(id, step.to_owned(), note.get_untracked()).await {
                Ok(()) => {
                    problem.set(None);
                    items.reload();
                }
                Err(error) => problem.set(Some(error)),
            }
        });
    };
    let trail = [
        Some(format!(
            "Received {} (logged by {})",
            format_stored_day(&item.received_on),
            item.logged_by
        )),
        item.checked_by.as_ref().map(|by| {
            format!(
                "Checked by {by}{}{}",
                item.checked_ms
                    .map(|at| format!(" on {}", format_london(at)))
                    .unwrap_or_default(),
                if item.check_note.is_empty() {
                    String::new()
                } else {
                    format!(": {}", item.check_note)
                }
            )
        }),
        item.done_by.as_ref().map(|by| {
            let when = item.done_ms.map(format_london).unwrap_or_default();
            match item.stage {
                ItemStage::Withheld => {
                    format!("Withheld by {by} on {when}: {}", item.withheld_reason)
                }
                _ => format!("Passed on by {by} on {when}"),
            }
        }),
    ];
    let stage = item.stage;
    view! {
        <li class="list-item indirect-item">
            <strong>{format!("{} for {} from the {} parent", item.kind.label(), item.for_child, item.from_side.as_str())}</strong>
            <span>{item.description.clone()}</span>
            {trail.into_iter().flatten().map(|line| view! { <span class="hint">{line}</span> }).collect_view()}
            {matches!(stage, ItemStage::Received | ItemStage::Checked).then(|| view! {
                <label class="field"><span>{if stage == ItemStage::Received { "Check note (or the reason, to withhold it)" } else { "Reason, to withhold it" }}</span>
                    <input prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev)) />
                </label>
                <div class="stack">
                    {(stage == ItemStage::Received).then(|| view! { <button type="button" class="button" on:click=move |_| act("check")>"Checked"</button> })}
                    {(stage == ItemStage::Checked).then(|| view! { <button type="button" class="button" on:click=move |_| act("forward")>"Passed on"</button> })}
                    <button type="button" class="button secondary" on:click=move |_| act("withhold")>"Withhold"</button>
                </div>
            })}
            {move || problem.get().map(|error| view! { <ErrorNote error /> })}
        </li>
    }
}
