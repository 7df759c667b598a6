use leptos::form::ActionForm;
use leptos::prelude::*;

use crate::app::use_session;
use crate::sync::use_sync;

#[component]
pub fn Header() -> impl IntoView {
    let session = use_session();
    let sync = use_sync();
    // Asked before signing out with entries still only on this phone.
    let asking = RwSignal::new(false);
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
                                <a class="who" href=crate::domain::role::CHANGE_PASSWORD_PATH title="Your password">
                                    <span class="who-name">{user.display_name}</span>
                                    <span class="who-role">{user.role.label()}</span>
                                </a>
                                <ActionForm action=session.sign_out attr:class="sign-out">
                                    <button
                                        type="submit"
                                        class="button secondary"
                                        on:click=move |ev| {
                                            if sync.unsynced.get_untracked() > 0 && !asking.get_untracked() {
                                                ev.prevent_default();
                                                asking.set(true);
                                            }
                                        }
                                    >
                                        "Sign out"
                                    </button>
                                </ActionForm>
                            }
                        })
                })}
            </Transition>
        </header>
        {move || {
            asking
                .get()
                .then(|| {
                    view! {
                        <section class="card sign-out-warning" role="alertdialog" aria-label="Entries not synced">
                            <p>
                                {move || {
                                    format!(
                                        "{} of your entries are only on this phone. Signing out keeps them on it, under your name, and they sync when you next sign in here. Sync them now if you can.",
                                        sync.unsynced.get(),
                                    )
                                }}
                            </p>
                            <button type="button" class="button" on:click=move |_| sync.sync_now()>
                                "Sync now"
                            </button>
                            <ActionForm action=session.sign_out>
                                <button type="submit" class="button danger">
                                    "Sign out anyway"
                                </button>
                            </ActionForm>
                            <button type="button" class="button secondary" on:click=move |_| asking.set(false)>
                                "Stay signed in"
                            </button>
                        </section>
                    }
                })
        }}
    }
}
