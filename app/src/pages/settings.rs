//! `/coordinator/settings`: the centre's prices, how parents' arrivals are
//! staggered, opening hours and closed days, and rooms. Each card saves on
//! its own; the server checks every value and says what is wrong.

use chrono::Datelike;
use leptos::form::ActionForm;
use leptos::prelude::*;

use crate::api::centre::{
    AddClosedDay, AddRoom, RemoveClosedDay, SaveHours, SavePaymentTerms, SavePrices, SaveRetention,
    SaveStagger, centre_settings,
};
use crate::components::error_note::{ErrorNote, action_error};
use crate::components::role_gate::RoleGate;
use crate::domain::closures::bank_holidays;
use crate::domain::london_time::{format_day, format_iso_date, format_time, london_date};
use crate::domain::money::Pence;
use crate::domain::retention::{DataKind, MAX_REFERRER_DAYS, MAX_YEARS, processing_records};
use crate::domain::role::Role;
use crate::model::CentreSettings;

#[component]
pub fn SettingsPage() -> impl IntoView {
    view! { <RoleGate role=Role::Coordinator children=|_| view! { <SettingsView /> } /> }
}

/// Every form on the page; the settings are read again after any of them.
#[derive(Clone, Copy)]
struct Forms {
    prices: ServerAction<SavePrices>,
    payment: ServerAction<SavePaymentTerms>,
    stagger: ServerAction<SaveStagger>,
    hours: ServerAction<SaveHours>,
    add_day: ServerAction<AddClosedDay>,
    remove_day: ServerAction<RemoveClosedDay>,
    room: ServerAction<AddRoom>,
    retention: ServerAction<SaveRetention>,
}

impl Forms {
    fn version(&self) -> usize {
        self.prices.version().get()
            + self.payment.version().get()
            + self.stagger.version().get()
            + self.hours.version().get()
            + self.add_day.version().get()
            + self.remove_day.version().get()
            + self.room.version().get()
            + self.retention.version().get()
    }
}

#[component]
fn SettingsView() -> impl IntoView {
    let forms = Forms {
        prices: ServerAction::new(),
        payment: ServerAction::new(),
        stagger: ServerAction::new(),
        hours: ServerAction::new(),
        add_day: ServerAction::new(),
        remove_day: ServerAction::new(),
        room: ServerAction::new(),
        retention: ServerAction::new(),
    };
    let settings = Resource::new(move || forms.version(), |_| centre_settings());
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match settings.await {
                    Ok(settings) => view! { <SettingsCards settings forms /> }.into_any(),
                    Err(error) => view! { <ErrorNote error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn pounds(amount: Pence) -> String {
    format!("{}.{:02}", amount.0 / 100, amount.0 % 100)
}

/// "Saved." under a form whose last run succeeded.
fn saved_note<T>(action: ServerAction<T>) -> impl Fn() -> Option<AnyView>
where
    T: leptos::server_fn::ServerFn<Output = ()> + Clone + Send + Sync + 'static,
    T::Error: Clone + Send + Sync,
{
    move || {
        matches!(action.value().get(), Some(Ok(())))
            .then(|| view! { <p class="saved" role="status">"Saved."</p> }.into_any())
    }
}

#[component]
fn SettingsCards(settings: CentreSettings, forms: Forms) -> AnyView {
    let CentreSettings {
        prices,
        stagger,
        hours,
        closures,
        payment_terms,
        rooms,
        retention,
    } = settings;
    let retention_fields = DataKind::ALL.map(|kind| {
        let name = match kind {
            DataKind::Records => "records_years",
            DataKind::Referral => "referral_years",
            DataKind::Payments => "payments_years",
            DataKind::Accounts => "accounts_years",
        };
        (name, kind, retention.years(kind))
    });
    let processing = processing_records(&retention);
    let price_fields = [
        (
            "registration_per_parent",
            "Registration, per parent (£)",
            prices.registration_per_parent,
        ),
        (
            "pre_visit_per_parent",
            "Pre-visit, per parent (£)",
            prices.pre_visit_per_parent,
        ),
        (
            "deposit_per_parent",
            "Deposit, per parent (£, refundable)",
            prices.deposit_per_parent,
        ),
        (
            "supervised_session",
            "Supervised session (£)",
            prices.supervised_session,
        ),
        ("final_report", "Final report (£)", prices.final_report),
    ];
    let stagger_fields = [
        (
            "visiting_arrives_before_min",
            "Visiting parent arrives, minutes before the start",
            stagger.visiting_arrives_before_min,
        ),
        (
            "visiting_leaves_after_min",
            "Visiting parent leaves, minutes after the end",
            stagger.visiting_leaves_after_min,
        ),
        (
            "door_window_min",
            "Fewest minutes between the parents at the door",
            stagger.door_window_min,
        ),
    ];
    let today = london_date(crate::device::now_ms());
    let coming_holidays: Vec<String> = bank_holidays(today.year())
        .into_iter()
        .chain(bank_holidays(today.year() + 1))
        .filter(|(date, _)| *date >= today)
        .take(8)
        .map(|(date, name)| format!("{}: {name}", format_day(date)))
        .collect();
    view! {
        <section class="card">
            <h1>"Centre settings"</h1>
            <p class="hint">"New prices apply to charges raised from now on; new staggering and hours to bookings made from now on."</p>
        </section>
        <section class="card">
            <h2>"Prices"</h2>
            <ActionForm action=forms.prices>
                {price_fields.into_iter().map(|(name, label, amount)| view! {
                    <label class="field"><span>{label}</span>
                        <input name=name inputmode="decimal" value=pounds(amount) required />
                    </label>
                }).collect_view()}
                <button type="submit" class="button">"Save prices"</button>
            </ActionForm>
            {action_error(forms.prices.value())}
            {saved_note(forms.prices)}
        </section>
        <section class="card">
            <h2>"Payments"</h2>
            <p class="hint">"Each parent sees what they owe, by when, and these words on how to pay. A booking is confirmed once it is paid."</p>
            <ActionForm action=forms.payment>
                <label class="field"><span>"A session's fee is due, days before it"</span>
                    <input name="days_before" type="number" inputmode="numeric" min="0" max="28" value=payment_terms.days_before.to_string() required />
                </label>
                <label class="field"><span>"How to pay (bank details, card at the centre)"</span>
                    <textarea name="how_to_pay" maxlength="600" required>{payment_terms.how_to_pay}</textarea>
                </label>
                <button type="submit" class="button">"Save payment terms"</button>
            </ActionForm>
            {action_error(forms.payment.value())}
            {saved_note(forms.payment)}
        </section>
        <section class="card">
            <h2>"Staggered arrivals"</h2>
            <p class="hint">"The resident parent brings the child at the start and collects them at the end; the visiting parent comes before and leaves after, so the parents never meet."</p>
            <ActionForm action=forms.stagger>
                {stagger_fields.into_iter().map(|(name, label, minutes)| view! {
                    <label class="field"><span>{label}</span>
                        <input name=name type="number" inputmode="numeric" min="0" max="60" value=minutes.to_string() required />
                    </label>
                }).collect_view()}
                <button type="submit" class="button">"Save staggering"</button>
            </ActionForm>
            {action_error(forms.stagger.value())}
            {saved_note(forms.stagger)}
        </section>
        <section class="card">
            <h2>"Opening hours"</h2>
            <p class="hint">"Monday to Saturday, London time. Every arrival and departure falls within these hours."</p>
            <ActionForm action=forms.hours>
                <label class="field"><span>"Opens"</span><input name="opens" type="time" value=format_time(hours.opens) required /></label>
                <label class="field"><span>"Closes"</span><input name="closes" type="time" value=format_time(hours.closes) required /></label>
                <label class="check"><input name="bank_holidays" type="checkbox" checked=closures.bank_holidays />
                    <span>"Closed on bank holidays (England and Wales)"</span></label>
                <button type="submit" class="button">"Save hours"</button>
            </ActionForm>
            {action_error(forms.hours.value())}
            {saved_note(forms.hours)}
            {closures.bank_holidays.then(|| view! {
                <details><summary>"The next bank holidays"</summary>
                    <ul class="list">{coming_holidays.into_iter().map(|line| view! { <li class="list-item">{line}</li> }).collect_view()}</ul>
                </details>
            })}
        </section>
        <section class="card">
            <h2>"Other closed days"</h2>
            {closures.extra.is_empty().then(|| view! { <p class="empty">"None."</p> })}
            <ul class="list">
                {closures.extra.into_iter().map(|day| {
                    let iso = format_iso_date(day.date);
                    view! {
                        <li class="list-item">
                            <span>{format!("{}: {}", format_day(day.date), day.reason)}</span>
                            <ActionForm action=forms.remove_day>
                                <input type="hidden" name="date" value=iso />
                                <button type="submit" class="button secondary">"Open again"</button>
                            </ActionForm>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <ActionForm action=forms.add_day>
                <label class="field"><span>"Date"</span><input name="date" type="date" required /></label>
                <label class="field"><span>"Why (people see this when booking)"</span><input name="reason" maxlength="80" required /></label>
                <button type="submit" class="button">"Close the centre that day"</button>
            </ActionForm>
            {action_error(forms.add_day.value())}
            {action_error(forms.remove_day.value())}
        </section>
        <section class="card" id="retention">
            <h2>"Keeping records"</h2>
            <p class="hint">"How long each kind of data is kept after a case closes. A legal hold on a case stops its clock. When the time is up, the server erases it: signed records go whole, and the audit trail keeps only the fact and its hashes. Staff accounts are never erased."</p>
            <ActionForm action=forms.retention>
                {retention_fields.into_iter().map(|(name, kind, years)| view! {
                    <label class="field"><span>{format!("{}, years", kind.title())}</span>
                        <input name=name type="number" inputmode="numeric" min="1" max=MAX_YEARS.to_string() value=years.to_string() required />
                        <small class="hint">{kind.reason()}</small>
                    </label>
                }).collect_view()}
                <label class="field"><span>"A referrer keeps what was released to them, days after closure"</span>
                    <input name="referrer_access_days" type="number" inputmode="numeric" min="0" max=MAX_REFERRER_DAYS.to_string() value=retention.referrer_access_days.to_string() required />
                    <small class="hint">"Nothing released after closure reaches them."</small>
                </label>
                <button type="submit" class="button">"Save the schedule"</button>
            </ActionForm>
            {action_error(forms.retention.value())}
            {saved_note(forms.retention)}
            <details>
                <summary>"Records of processing"</summary>
                <ul class="list">
                    {processing.into_iter().map(|line| view! {
                        <li class="list-item processing">
                            <strong>{line.title}</strong>
                            <span>{format!("Holds: {}", line.holds)}</span>
                            <span>{format!("Why: {}", line.purpose)}</span>
                            <span>{format!("Seen by: {}", line.seen_by)}</span>
                            <span>{format!("Kept: {}", line.kept_for)}</span>
                        </li>
                    }).collect_view()}
                </ul>
            </details>
            <p><a class="case-link" href="/privacy">"The privacy notice people see"</a></p>
        </section>
        <section class="card">
            <h2>"Rooms"</h2>
            <ul class="list">{rooms.into_iter().map(|room| view! { <li class="list-item">{room}</li> }).collect_view()}</ul>
            <ActionForm action=forms.room>
                <label class="field"><span>"New room"</span><input name="name" maxlength="60" required /></label>
                <button type="submit" class="button">"Add room"</button>
            </ActionForm>
            {action_error(forms.room.value())}
        </section>
    }
    .into_any()
}
