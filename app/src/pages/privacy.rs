//! `/privacy`: the privacy notice, one part for each kind of person, in
//! plain English, with the records of processing (what is kept, why, who
//! sees it, for how long) made from the centre's retention schedule.
//! Public: linked from the sign-in page.

use leptos::prelude::*;

use crate::api::accounts::privacy_facts;
use crate::components::error_note::ErrorNote;
use crate::model::PrivacyFacts;

/// What each kind of person is told: (heading, anchor, paragraphs).
const PARTS: [(&str, &str, &[&str]); 4] = [
    (
        "If you are a parent",
        "parents",
        &[
            "We hold your name, address, phone and email, the referral that brought your family to us, the contact plan you agreed, your bookings, what you paid, and the records our workers write at each session.",
            "We never give your address, phone or email to the other parent, and the other parent never sees your arrival times or your reasons for cancelling.",
            "Session records go to the solicitor, social worker or Cafcass officer who referred you once a coordinator has checked them. They are not shown to parents in the portal; you can ask for them as below.",
        ],
    ),
    (
        "About children",
        "children",
        &[
            "We hold each child's name and date of birth, what happened at their sessions, and letters, cards or gifts sent to them. We use this only to keep them safe and to report to the court or referrer.",
            "A child's information is asked for through the parent they live with, or by the child themselves when old enough to understand.",
        ],
    ),
    (
        "If you are a referrer",
        "referrers",
        &[
            "We hold your name, organisation's contact details and what you told us in the referral. You see only co-signed records and reports of your own cases.",
            "When a case closes you keep what was released to you before closure for the period below, and nothing released after closure reaches you.",
        ],
    ),
    (
        "If you work or volunteer here",
        "staff",
        &[
            "We hold your account, the sessions you worked, what you recorded and signed, and what you read: every reading of a family's record is kept in the audit trail.",
            "Your account is disabled, never erased, while records you signed are kept, so that every signature still says who made it.",
        ],
    ),
];

#[component]
pub fn PrivacyPage() -> impl IntoView {
    let facts = Resource::new(|| (), |_| privacy_facts());
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match facts.await {
                    Ok(facts) => view! { <Notice facts /> }.into_any(),
                    Err(error) => view! { <ErrorNote error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Notice(facts: PrivacyFacts) -> AnyView {
    view! {
        <section class="card">
            <h1>"How we use your information"</h1>
            <p>{format!("{} runs supervised and supported contact for children whose parents live apart. This notice says what we keep about you, why, who sees it, and for how long.", facts.centre)}</p>
            <ul class="list">
                {PARTS.iter().map(|(heading, anchor, _)| view! {
                    <li class="list-item"><a class="case-link" href=format!("#{anchor}")>{*heading}</a></li>
                }).collect_view()}
            </ul>
        </section>
        {PARTS.iter().map(|(heading, anchor, paragraphs)| view! {
            <section class="card" id=*anchor>
                <h2>{*heading}</h2>
                {paragraphs.iter().map(|text| view! { <p>{*text}</p> }).collect_view()}
            </section>
        }).collect_view()}
        <section class="card" id="kept">
            <h2>"What we keep and for how long"</h2>
            <p>{format!("Times run from the day a case closes. A legal hold (court proceedings, a safeguarding investigation) stops the clock. A referrer keeps what was released before closure for {} days.", facts.retention.referrer_access_days)}</p>
            <ul class="list">
                {facts.processing.into_iter().map(|line| view! {
                    <li class="list-item processing">
                        <strong>{line.title}</strong>
                        <span>{line.holds}</span>
                        <span>{format!("Why: {}", line.purpose)}</span>
                        <span>{format!("Who sees it: {}", line.seen_by)}</span>
                        <span>{format!("Kept: {}. {}", line.kept_for, line.reason)}</span>
                    </li>
                }).collect_view()}
            </ul>
            <p>"When the time is up the server erases it. Signed records are removed whole; the audit trail keeps only the fact that something happened and its fingerprints, not what it said."</p>
        </section>
        <section class="card" id="rights">
            <h2>"Your rights"</h2>
            <p>"You can ask for a copy of what we hold about you, and we answer within one month. Ask the centre's coordinator. Parts that are about other people (the other parent, the child) may be held back or have those people's details removed."</p>
            <p>"You can ask us to correct what is wrong. A signed session record is never changed, but a correction is added beside it."</p>
            <p>"If you are unhappy with how we use your information, tell the coordinator; you can also complain to the Information Commissioner's Office (ico.org.uk)."</p>
            <p><a class="case-link" href="/sign-in">"Back to sign in"</a></p>
        </section>
    }
    .into_any()
}
