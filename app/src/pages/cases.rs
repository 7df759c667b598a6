use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::centre::{RecordReferral, list_cases};
use crate::components::error_note::ErrorNote;
use crate::components::fields::{SelectField, TextField};
use crate::components::role_gate::RoleGate;
use crate::domain::casework::{Need, matches_search};
use crate::domain::money::Funding;
use crate::domain::referral::{Law, ReferralSource};
use crate::domain::risk::{GUIDE, RiskReason, suggest};
use crate::domain::role::Role;
use crate::error::AppError;
use crate::model::{ChildDetails, NewReferral, ParentDetails};

/// `/coordinator/cases`: every case, and a form for a new referral.
#[component]
pub fn CasesPage() -> impl IntoView {
    view! {
        <RoleGate role=Role::Coordinator children=|_| view! { <CaseList /> } />
    }
}

#[component]
fn CaseList() -> impl IntoView {
    let record = ServerAction::<RecordReferral>::new();
    let cases = Resource::new(move || record.version().get(), |_| list_cases());
    let query = use_query_map();
    let typed = RwSignal::new(String::new());
    // `?needs=records_due` (from the home page's counts) picks a filter.
    let need = RwSignal::new(query.read_untracked().get("needs").unwrap_or_default());
    let filters = std::iter::once((String::new(), "Every case".to_owned()))
        .chain(
            Need::ALL
                .iter()
                .map(|n| (n.as_str().to_owned(), n.label().to_owned())),
        )
        .collect::<Vec<_>>();
    view! {
        <section class="card">
            <h1>"Cases"</h1>
            <a class="button secondary" href="/coordinator/cases#new-referral">"New referral"</a>
            <div class="stack" role="search">
                <TextField id="case-search" label="Find a case (by reference or a child's name)" value=typed kind="search" />
                <SelectField id="case-filter" label="Show" value=need options=filters />
            </div>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match cases.await {
                        Ok(list) => view! {
                            <ul class="list">
                                {move || {
                                    let wanted = Need::parse(&need.get());
                                    let shown: Vec<_> = list
                                        .iter()
                                        .filter(|case| matches_search(&case.reference, &case.child_names, &typed.get()))
                                        .filter(|case| wanted.is_none_or(|n| case.needs.contains(&n)))
                                        .cloned()
                                        .collect();
                                    if shown.is_empty() {
                                        return view! { <li class="empty">"No case matches."</li> }.into_any();
                                    }
                                    shown.into_iter().map(|case| view! {
                                        <li class="list-item">
                                            <a class="case-link" href=format!("/coordinator/cases/{}", case.id)>{case.reference}</a>
                                            <span class="account-meta">{case.children} " · " {case.status}</span>
                                            {(!case.needs.is_empty()).then(|| view! {
                                                <span class="needs">
                                                    {case.needs.iter().map(|n| view! { <span class="badge badge-warn">{n.label()}</span> }).collect_view()}
                                                </span>
                                            })}
                                        </li>
                                    }).collect_view().into_any()
                                }}
                            </ul>
                        }.into_any(),
                        Err(error) => view! { <ErrorNote error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
        <ReferralForm
            send=Callback::new(move |referral| { record.dispatch(RecordReferral { referral }); })
            outcome=Signal::derive(move || record.value().get().map(|result| result.map(|_| "Referral recorded.".to_owned())))
        />
    }
}

/// Who can refer, as the form offers them: wire names and labels.
const SOURCES: [(&str, &str); 6] = [
    ("solicitor", "Solicitor"),
    ("social_worker", "Social worker"),
    ("mediator", "Family mediator"),
    ("cafcass", "Cafcass"),
    ("court_order", "Court order"),
    ("self_referral", "Self-referral (both parents)"),
];

/// A choice from a drop-down, read as the enum its values name (the values
/// are the enums' wire names, so a value that does not read is a bug).
fn choice<T: serde::de::DeserializeOwned>(text: String) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(text)).ok()
}

fn reason_name(reason: RiskReason) -> String {
    serde_json::to_value(reason)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The referral form: the coordinator's, and a referrer's own online
/// referral (`by_referrer`: the centre gives the case reference, and a
/// self-referral comes from the parents, not a referrer).
#[component]
pub fn ReferralForm(
    /// Sends the referral.
    send: Callback<NewReferral>,
    /// The last sending's outcome: a sentence to show, or the error.
    outcome: Signal<Option<Result<String, AppError>>>,
    #[prop(optional)] by_referrer: bool,
) -> AnyView {
    let reference = RwSignal::new(String::new());
    let source = RwSignal::new("solicitor".to_owned());
    let law = RwSignal::new("private".to_owned());
    let funding = RwSignal::new("private".to_owned());
    let court_orders = RwSignal::new(String::new());
    let child_first = RwSignal::new(String::new());
    let child_last = RwSignal::new(String::new());
    let child_born = RwSignal::new(String::new());
    // Brothers and sisters beyond the first: first name, last name, date of birth.
    let more_children =
        RwSignal::new(Vec::<(RwSignal<String>, RwSignal<String>, RwSignal<String>)>::new());
    let resident_name = RwSignal::new(String::new());
    let resident_phone = RwSignal::new(String::new());
    let visiting_name = RwSignal::new(String::new());
    let visiting_phone = RwSignal::new(String::new());
    let resident_consent = RwSignal::new(String::new());
    let visiting_consent = RwSignal::new(String::new());
    let reasons = RwSignal::new(Vec::<RiskReason>::new());
    let is_self = move || source.get() == "self_referral";
    let suggestion = move || suggest(&reasons.get(), is_self());

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let parent = |name: RwSignal<String>, phone: RwSignal<String>| ParentDetails {
            full_name: name.get(),
            phone: phone.get(),
            email: String::new(),
            address: String::new(),
        };
        let optional = |s: RwSignal<String>| Some(s.get()).filter(|t| !t.trim().is_empty());
        let referral = NewReferral {
            reference: reference.get(),
            source: choice(source.get()).unwrap_or(ReferralSource::Solicitor),
            law: choice(law.get()).unwrap_or(Law::Private),
            funding: choice(funding.get()).unwrap_or(Funding::Private),
            court_orders: court_orders.get(),
            pending_proceedings: String::new(),
            reasons: reasons.get(),
            children: std::iter::once((child_first, child_last, child_born))
                .chain(more_children.get())
                .map(|(first, last, born)| ChildDetails {
                    first_name: first.get(),
                    last_name: last.get(),
                    date_of_birth: born.get(),
                })
                .collect(),
            resident: parent(resident_name, resident_phone),
            visiting: parent(visiting_name, visiting_phone),
            resident_consent_on: optional(resident_consent),
            visiting_consent_on: optional(visiting_consent),
        };
        send.run(referral);
    };
    let options = |pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .map(|(v, t)| (v.to_string(), t.to_string()))
            .collect::<Vec<_>>()
    };

    // A referrer cannot make a self-referral: that is the last choice.
    let sources = &SOURCES[..SOURCES.len() - usize::from(by_referrer)];
    view! {
        <section class="card" id="new-referral">
            <h2>{if by_referrer { "Refer a family" } else { "New referral" }}</h2>
            <form class="stack" on:submit=submit>
                {(!by_referrer).then(|| view! {
                    <TextField id="ref-reference" label="Case reference" value=reference placeholder="FAM-0002" />
                })}
                <SelectField id="ref-source" label={if by_referrer { "You are referring as" } else { "Referred by" }} value=source options=options(sources) />
                <SelectField id="ref-law" label="Law" value=law options=options(&[("private", "Private law"), ("public", "Public law")]) />
                <SelectField id="ref-funding" label="Funding" value=funding options=options(&[("private", "Parents pay"), ("cafcass", "Funded through Cafcass"), ("local_authority", "Funded by the local authority (invoiced)")]) />
                <TextField id="ref-orders" label="Court orders and proceedings" value=court_orders />
                <fieldset class="stack">
                    <legend>"Child"</legend>
                    <TextField id="ref-child-first" label="First name" value=child_first />
                    <TextField id="ref-child-last" label="Last name" value=child_last />
                    <TextField id="ref-child-born" label="Date of birth" value=child_born kind="date" />
                </fieldset>
                {move || more_children.get().into_iter().enumerate().map(|(n, (first, last, born))| view! {
                    <fieldset class="stack">
                        <legend>{format!("Child {}", n + 2)}</legend>
                        <label class="field"><span>"First name"</span>
                            <input type="text" prop:value=move || first.get() on:input=move |ev| first.set(event_target_value(&ev)) /></label>
                        <label class="field"><span>"Last name"</span>
                            <input type="text" prop:value=move || last.get() on:input=move |ev| last.set(event_target_value(&ev)) /></label>
                        <label class="field"><span>"Date of birth"</span>
                            <input type="date" prop:value=move || born.get() on:input=move |ev| born.set(event_target_value(&ev)) /></label>
                        <button type="button" class="button secondary" on:click=move |_| more_children.update(|list| { list.remove(n); })>
                            "Remove this child"
                        </button>
                    </fieldset>
                }).collect_view()}
                <button type="button" class="button secondary" on:click=move |_| more_children.update(|list| {
                    list.push((RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new())));
                })>"Add another child"</button>
                <fieldset class="stack">
                    <legend>"Resident parent (staff only)"</legend>
                    <TextField id="ref-resident-name" label="Full name" value=resident_name />
                    <TextField id="ref-resident-phone" label="Phone" value=resident_phone kind="tel" />
                </fieldset>
                <fieldset class="stack">
                    <legend>"Visiting parent (staff only)"</legend>
                    <TextField id="ref-visiting-name" label="Full name" value=visiting_name />
                    <TextField id="ref-visiting-phone" label="Phone" value=visiting_phone kind="tel" />
                </fieldset>
                <Show when=is_self>
                    <fieldset class="stack">
                        <legend>"Both parents' consent"</legend>
                        <TextField id="ref-resident-consent" label="Resident parent signed on" value=resident_consent kind="date" />
                        <TextField id="ref-visiting-consent" label="Visiting parent signed on" value=visiting_consent kind="date" />
                    </fieldset>
                </Show>
                <fieldset class="stack reasons">
                    <legend>"Reasons for referral (risk guide)"</legend>
                    {GUIDE.iter().map(|row| {
                        let reason = row.reason;
                        let id = format!("reason-{}", reason_name(reason));
                        let label_for = id.clone();
                        view! {
                            <label class="check" for=label_for>
                                <input
                                    id=id
                                    type="checkbox"
                                    prop:checked=move || reasons.get().contains(&reason)
                                    on:change=move |_| reasons.update(|list| {
                                        if let Some(at) = list.iter().position(|r| *r == reason) {
                                            list.remove(at);
                                        } else {
                                            list.push(reason);
                                        }
                                    })
                                />
                                <span>{row.label}</span>
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <div class="suggestion" role="status">
                    {move || {
                        let s = suggestion();
                        let headline = s.service.headline();
                        view! {
                            <strong>{headline}</strong>
                            <ul>{s.conditions.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}</ul>
                        }
                    }}
                </div>
                {move || match outcome.get() {
                    Some(Ok(message)) => Some(view! { <p class="ok-note" role="status">{message}</p> }.into_any()),
                    Some(Err(error)) => Some(view! { <ErrorNote error /> }.into_any()),
                    None => None,
                }}
                <button type="submit" class="button primary">{if by_referrer { "Send referral" } else { "Record referral" }}</button>
            </form>
        </section>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_source_the_form_offers_reads_as_a_source() {
        for (value, _) in SOURCES {
            assert!(
                choice::<ReferralSource>(value.to_owned()).is_some(),
                "{value}"
            );
        }
        assert_eq!(
            choice::<ReferralSource>(SOURCES[5].0.to_owned()),
            Some(ReferralSource::SelfReferral)
        );
    }
}
