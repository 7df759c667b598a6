use leptos::form::ActionForm;
use leptos::prelude::*;

use crate::api::centre::{arrears_list, list_cases};
use crate::api::records::cosign_queue;
use crate::api::worker::recent_concerns;
use crate::api::{
    CreateAccount, ResetPassword, SetAccountDisabled, SetAccountSenior, list_accounts,
};
use crate::components::error_note::{ErrorNote, action_error};
use crate::components::role_gate::RoleGate;
use crate::domain::casework::Need;
use crate::domain::london_time::{format_london_day, format_london_time};
use crate::domain::role::Role;
use crate::domain::validate::MIN_PASSWORD_CHARS;
use crate::error::AppError;
use crate::model::{AccountSummary, Arrear, ConcernAlert};

#[component]
pub fn CoordinatorHome() -> impl IntoView {
    view! {
        <RoleGate role=Role::Coordinator children=|user| {
            view! {
                <section class="card">
                    <h1>"Centre"</h1>
                    <p>"Signed in as " <strong>{user.display_name}</strong> "."</p>
                    <div class="stack">
                        <a class="button primary" href="/coordinator/cases">"Cases, referrals and bookings"</a>
                        <a class="button secondary" href="/coordinator/calendar">"Week calendar"</a>
                        <CosignCount />
                        <a class="button secondary" href="/coordinator/settings">"Prices, hours and rooms"</a>
                    </div>
                </section>
                <Concerns />
                <NeedsAction />
                <Arrears />
                <Accounts />
            }
        } />
    }
}

/// The link to the co-signing queue, with how many records wait in it.
/// Counted in the browser after the page loads, so that the page's
/// server render waits on one query only.
#[component]
fn CosignCount() -> AnyView {
    let waiting = RwSignal::new(None::<usize>);
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            if let Ok(list) = cosign_queue().await {
                waiting.set(Some(list.len()));
            }
        });
    });
    view! {
        <a class="button secondary" href="/coordinator/records" data-testid="cosign-count">
            {move || match waiting.get() {
                Some(n) => format!("Records to co-sign ({n})"),
                None => "Records to co-sign".to_owned(),
            }}
        </a>
    }
    .into_any()
}

/// Safeguarding concerns from workers' phones, as soon as they sync:
/// fetched in the browser when the page opens and every 30 seconds.
#[component]
fn Concerns() -> AnyView {
    let concerns = RwSignal::new(Vec::<ConcernAlert>::new());
    let problem = RwSignal::new(None::<AppError>);
    Effect::new(move |_| {
        let fetch = move || {
            leptos::task::spawn_local(async move {
                match recent_concerns().await {
                    Ok(list) => {
                        concerns.set(list);
                        problem.set(None);
                    }
                    Err(error) => problem.set(Some(error)),
                }
            })
        };
        fetch();
        let _ = set_interval_with_handle(fetch, std::time::Duration::from_secs(30));
    });
    view! {
        {move || problem.get().map(|error| view! { <ErrorNote error /> })}
        {move || {
            let list = concerns.get();
            (!list.is_empty()).then(|| view! {
                <section class="card concerns" role="alert">
                    <h2>{format!("Safeguarding concerns ({})", list.len())}</h2>
                    <ul class="list">
                        {list.into_iter().map(|c| view! {
                            <li class="list-item">
                                <a href=format!("/coordinator/sessions/{}", c.booking_id)>
                                    {format!("{} {} · {} · {}", format_london_day(c.at_ms), format_london_time(c.at_ms), c.case_reference, c.author)}
                                </a>
                                <span class="line-text">{c.text.clone()}</span>
                                {concern_flag(&c).map(|flag| view! { <span class="hint concern-flag">{flag}</span> })}
                            </li>
                        }).collect_view()}
                    </ul>
                </section>
            })
        }}
    }
    .into_any()
}

/// How many cases wait on each kind of action, each count a link to the
/// case list filtered to it; fetched in the browser after the page loads.
#[component]
fn NeedsAction() -> AnyView {
    let cases = RwSignal::new(None::<Result<Vec<crate::model::CaseRow>, AppError>>);
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            cases.set(Some(list_cases().await));
        });
    });
    view! {
        {move || match cases.get() {
            None => None,
            Some(Err(error)) => Some(view! { <ErrorNote error /> }.into_any()),
            Some(Ok(list)) => {
                let counts: Vec<(Need, usize)> = Need::ALL
                    .into_iter()
                    .map(|need| (need, list.iter().filter(|c| c.needs.contains(&need)).count()))
                    .filter(|(_, n)| *n > 0)
                    .collect();
                Some(view! {
                    <section class="card" data-testid="needs-action">
                        <h2>"Needs action"</h2>
                        {counts.is_empty().then(|| view! { <p class="empty">"Nothing waits on you."</p> })}
                        <div class="stack">
                            {counts.into_iter().map(|(need, n)| view! {
                                <a class="button secondary" href=format!("/coordinator/cases?needs={}", need.as_str())>
                                    {format!("{} ({n})", need.label())}
                                </a>
                            }).collect_view()}
                        </div>
                    </section>
                }.into_any())
            }
        }}
    }
    .into_any()
}

/// Who owes the centre money, how much and since when, the longest owed
/// first; fetched in the browser after the page loads, like the count.
#[component]
fn Arrears() -> AnyView {
    let arrears = RwSignal::new(None::<Result<Vec<Arrear>, AppError>>);
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            arrears.set(Some(arrears_list().await));
        });
    });
    view! {
        {move || match arrears.get() {
            None => None,
            Some(Err(error)) => Some(view! { <ErrorNote error /> }.into_any()),
            Some(Ok(list)) => Some(view! {
                <section class="card arrears" data-testid="arrears">
                    <h2>{format!("Arrears ({})", list.len())}</h2>
                    {list.is_empty().then(|| view! { <p class="empty">"No parent owes the centre money."</p> })}
                    <ul class="list">
                        {list.into_iter().map(|a| view! {
                            <li class="list-item">
                                <a class="case-link" href=format!("/coordinator/cases/{}", a.case_id)>
                                    {format!("{} · {} parent", a.reference, a.parent.as_str())}
                                </a>
                                <span class="line-meta">
                                    <span class="line-amount">{a.owed.to_string()}</span>
                                    {format!(" · owed since {}", format_london_day(a.since_ms))}
                                </span>
                            </li>
                        }).collect_view()}
                    </ul>
                </section>
            }.into_any()),
        }}
    }
    .into_any()
}

#[component]
fn Accounts() -> impl IntoView {
    let create = ServerAction::<CreateAccount>::new();
    let reset = ServerAction::<ResetPassword>::new();
    let disable = ServerAction::<SetAccountDisabled>::new();
    let senior = ServerAction::<SetAccountSenior>::new();
    let accounts = Resource::new(
        move || {
            (
                create.version().get(),
                reset.version().get(),
                disable.version().get(),
                senior.version().get(),
            )
        },
        |_| list_accounts(),
    );
    let created = move || matches!(create.value().get(), Some(Ok(())));
    let reset_done = move || matches!(reset.value().get(), Some(Ok(())));

    view! {
        <section class="card">
            <h2>"New account"</h2>
            <ActionForm action=create attr:class="stack" attr:id="new-account">
                <label for="new-name">"Full name"</label>
                <input id="new-name" name="display_name" type="text" autocomplete="off" required />
                <label for="new-username">"Username"</label>
                <input
                    id="new-username"
                    name="username"
                    type="text"
                    autocomplete="off"
                    autocapitalize="none"
                    spellcheck="false"
                    required
                />
                <label for="new-role">"Role"</label>
                <select id="new-role" name="role" required>
                    {Role::ALL
                        .into_iter()
                        .map(|role| view! { <option value=role.as_str()>{role.label()}</option> })
                        .collect_view()}
                </select>
                <label for="new-password">"Temporary password"</label>
                <input
                    id="new-password"
                    name="password"
                    type="text"
                    autocomplete="new-password"
                    minlength=MIN_PASSWORD_CHARS.to_string()
                    required
                />
                <p class="hint">
                    {format!("At least {MIN_PASSWORD_CHARS} characters. Give it to the person in private.")}
                </p>
                <label for="new-email">"Email address (optional; for messages)"</label>
                <input id="new-email" name="email" type="email" autocomplete="off" />
                <p class="hint">"Staff and referrers add a mobile number and choose how they hear on their password page. A parent's details are kept on their case."</p>
                <fieldset class="stack">
                    <legend>"Parents and referrers: link to a case"</legend>
                    <label for="new-case">"Case reference (optional)"</label>
                    <input id="new-case" name="case_reference" type="text" placeholder="FAM-0001" />
                    <label for="new-relation">"Parent is the"</label>
                    <select id="new-relation" name="relation">
                        <option value="">"(not a parent)"</option>
                        <option value="resident_parent">"Resident parent"</option>
                        <option value="visiting_parent">"Visiting parent"</option>
                    </select>
                </fieldset>
                {action_error(create.value())}
                <Show when=created>
                    <p class="ok-note" role="status">"Account created."</p>
                </Show>
                <button type="submit" class="button primary">
                    "Create account"
                </button>
            </ActionForm>
        </section>
        <section class="card">
            <h2>"Accounts"</h2>
            {action_error(reset.value())}
            {action_error(disable.value())}
            {action_error(senior.value())}
            <Show when=reset_done>
                <p class="ok-note" role="status">"Temporary password set. That person is signed out everywhere, must choose their own at their next sign-in, and their signing PIN is cleared."</p>
            </Show>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match accounts.await {
                        Ok(list) => {
                            view! {
                                <ul class="list">
                                    {list
                                        .into_iter()
                                        .map(|account| view! { <AccountRow account reset disable senior /> })
                                        .collect_view()}
                                </ul>
                            }
                                .into_any()
                        }
                        Err(error) => view! { <ErrorNote error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn AccountRow(
    account: AccountSummary,
    reset: ServerAction<ResetPassword>,
    disable: ServerAction<SetAccountDisabled>,
    senior: ServerAction<SetAccountSenior>,
) -> impl IntoView {
    let field_id = format!("reset-{}", account.id);
    let cases = account.cases.join(", ");
    let password_line = match (&account.password_set_by, account.password_set_ms) {
        (Some(by), Some(at)) => Some(format!(
            "Password set by {by}, {} {}{}",
            format_london_day(at),
            format_london_time(at),
            if account.must_change_password {
                ": waiting for them to choose their own"
            } else {
                ""
            }
        )),
        (None, Some(at)) => Some(format!(
            "Chose their own password {} {}",
            format_london_day(at),
            format_london_time(at)
        )),
        _ => None,
    };
    let disabled = account.disabled_ms;
    let user_id = account.id;
    let is_senior = account.senior;
    let worker = account.role == Role::Worker;
    view! {
        <li class="list-item account">
            <span class="account-name">{account.display_name}</span>
            <span class="account-meta">
                {account.username} " · " {account.role.label()}
                {(!cases.is_empty()).then(|| format!(" · {cases}"))}
            </span>
            {password_line.map(|line| view! { <span class="account-meta">{line}</span> })}
            {disabled.map(|at| view! {
                <span class="badge badge-warn">{format!("Disabled {}", format_london_day(at))}</span>
            })}
            {is_senior.then(|| view! { <span class="badge">"Senior: co-signs"</span> })}
            {account.delivery.map(|d| {
                let details = d.details();
                let line = if d.reached {
                    format!("Messages: {} · {}", d.choice.to_lowercase(), details)
                } else {
                    "Messages: no email address or mobile number".to_owned()
                };
                view! {
                    <span class="account-meta">{line}</span>
                    {d.last_message.map(|last| view! { <span class="account-meta">{last}</span> })}
                }
            })}
            <details>
                <summary>"Reset password"</summary>
                <ActionForm action=reset attr:class="stack">
                    <input type="hidden" name="user_id" value=account.id.to_string() />
                    <label for=field_id.clone()>"New temporary password"</label>
                    <input
                        id=field_id
                        name="password"
                        type="text"
                        autocomplete="new-password"
                        minlength=MIN_PASSWORD_CHARS.to_string()
                        required
                    />
                    <button type="submit" class="button secondary">
                        "Set password"
                    </button>
                </ActionForm>
            </details>
            <button
                type="button"
                class="button secondary"
                on:click=move |_| {
                    disable.dispatch(SetAccountDisabled { user_id, disabled: disabled.is_none() });
                }
            >
                {if disabled.is_some() { "Enable account" } else { "Disable account" }}
            </button>
            {worker.then(|| view! {
                <button
                    type="button"
                    class="button secondary"
                    on:click=move |_| {
                        senior.dispatch(SetAccountSenior { user_id, senior: !is_senior });
                    }
                >
                    {if is_senior { "No longer senior" } else { "Mark as senior (may co-sign)" }}
                </button>
            })}
            <details>
                <summary>"Subject access export"</summary>
                <p class="hint">"What the centre holds about this person. Lines about other people are marked for review before release; the export is in the audit trail."</p>
                <span class="row-actions">
                    <a class="button secondary" rel="external" download href=format!("/documents/subject-access/account-{user_id}")>"Readable (HTML)"</a>
                    <a class="button secondary" rel="external" download href=format!("/documents/subject-access/account-{user_id}?format=json")>"Data (JSON)"</a>
                </span>
            </details>
        </li>
    }
}

/// What the coordinator should know about a concern's times: that it came
/// after the record was signed, or that the phone dated it after it reached
/// the centre (both times shown, so the clock can be weighed).
fn concern_flag(c: &ConcernAlert) -> Option<String> {
    let received = format!(
        "{} {}",
        format_london_day(c.received_ms),
        format_london_time(c.received_ms)
    );
    match (c.late, c.dated_ahead) {
        (_, true) => Some(format!(
            "The phone dated this after it reached the centre ({received}): check that phone's clock.{}",
            if c.late {
                " Received after the record was signed."
            } else {
                ""
            }
        )),
        (true, false) => Some(format!(
            "Received after the record was signed, at {received}."
        )),
        (false, false) => None,
    }
}
