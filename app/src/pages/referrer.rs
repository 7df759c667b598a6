use leptos::prelude::*;

use crate::api::referrer::{SubmitReferral, my_referrals};
use crate::components::error_note::ErrorNote;
use crate::components::role_gate::RoleGate;
use crate::domain::london_time::format_london_day;
use crate::domain::role::Role;
use crate::pages::case_list::CaseList;
use crate::pages::cases::ReferralForm;
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
                    <a class="button secondary" href="/referrer/refer">"Refer a family"</a>
                </section>
                <Referrals />
                <section class="card">
                    <h2>"Session records"</h2>
                    <ReleasedRecords />
                    <ReleasedReports />
                </section>
            }
        } />
    }
}

/// The referrer's referrals and where each stands.
#[component]
fn Referrals() -> impl IntoView {
    let list = Resource::new(|| (), |_| my_referrals());
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(referrals) if referrals.is_empty() => None,
                    Ok(referrals) => Some(view! {
                        <section class="card">
                            <h2>"Your referrals"</h2>
                            <ul class="list">
                                {referrals.into_iter().map(|r| {
                                    let status = match r.status.as_str() {
                                        "accepted" => "Accepted".to_owned(),
                                        "declined" => format!("Declined: {}", r.decision_note),
                                        _ => "Received, waiting for the centre's decision".to_owned(),
                                    };
                                    view! {
                                        <li class="list-item referral-status">
                                            <strong>{r.reference.clone()}</strong>
                                            <span>{status}</span>
                                            <span class="hint">{format!("Sent {}", format_london_day(r.received_ms))}</span>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        </section>
                    }.into_any()),
                    Err(error) => Some(view! { <ErrorNote error /> }.into_any()),
                }
            })}
        </Transition>
    }
}

/// `/referrer/refer`: a referral sent online.
#[component]
pub fn ReferPage() -> impl IntoView {
    view! {
        <RoleGate role=Role::Referrer children=|_| {
            let send = ServerAction::<SubmitReferral>::new();
            view! {
                <a class="back" href="/referrer">"‹ Your cases"</a>
                <ReferralForm
                    by_referrer=true
                    send=Callback::new(move |referral| { send.dispatch(SubmitReferral { referral }); })
                    outcome=Signal::derive(move || send.value().get().map(|result| result.map(|reference| {
                        format!("Referral sent. The centre's reference is {reference}; you can follow it on your page.")
                    })))
                />
            }
        } />
    }
}
