//! `/password`: choosing one's own password. Everyone can change theirs; a
//! person whose password a coordinator set (a new account, a reset) is sent
//! here first, and can do nothing else until they have chosen their own.

use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::api::{ChangeMyPassword, SetMyContact, my_contact, my_password_history};
use crate::app::use_session;
use crate::components::error_note::ErrorNote;
use crate::components::error_note::action_error;
use crate::components::fields::SelectField;
use crate::domain::london_time::format_london;
use crate::domain::message::MessageBy;
use crate::domain::validate::MIN_PASSWORD_CHARS;
use crate::error::AppError;
use crate::model::MyContact;

#[component]
pub fn PasswordPage() -> AnyView {
    let session = use_session();
    // Made before anything on the page awaits (see `PageData`): made
    // below the gate, its id changed from one server walk to the next.
    let contact = Resource::new(|| (), |_| my_contact());
    let change = session.change_password;
    let history = Resource::new(move || change.version().get(), |_| my_password_history());
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match session.user.await {
                    Ok(Some(user)) => view! {
                        <PasswordForm must_change=user.must_change_password home=user.role.home_path() contact history />
                    }
                    .into_any(),
                    Ok(None) => view! { <Redirect path="/sign-in" /> }.into_any(),
                    Err(error) => view! { <ErrorNote error /> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
fn PasswordForm(
    must_change: bool,
    home: &'static str,
    contact: Resource<Result<Option<MyContact>, AppError>>,
    history: Resource<Result<crate::model::PasswordHistory, AppError>>,
) -> AnyView {
    let session = use_session();
    let change = session.change_password;
    let current = RwSignal::new(String::new());
    let new_password = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let mismatch = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if new_password.get_untracked() != repeat.get_untracked() {
            mismatch.set(true);
            return;
        }
        mismatch.set(false);
        change.dispatch(ChangeMyPassword {
            current: current.get_untracked(),
            new_password: new_password.get_untracked(),
        });
    };
    let error = move || match change.value().get() {
        Some(Err(error)) => Some(view! { <ErrorNote error /> }.into_any()),
        _ if mismatch.get() => {
            let error = AppError::invalid("repeat", "The two new passwords are not the same.");
            Some(view! { <ErrorNote error /> }.into_any())
        }
        _ => None,
    };
    let done = move || matches!(change.value().get(), Some(Ok(())));
    view! {
        <section class="card narrow">
            <h1>"Your password"</h1>
            <PasswordHistoryNote history />
            {if must_change {
                view! {
                    <p class="warning-note" role="status">
                        "The centre set this password for you. Choose one of your own to go on: only you should know it, as it signs your records."
                    </p>
                }.into_any()
            } else {
                view! { <p class="hint">"Changing it signs you out on every other device."</p> }.into_any()
            }}
            <Show when=done fallback=move || view! {
                <form class="stack" on:submit=submit>
                    <label for="current-password">"Current password"</label>
                    <input id="current-password" type="password" autocomplete="current-password" required
                        prop:value=move || current.get() on:input=move |ev| current.set(event_target_value(&ev)) />
                    <label for="new-password">"New password"</label>
                    <input id="new-password" type="password" autocomplete="new-password" required
                        minlength=MIN_PASSWORD_CHARS.to_string()
                        prop:value=move || new_password.get() on:input=move |ev| new_password.set(event_target_value(&ev)) />
                    <p class="hint">{format!("At least {MIN_PASSWORD_CHARS} characters. A few words you will remember make a good one.")}</p>
                    <label for="repeat-password">"New password again"</label>
                    <input id="repeat-password" type="password" autocomplete="new-password" required
                        prop:value=move || repeat.get() on:input=move |ev| repeat.set(event_target_value(&ev)) />
                    {error}
                    <button type="submit" class="button primary">"Save my password"</button>
                </form>
            }>
                <p class="ok-note" role="status">"Your password is changed."</p>
                <a class="button primary" href=home>"Go on"</a>
            </Show>
        </section>
        {(!must_change).then(|| view! { <ContactForm contact /> })}
    }
    .into_any()
}

/// Staff and referrers: how the centre reaches them by email or text (a
/// parent's details are held on their case, and chosen on their page).
#[component]
fn ContactForm(contact: Resource<Result<Option<MyContact>, AppError>>) -> AnyView {
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match contact.await {
                    Ok(Some(contact)) => view! { <ContactFields contact /> }.into_any(),
                    Ok(None) => ().into_any(),
                    Err(error) => view! { <ErrorNote error /> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
fn ContactFields(contact: MyContact) -> AnyView {
    let save = ServerAction::<SetMyContact>::new();
    let email = RwSignal::new(contact.email);
    let phone = RwSignal::new(contact.phone);
    let choice = RwSignal::new(contact.message_by);
    view! {
        <section class="card narrow my-contact">
            <h2>"How the centre reaches you"</h2>
            <p class="hint">"For messages such as a safeguarding concern, tomorrow's sessions or a record ready to read. They never carry a child's name or any details: they tell you to look here."</p>
            <label class="field"><span>"Email address"</span>
                <input type="email" autocomplete="email" prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev)) />
            </label>
            <label class="field"><span>"Mobile number"</span>
                <input type="tel" autocomplete="tel" prop:value=move || phone.get() on:input=move |ev| phone.set(event_target_value(&ev)) />
            </label>
            <SelectField id="my-message-by" label="Send me messages by" value=choice options=MessageBy::options() />
            {action_error(save.value())}
            {move || matches!(save.value().get(), Some(Ok(()))).then(|| view! { <p class="ok-note" role="status">"Saved."</p> })}
            <button type="button" class="button secondary" on:click=move |_| {
                save.dispatch(SetMyContact { email: email.get_untracked(), phone: phone.get_untracked(), choice: choice.get_untracked() });
            }>"Save how I hear"</button>
        </section>
    }
    .into_any()
}

/// Who set this person's password, and when, from the audit trail: a
/// coordinator's reset is always shown to the person it was done to.
#[component]
fn PasswordHistoryNote(
    history: Resource<Result<crate::model::PasswordHistory, AppError>>,
) -> AnyView {
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match history.await {
                    Ok(history) => {
                        let reset = history.last_set_by_other.map(|(at, by)| {
                            format!("Last set for you by {by}, {}.", format_london(at))
                        });
                        let own = history
                            .own_choice_ms
                            .map(|at| format!("You last chose your own {}.", format_london(at)));
                        view! {
                            <p class="hint" data-testid="password-history">
                                {reset.unwrap_or_else(|| "Nobody else has set your password.".to_owned())}
                                " "
                                {own}
                            </p>
                        }
                        .into_any()
                    }
                    Err(error) => view! { <ErrorNote error /> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}
