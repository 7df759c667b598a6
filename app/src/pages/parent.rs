use leptos::prelude::*;

use crate::components::role_gate::RoleGate;
use crate::domain::role::Role;
use crate::pages::case_list::CaseList;

#[component]
pub fn ParentHome() -> impl IntoView {
    view! {
        <RoleGate role=Role::Parent children=|user| {
            view! {
                <section class="card">
                    <h1>"Your family"</h1>
                    <p>"Signed in as " <strong>{user.display_name}</strong> "."</p>
                    <CaseList />
                </section>
                <section class="card">
                    <h2>"Bookings and payments"</h2>
                    <p class="empty">"No sessions are booked yet. Your bookings and what you owe will appear here."</p>
                </section>
            }
        } />
    }
}
