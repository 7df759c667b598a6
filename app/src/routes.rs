//! The pages a contact worker's phone never needs, loaded on demand.
//!
//! A worker's phone downloads the app on the centre's poor signal and must
//! open session mode offline, so the first download holds the shell and the
//! pages session mode needs (sign-in, the session list, session mode) and
//! nothing else. The back office, the referrer's portal, the parent's page,
//! and the pages that need the server anyway (a signed record after the
//! session, choosing a password) are each one `#[lazy]` function:
//! `cargo leptos build --split` moves each into its own WebAssembly chunk,
//! fetched the first time someone opens one of its pages. On the server the
//! same functions run at once and name their chunk in the page's head, so
//! the browser fetches it beside the main bundle.
//!
//! Rules: a page session mode needs is never routed through here (a chunk
//! that cannot be fetched offline would stop the app), and each role's pages
//! share one chunk, so a role downloads no other role's code.

// `#[lazy]` declares the chunk's imports and exports, which Rust counts as
// unsafe code. The macro writes all of it; nothing here is hand-written unsafe.
#![allow(unsafe_code)]

use leptos::prelude::*;
use leptos_router::LazyRoute;

use crate::pages;

/// A coordinator's pages.
#[derive(Clone, Copy, Debug)]
pub enum BackOffice {
    Home,
    Cases,
    Case,
    Settings,
    Calendar,
    SessionRecord,
    CosignQueue,
    Record,
}

/// A referrer's pages.
#[derive(Clone, Copy, Debug)]
pub enum Portal {
    Home,
    Refer,
    Report,
    Record,
}

/// Pages that only work online: the worker's signed records, a senior
/// worker's co-signing, choosing one's own password (any role), and the
/// public check of a document's verification code.
#[derive(Clone, Copy, Debug)]
pub enum Online {
    WorkerRecord,
    Password,
    SeniorCosign,
    SeniorRecord,
    Verify,
    Privacy,
}

#[leptos::lazy]
fn online(page: Online) -> AnyView {
    match page {
        Online::WorkerRecord => view! { <pages::records::WorkerRecordPage /> }.into_any(),
        Online::Password => pages::password::PasswordPage(),
        Online::SeniorCosign => view! { <pages::records::SeniorCosignPage /> }.into_any(),
        Online::SeniorRecord => view! { <pages::records::SeniorRecordPage /> }.into_any(),
        Online::Verify => view! { <pages::records::VerifyPage /> }.into_any(),
        Online::Privacy => view! { <pages::privacy::PrivacyPage /> }.into_any(),
    }
}

#[leptos::lazy]
fn back_office(page: BackOffice) -> AnyView {
    match page {
        BackOffice::Home => view! { <pages::coordinator::CoordinatorHome /> }.into_any(),
        BackOffice::Cases => view! { <pages::cases::CasesPage /> }.into_any(),
        BackOffice::Case => view! { <pages::case::CasePage /> }.into_any(),
        BackOffice::Settings => view! { <pages::settings::SettingsPage /> }.into_any(),
        BackOffice::Calendar => view! { <pages::calendar::CalendarPage /> }.into_any(),
        BackOffice::SessionRecord => {
            view! { <pages::session_record::SessionRecordPage /> }.into_any()
        }
        BackOffice::CosignQueue => view! { <pages::records::CosignQueuePage /> }.into_any(),
        BackOffice::Record => view! { <pages::records::CoordinatorRecordPage /> }.into_any(),
    }
}

#[leptos::lazy]
fn portal(page: Portal) -> AnyView {
    match page {
        Portal::Home => view! { <pages::referrer::ReferrerHome /> }.into_any(),
        Portal::Refer => view! { <pages::referrer::ReferPage /> }.into_any(),
        Portal::Report => view! { <pages::records::ReferrerReportPage /> }.into_any(),
        Portal::Record => view! { <pages::records::ReferrerRecordPage /> }.into_any(),
    }
}

#[leptos::lazy]
fn family() -> AnyView {
    view! { <pages::parent::ParentHome /> }.into_any()
}

/// One route type per lazily loaded page, for `Lazy::<T>::new()` in the
/// router. `preload` fetches the page's chunk before the router draws the
/// page: when a page the server rendered is hydrated, its view must be
/// ready at once (a view still waiting for its chunk would hydrate as
/// nothing, which does not match the server's HTML). The chunk loaders exist
/// only in the WebAssembly build; on the server every page is at hand.
macro_rules! lazy_pages {
    ($($route:ident => $load:expr, $preload:ident;)*) => {$(
        #[doc = concat!("The route to `", stringify!($load), "`.")]
        pub struct $route;

        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            async fn view(_: Self) -> AnyView {
                $load.await
            }

            async fn preload() {
                #[cfg(target_arch = "wasm32")]
                $preload().await;
            }
        }
    )*};
}

lazy_pages! {
    WorkerRecord => online(Online::WorkerRecord), __preload_online;
    Password => online(Online::Password), __preload_online;
    SeniorCosign => online(Online::SeniorCosign), __preload_online;
    SeniorRecord => online(Online::SeniorRecord), __preload_online;
    Verify => online(Online::Verify), __preload_online;
    Privacy => online(Online::Privacy), __preload_online;
    CoordinatorHome => back_office(BackOffice::Home), __preload_back_office;
    Cases => back_office(BackOffice::Cases), __preload_back_office;
    Case => back_office(BackOffice::Case), __preload_back_office;
    Settings => back_office(BackOffice::Settings), __preload_back_office;
    Calendar => back_office(BackOffice::Calendar), __preload_back_office;
    SessionRecord => back_office(BackOffice::SessionRecord), __preload_back_office;
    CosignQueue => back_office(BackOffice::CosignQueue), __preload_back_office;
    CoordinatorRecord => back_office(BackOffice::Record), __preload_back_office;
    ReferrerHome => portal(Portal::Home), __preload_portal;
    Refer => portal(Portal::Refer), __preload_portal;
    ReferrerReport => portal(Portal::Report), __preload_portal;
    ReferrerRecord => portal(Portal::Record), __preload_portal;
    ParentHome => family(), __preload_family;
}
