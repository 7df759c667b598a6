use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{Lazy, SsrMode, path};

use crate::api::{ChangeMyPassword, SignIn, SignOut, fetch_current_user};
use crate::components::header::Header;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::model::CurrentUser;
use crate::pages;
use crate::routes;
use crate::sync::SyncState;

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en-GB">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#1d5c57" />
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="icon" type="image/png" href="/icons/icon-192.png" />
                <link rel="apple-touch-icon" href="/icons/icon-192.png" />
                // The stylesheet and the bundle by their hashed names, when
                // the build gave them one (release builds).
                <HashedStylesheet options=options.clone() id="leptos" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                // The service worker breaks hot reload: release builds only.
                {(!cfg!(debug_assertions)).then(|| view! { <script src="/sw-register.js" defer></script> })}
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Who is signed in, and the two actions that change it. Provided once at the
/// root; the user is fetched again whenever either action completes.
#[derive(Clone, Copy)]
pub struct SessionContext {
    pub user: Resource<Result<Option<CurrentUser>, AppError>>,
    pub sign_in: ServerAction<SignIn>,
    pub sign_out: ServerAction<SignOut>,
    pub change_password: ServerAction<ChangeMyPassword>,
}

pub fn use_session() -> SessionContext {
    expect_context::<SessionContext>()
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let sign_in = ServerAction::<SignIn>::new();
    let sign_out = ServerAction::<SignOut>::new();
    let change_password = ServerAction::<ChangeMyPassword>::new();
    let user = Resource::new(
        move || {
            (
                sign_in.version().get(),
                sign_out.version().get(),
                change_password.version().get(),
            )
        },
        |_| fetch_current_user(),
    );
    provide_context(SessionContext {
        user,
        sign_in,
        sign_out,
        change_password,
    });
    let sync = SyncState::new();
    provide_context(sync);
    // In the browser: a signed-in worker's phone syncs; signing out stops it
    // and removes the worker's data from the phone.
    Effect::new(move |_| {
        if let Some(Ok(Some(me))) = user.get()
            && me.role == Role::Worker
        {
            sync.start(crate::model::Colleague {
                id: me.id,
                name: me.display_name.clone(),
            });
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = sign_out.value().get() {
            sync.stop();
            leptos::task::spawn_local(async move {
                let _ = crate::device::forget_everything().await;
            });
        }
    });

    view! {
        <Title text="Contact centre" />
        <Router>
            <Header />
            <main class="page">
                <Routes fallback=pages::not_found::NotFound>
                    <Route path=path!("/") view=pages::landing::Landing ssr=SsrMode::Async />
                    <Route path=path!("/sign-in") view=pages::sign_in::SignInPage />
                    <Route path=path!("/password") view={Lazy::<routes::Password>::new()} />
                    <Route path=path!("/verify") view={Lazy::<routes::Verify>::new()} />
                    <Route path=path!("/privacy") view={Lazy::<routes::Privacy>::new()} />
                    <Route
                        path=path!("/coordinator")
                        view={Lazy::<routes::CoordinatorHome>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/coordinator/cases")
                        view={Lazy::<routes::Cases>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/coordinator/cases/:id")
                        view={Lazy::<routes::Case>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/coordinator/settings")
                        view={Lazy::<routes::Settings>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/coordinator/calendar")
                        view={Lazy::<routes::Calendar>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/coordinator/sessions/:id")
                        view={Lazy::<routes::SessionRecord>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/coordinator/records")
                        view={Lazy::<routes::CosignQueue>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/coordinator/records/:id")
                        view={Lazy::<routes::CoordinatorRecord>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/worker/records/:id")
                        view={Lazy::<routes::WorkerRecord>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/worker/cosign")
                        view={Lazy::<routes::SeniorCosign>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/worker/cosign/:id")
                        view={Lazy::<routes::SeniorRecord>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/referrer/refer")
                        view={Lazy::<routes::Refer>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/referrer/reports/:id")
                        view={Lazy::<routes::ReferrerReport>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/referrer/records/:id")
                        view={Lazy::<routes::ReferrerRecord>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/worker") view=pages::worker::WorkerHome ssr=SsrMode::Async />
                    <Route
                        path=path!("/worker/sessions/:id")
                        view=pages::session::SessionPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/parent") view={Lazy::<routes::ParentHome>::new()} ssr=SsrMode::Async />
                    <Route
                        path=path!("/referrer")
                        view={Lazy::<routes::ReferrerHome>::new()}
                        ssr=SsrMode::Async
                    />
                </Routes>
            </main>
        </Router>
    }
}
