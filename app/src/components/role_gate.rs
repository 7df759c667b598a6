use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::app::use_session;
use crate::components::error_note::ErrorNote;
use crate::domain::role::{CHANGE_PASSWORD_PATH, Role};
use crate::model::CurrentUser;

/// Renders `children` with the signed-in user when their role is `role`.
/// Signed-out visitors are sent to the sign-in page; someone signed in with
/// another role is pointed to their own page. (The server checks roles again
/// in every server function: this gate is for people, not for security.)
#[component]
pub fn RoleGate<F, V>(role: Role, children: F) -> impl IntoView
where
    F: Fn(CurrentUser) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let session = use_session();
    // The page's resources are made when the gate opens, inside an async
    // block; made there without an owner of the page's, the server-side
    // render could not find the app's context from them. They are made
    // under the gate's own owner instead.
    let owner = Owner::current();
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {
                let children = children.clone();
                move || {
                    let children = children.clone();
                    let owner = owner.clone();
                    Suspend::new(async move {
                        match session.user.await {
                            Ok(Some(user)) if user.must_change_password => {
                                view! { <Redirect path=CHANGE_PASSWORD_PATH /> }.into_any()
                            }
                            Ok(Some(user)) if user.role == role => match &owner {
                                Some(owner) => owner.with(|| children(user).into_any()),
                                None => children(user).into_any(),
                            },
                            Ok(Some(user)) => {
                                view! {
                                    <section class="card">
                                        <h1>"This page is not for your role"</h1>
                                        <p>
                                            "You are signed in as a "
                                            {user.role.label().to_lowercase()} "."
                                        </p>
                                        <a class="button" href=user.role.home_path()>
                                            "Go to your page"
                                        </a>
                                    </section>
                                }
                                    .into_any()
                            }
                            Ok(None) => view! { <Redirect path="/sign-in" /> }.into_any(),
                            Err(error) => view! { <ErrorNote error /> }.into_any(),
                        }
                    })
                }
            }
        </Suspense>
    }
}
