//! The signing card of session mode: once the session has ended, the
//! worker completes the record and signs it with their PIN, with or without
//! signal. The signature is queued like an entry (`domain::pin` says what
//! it carries instead of the PIN) and signs the record when it syncs.

use leptos::prelude::*;

use super::session::{Local, Writer};
use crate::device::{self, Queued};
use crate::domain::london_time::format_london_time;
use crate::domain::pin;
use crate::domain::schedule::Service;
use crate::domain::session_log::{EntryKind, NON_ATTENDANCE_PROMPT, Record};
use crate::model::RecordStatus;

/// What the signing card needs from the page.
pub(super) struct SignContext {
    pub(super) record: Memo<Record>,
    pub(super) writer: Writer,
    pub(super) local: RwSignal<Option<Local>>,
    pub(super) me: i64,
    pub(super) supervised: bool,
    pub(super) pin_salt: Option<String>,
    /// The other workers' names.
    pub(super) others: Vec<String>,
}

/// Completing and signing the record on the phone, with the worker's PIN:
/// it works without signal. The signature is queued like an entry, after
/// the session's entries, and signs the record when it syncs. A signature
/// the server refused (a wrong PIN, say) is offered again with its text.
pub(super) fn sign_on_phone(context: SignContext) -> AnyView {
    let SignContext {
        record,
        writer,
        local,
        me,
        supervised,
        pin_salt,
        others,
    } = context;
    let service = if supervised {
        Service::Supervised
    } else {
        Service::Supported
    };
    let summary = RwSignal::new(String::new());
    let ended_early = RwSignal::new(String::new());
    let incident = RwSignal::new(String::new());
    let unsigned_note = RwSignal::new(String::new());
    let pin = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // Refused signatures of this session: their text fills the form once.
    // Read in place: cloning the whole queue on every save slowed taps.
    let refused_signatures = Memo::new(move |_| {
        local.with(|l| {
            l.as_ref()
                .map(|l| {
                    l.queued
                        .iter()
                        .filter(|item| {
                            item.rejected.is_some()
                                && matches!(item.payload.kind, EntryKind::Signature { .. })
                        })
                        .cloned()
                        .collect::<Vec<Queued>>()
                })
                .unwrap_or_default()
        })
    });
    Effect::new(move |filled: Option<bool>| {
        if filled == Some(true) {
            return true;
        }
        let Some(EntryKind::Signature {
            summary: s,
            ended_early: e,
            incident: i,
            unsigned_note: u,
            ..
        }) = refused_signatures
            .get()
            .last()
            .map(|item| item.payload.kind.clone())
        else {
            return false;
        };
        summary.set(s);
        ended_early.set(e);
        incident.set(i);
        unsigned_note.set(u);
        true
    });
    let signed_on_server = move || {
        local.with(|l| {
            l.as_ref().and_then(|l| l.log.as_ref()).is_some_and(|log| {
                log.signed_by.contains(&me)
                    || matches!(
                        log.record_status,
                        Some(RecordStatus::Signed | RecordStatus::Released)
                    )
            })
        })
    };
    let others_text = others.join(" and ");
    let has_pin = pin_salt.is_some();
    let sign = move || {
        problem.set(None);
        let Some(salt) = pin_salt.clone() else { return };
        if record.with_untracked(|r| r.needs_summary(service))
            && summary.get_untracked().trim().is_empty()
        {
            problem.set(Some("Write the record before signing.".into()));
            return;
        }
        let typed = pin.get_untracked();
        if !pin::looks_like_pin(&typed) {
            problem.set(Some(format!(
                "Type your {}-digit signing PIN.",
                pin::LENGTH
            )));
            return;
        }
        busy.set(true);
        let id = device::new_id();
        let check = pin::pin_check(&salt, &typed);
        pin.set(String::new());
        let words = [summary, ended_early, incident, unsigned_note]
            .map(|field| field.get_untracked().trim().to_owned());
        let [summary_text, ended_early_text, incident_text, note_text] = words;
        // The proof binds these words: changed later on the phone, they no
        // longer match it and the server refuses the signature.
        let digest = pin::text_digest(&summary_text, &ended_early_text, &incident_text, &note_text);
        let kind = EntryKind::Signature {
            proof: pin::signing_proof(&check, &id, writer.booking_id),
            text_proof: pin::text_proof(&check, &id, writer.booking_id, &digest),
            summary: summary_text,
            ended_early: ended_early_text,
            incident: incident_text,
            unsigned_note: note_text,
        };
        let replaces: Vec<String> = refused_signatures
            .get_untracked()
            .into_iter()
            .map(|item| item.id)
            .collect();
        let item = writer.item(id, kind, device::now_ms());
        writer.keep(item, replaces, move |outcome| {
            busy.set(false);
            if let Err(trouble) = outcome {
                problem.set(Some(format!(
                    "Not saved: {trouble} Your text is still here."
                )));
            }
        });
    };
    view! {
        {move || {
            // Ended, or did not take place: the record can be written.
            let (ended, signed_on_phone, absent) = record.with(|r| {
                (
                    r.ended_ms.or(r.did_not_take_place().map(|a| a.at_ms)),
                    r.signed_on_phone_ms,
                    r.did_not_take_place().is_some(),
                )
            });
            ended?;
            if signed_on_server() {
                return Some(view! {
                    <section class="card sign-here" data-testid="signed">
                        <h2>"Record signed"</h2>
                        <p>"The centre has your signature. A coordinator co-signs it next."</p>
                        <a class="button secondary" href=format!("/worker/records/{}", writer.booking_id)>"Open the record"</a>
                    </section>
                }.into_any());
            }
            if let Some(at) = signed_on_phone {
                return Some(view! {
                    <section class="card sign-here" data-testid="signed-on-phone">
                        <h2>"Signed on this phone"</h2>
                        <p role="status">{format!("You signed at {}. The signature reaches the centre when the phone syncs.", format_london_time(at))}</p>
                    </section>
                }.into_any());
            }
            let record_page = format!("/worker/records/{}", writer.booking_id);
            if !has_pin {
                return Some(view! {
                    <section class="card sign-here">
                        <h2>"Sign the record"</h2>
                        <p class="hint">"With signal, complete and sign it with your password. To sign without signal, set a signing PIN on your sessions page first."</p>
                        <a class="button big" href=record_page>"Complete and sign the record"</a>
                    </section>
                }.into_any());
            }
            let sign = sign.clone();
            let others_text = others_text.clone();
            Some(view! {
                <section class="card sign-here">
                    <h2>"Complete and sign the record"</h2>
                    <p class="hint">"This works without signal: the signature waits on the phone and reaches the centre when it syncs."</p>
                    {(supervised || absent).then(|| view! {
                        <label class="field"><span>{if absent { NON_ATTENDANCE_PROMPT } else { "How the session went" }}</span>
                            <textarea rows="4" prop:value=move || summary.get() on:input=move |ev| summary.set(event_target_value(&ev))></textarea>
                        </label>
                    })}
                    <label class="field"><span>"Did it end early? Why? (leave empty if not)"</span>
                        <textarea rows="2" prop:value=move || ended_early.get() on:input=move |ev| ended_early.set(event_target_value(&ev))></textarea>
                    </label>
                    <label class="field"><span>"Any incident (leave empty if none)"</span>
                        <textarea rows="2" prop:value=move || incident.get() on:input=move |ev| incident.set(event_target_value(&ev))></textarea>
                    </label>
                    {(!others_text.is_empty()).then(|| view! {
                        <label class="field"><span>{format!("If {others_text} will not sign, say why (leave empty if they will)")}</span>
                            <textarea rows="2" prop:value=move || unsigned_note.get() on:input=move |ev| unsigned_note.set(event_target_value(&ev))></textarea>
                        </label>
                    })}
                    <label class="field"><span>"Your signing PIN"</span>
                        <input type="password" inputmode="numeric" autocomplete="off" maxlength="6"
                            prop:value=move || pin.get() on:input=move |ev| pin.set(event_target_value(&ev)) />
                    </label>
                    <button type="button" class="button big" disabled=move || busy.get() on:click=move |_| sign()>"Sign with my PIN"</button>
                    {move || problem.get().map(|p| view! { <p class="error-note" role="alert">{p}</p> })}
                    <a class="button secondary" href=record_page>"Open the full record (needs signal)"</a>
                </section>
            }.into_any())
        }}
    }
    .into_any()
}
