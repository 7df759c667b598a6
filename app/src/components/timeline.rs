use leptos::prelude::*;

use crate::device::Queued;
use crate::domain::document::about;
use crate::domain::london_time::format_london_time;
use crate::domain::session_log::{Category, Record, coverage, gap_minutes, movement_label};
use crate::model::Colleague;

/// One line of the record, whatever kind of entry it came from.
#[derive(Clone, PartialEq)]
struct Line {
    at_ms: i64,
    what: String,
    text: String,
    author: Option<i64>,
    category: Option<Category>,
    id: Option<String>,
    history: Vec<String>,
    /// Whether the entry is still only on this phone, or was refused.
    state: Option<String>,
    author_name: Option<String>,
}

impl Line {
    /// Changes whenever anything shown on the line changes, so that only
    /// new or changed lines are drawn again.
    fn key(&self) -> String {
        format!(
            "{}|{}|{}|{}|{}|{:?}",
            self.at_ms,
            self.id.as_deref().unwrap_or(&self.what),
            self.text,
            self.history.len(),
            self.what,
            self.state
        )
    }
}

fn lines(record: &Record, name_of: &dyn Fn(i64) -> String) -> Vec<Line> {
    let plain = |at_ms: i64, what: String| Line {
        at_ms,
        what,
        text: String::new(),
        author: None,
        category: None,
        id: None,
        history: Vec::new(),
        state: None,
        author_name: None,
    };
    let mut all: Vec<Line> = Vec::new();
    all.extend(
        record
            .started_ms
            .map(|at| plain(at, "Session started".into())),
    );
    all.extend(
        record
            .attendance
            .iter()
            .map(|(party, movement, at)| plain(*at, movement_label(*party, *movement))),
    );
    all.extend(
        record
            .handovers
            .iter()
            .map(|(at, to)| plain(*at, format!("Sight and sound to {}", name_of(*to)))),
    );
    all.extend(
        record
            .not_attended
            .as_ref()
            .map(|absent| plain(absent.at_ms, absent.words())),
    );
    all.extend(record.observations.iter().map(|o| Line {
        at_ms: o.at_ms,
        what: format!("{}{}", o.category.label(), about(o.child.as_deref())),
        text: o.text.clone(),
        author: Some(o.author),
        category: Some(o.category),
        id: Some(o.id.clone()),
        history: o.history.clone(),
        state: None,
        author_name: None,
    }));
    all.extend(record.ended_ms.map(|at| plain(at, "Session ended".into())));
    all.sort_by_key(|line| line.at_ms);
    all
}

/// The merged record of a session as a list in time order: start and end,
/// arrivals and departures, sight-and-sound handovers and observations
/// (with earlier wordings), safeguarding concerns marked. With `queued`,
/// each observation says whether it is still only on this phone; with
/// `on_correct`, the viewer's own observations can be corrected.
#[component]
pub fn Timeline(
    record: Signal<Record>,
    workers: Vec<Colleague>,
    #[prop(optional, into)] queued: Option<Signal<Vec<Queued>>>,
    #[prop(optional)] me: Option<i64>,
    #[prop(optional)] on_correct: Option<Callback<(String, String, i64)>>,
) -> AnyView {
    let editing = RwSignal::new(None::<String>);
    let draft = RwSignal::new(String::new());
    let name_of = move |id: i64| {
        workers
            .iter()
            .find(|w| w.id == id)
            .map(|w| w.name.clone())
            .unwrap_or_else(|| "A former worker".into())
    };
    let all = Memo::new(move |_| {
        let record = record.get();
        let queued = queued.map(|q| q.get()).unwrap_or_default();
        let mut all = lines(&record, &name_of);
        for line in &mut all {
            line.author_name = line.author.map(&name_of);
            line.state = line
                .id
                .as_ref()
                .and_then(|id| queued.iter().find(|q| &q.id == id))
                .map(|q| match &q.rejected {
                    Some(reason) => format!("Refused: {reason}"),
                    None => "On this phone".to_owned(),
                });
        }
        all
    });
    view! {
        <section class="card timeline" data-testid="timeline">
            <h2>"Record"</h2>
            {move || all.with(Vec::is_empty).then(|| view! { <p class="empty">"Nothing recorded yet."</p> })}
            <ol class="timeline-list">
                <For each=move || all.get() key=Line::key let:line>
                    {timeline_line(line, me, on_correct, editing, draft)}
                </For>
            </ol>
        </section>
    }
    .into_any()
}

fn timeline_line(
    line: Line,
    me: Option<i64>,
    on_correct: Option<Callback<(String, String, i64)>>,
    editing: RwSignal<Option<String>>,
    draft: RwSignal<String>,
) -> AnyView {
    let concern = line.category.is_some_and(Category::is_safeguarding);
    let mine = line.author.is_some() && line.author == me && on_correct.is_some();
    let id = line.id.clone().unwrap_or_default();
    let id_for_edit = id.clone();
    let id_for_save = id.clone();
    let current = line.text.clone();
    let at = line.at_ms;
    view! {
        <li class="timeline-line" class:concern=concern data-entry=id>
            <span class="line-time">{format_london_time(line.at_ms)}</span>
            <div class="line-body">
                <span class="line-what">{line.what}
                    {line.author_name.map(|name| view! { <span class="line-author">{format!(" · {name}")}</span> })}
                </span>
                {(!line.text.is_empty()).then(|| view! { <span class="line-text">{line.text.clone()}</span> })}
                {(!line.history.is_empty()).then(|| view! {
                    <span class="line-history">{format!("Earlier wording: {}", line.history.join(" → "))}</span>
                })}
                {line.state.map(|s| view! { <span class="line-state">{s}</span> })}
                {mine.then(|| view! {
                    <button type="button" class="button secondary small" on:click=move |_| {
                        draft.set(current.clone());
                        editing.set(Some(id_for_edit.clone()));
                    }>"Correct"</button>
                })}
                {move || (mine && editing.get().as_deref() == Some(id_for_save.as_str())).then(|| {
                    let id = id_for_save.clone();
                    view! {
                        <div class="correction">
                            <textarea rows="3" aria-label="Corrected wording" prop:value=move || draft.get()
                                on:input=move |ev| draft.set(event_target_value(&ev))></textarea>
                            <button type="button" class="button" on:click=move |_| {
                                let text = draft.get_untracked();
                                if text.trim().is_empty() { return; }
                                if let Some(save) = on_correct { save.run((id.clone(), text, at)); }
                                editing.set(None);
                            }>"Save correction"</button>
                        </div>
                    }
                })}
            </div>
        </li>
    }
    .into_any()
}

/// Who held sight and sound for every minute of the session, with gaps.
#[component]
pub fn Coverage(record: Signal<Record>, workers: Vec<Colleague>, until_ms: Signal<i64>) -> AnyView {
    view! {
        <section class="card coverage" data-testid="coverage">
            <h2>"Sight and sound"</h2>
            {move || {
                let record = record.get();
                let Some(from) = record.started_ms else {
                    return view! { <p class="empty">"The session has not started."</p> }.into_any();
                };
                let to = record.ended_ms.unwrap_or_else(|| until_ms.get()).max(from);
                let spans = coverage(from, to, &record.handovers);
                let gaps = gap_minutes(&spans);
                let workers = workers.clone();
                view! {
                    <ul class="list">
                        {spans.into_iter().map(|span| {
                            let who = span.holder
                                .map(|id| workers.iter().find(|w| w.id == id).map(|w| w.name.clone()).unwrap_or_else(|| "A former worker".into()))
                                .unwrap_or_else(|| "Nobody: a gap".into());
                            view! {
                                <li class="list-item" class:gap=span.holder.is_none()>
                                    {format!("{}–{} {}", format_london_time(span.from_ms), format_london_time(span.to_ms), who)}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    {(gaps > 0).then(|| view! { <p class="error-note" role="alert">{format!("Nobody held sight and sound for {gaps} minute{}.", if gaps == 1 { "" } else { "s" })}</p> })}
                }.into_any()
            }}
        </section>
    }
    .into_any()
}
