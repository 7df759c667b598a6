use leptos::form::ActionForm;
use leptos::prelude::*;

use crate::app::use_session;
use crate::components::error_note::action_error;

#[component]
pub fn SignInPage() -> impl IntoView {
    let session = use_session();
    let pending = session.sign_in.pending();
    view! {
        <section class="card narrow">
            <h1>"Sign in"</h1>
            <p class="hint">"Use the username and password the centre gave you."</p>
            <ActionForm action=session.sign_in attr:class="stack">
                <label for="username">"Username"</label>
                <input
                    id="username"
                    name="username"
                    type="text"
                    autocomplete="username"
                    autocapitalize="none"
                    spellcheck="false"
                    required
                />
                <label for="password">"Password"</label>
                <input
                    id="password"
                    name="password"
                    type="password"
                    autocomplete="current-password"
                    required
                />
                {action_error(session.sign_in.value())}
                <button type="submit" class="button primary" disabled=pending>
                    {move || if pending.get() { "Signing in…" } else { "Sign in" }}
                </button>
            </ActionForm>
        </section>
        <p class="narrow centred">
            <a class="case-link" href="/verify">"Check a document's verification code"</a>
        </p>
        <p class="narrow centred">
            <a class="case-link" href="/privacy">"How we use your information (privacy notice)"</a>
        </p>
    }
}
