use leptos::prelude::*;

use crate::components::role_gate::RoleGate;
use crate::domain::role::Role;
use crate::pages::case_list::CaseList;
use crate::pages::records::{ReleasedRecords, ReleasedReports};

#[component]
pub fn ReferrerHome() -> impl IntoView {
    view! {
        <RoleGate role=Role::Referrer children=|user| {
            view! {
                <section class="card">
                    <h1>"Your cases"</h1>
                    <p>"Signed in as " <strong>{user.display_name}</strong> "."</p>
                    <CaseList />
                </section>
                <section class="card">
                    <h2>"Session records"</h2>
                    <ReleasedRecords />
                    <ReleasedReports />
                </section>
            }
        } />
    }
}
