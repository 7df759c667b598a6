use leptos::form::ActionForm;
use leptos::prelude::*;

use crate::app::use_session;

#[component]
pub fn Header() -> impl IntoView {
    let session = use_session();
    view! {
        <header class="top-bar">
            <a class="brand" href="/">
                "Contact centre"
            </a>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    session
                        .user
                        .await
                        .ok()
                        .flatten()
                        .map(|user| {
                            view! {
                                <div class="who">
                                    <span class="who-name">{user.display_name}</span>
                                    <span class="who-role">{user.role.label()}</span>
                                </div>
                                <ActionForm action=session.sign_out attr:class="sign-out">
                                    <button type="submit" class="button secondary">
                                        "Sign out"
                                    </button>
                                </ActionForm>
                            }
                        })
                })}
            </Transition>
        </header>
    }
}
