use leptos::prelude::*;

use crate::components::role_gate::RoleGate;
use crate::domain::role::Role;

#[component]
pub fn WorkerHome() -> impl IntoView {
    view! {
        <RoleGate role=Role::Worker children=|user| {
            view! {
                <section class="card">
                    <h1>"Your sessions"</h1>
                    <p>"Signed in as " <strong>{user.display_name}</strong> "."</p>
                    <p class="empty">
                        "No sessions are booked for you yet. They appear here as soon as the coordinator books them."
                    </p>
                </section>
            }
        } />
    }
}
