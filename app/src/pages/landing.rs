use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::app::use_session;
use crate::components::error_note::ErrorNote;

#[component]
pub fn Landing() -> impl IntoView {
    let session = use_session();
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match session.user.await {
                    Ok(Some(user)) => view! { <Redirect path=user.role.home_path() /> }.into_any(),
                    Ok(None) => view! { <Redirect path="/sign-in" /> }.into_any(),
                    Err(error) => view! { <ErrorNote error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
