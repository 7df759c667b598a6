use leptos::prelude::*;

use crate::components::role_gate::RoleGate;
use crate::domain::role::Role;
use crate::pages::case_list::CaseList;

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
                    <p class="empty">"No co-signed records yet. Records of your cases appear here once the centre releases them."</p>
                </section>
            }
        } />
    }
}
