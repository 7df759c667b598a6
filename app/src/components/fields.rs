use leptos::prelude::*;

/// A labelled one-line text field bound to a signal.
#[component]
pub fn TextField(
    /// The field's id, also used to link the label.
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] placeholder: &'static str,
) -> impl IntoView {
    view! {
        <label for=id>{label}</label>
        <input
            id=id
            type=kind
            placeholder=placeholder
            prop:value=move || value.get()
            on:input=move |ev| value.set(event_target_value(&ev))
        />
    }
}

/// A labelled drop-down bound to a signal; `options` are (value, text).
#[component]
pub fn SelectField(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    options: Vec<(String, String)>,
) -> impl IntoView {
    view! {
        <label for=id>{label}</label>
        <select id=id on:change=move |ev| value.set(event_target_value(&ev)) prop:value=move || value.get()>
            {options
                .into_iter()
                .map(|(v, text)| {
                    let selected = v == value.get_untracked();
                    view! { <option value=v selected=selected>{text}</option> }
                })
                .collect_view()}
        </select>
    }
}
