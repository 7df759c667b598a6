//! On a slow phone the server-rendered page shows its forms seconds before
//! the bundle has taken it over, and people type into them. Hydration then
//! sets every field bound to a signal (`prop:value`) to the signal's value,
//! which would wipe what was typed: at once for most fields, later for
//! those inside a `Suspense` (hydrated when its data resolves). So the
//! typed text is read just before hydration and, for a few seconds after,
//! given back whenever a field is found reset to what the server rendered,
//! through an `input` event as if typed again, so the page's own handlers
//! take it into their signals. A field the person types into again is left
//! to them.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::document;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{Element, Event, EventInit, HtmlInputElement, HtmlTextAreaElement};

/// How long after hydration typed text is watched over.
const WATCH_MS: u32 = 5_000;
const LOOK_EVERY_MS: u32 = 50;

/// A field and the text a person typed into it.
pub struct Typed(Element, String);

/// Fields whose text differs from what the server rendered into them.
pub fn before_hydration() -> Vec<Typed> {
    let Ok(fields) = document().query_selector_all("input, textarea") else {
        return Vec::new();
    };
    (0..fields.length())
        .filter_map(|n| fields.item(n)?.dyn_into::<Element>().ok())
        .filter_map(|field| {
            let (now, rendered) = text_of(&field)?;
            (now != rendered).then_some(Typed(field, now))
        })
        .collect()
}

/// Lets the parts of the page hydrated just after the rest (a `Suspense`
/// whose data came with the page) settle, then gives the typed text back
/// where hydration reset it. The page is marked hydrated only after this,
/// so its buttons (see `style/main.css`) never send a form wiped a moment
/// before.
pub async fn settle(typed: &[Typed]) {
    for _ in 0..2 {
        gloo_timers::future::TimeoutFuture::new(0).await;
    }
    restore(typed, &[]);
}

/// Gives typed text back to the fields hydration reset, except those in
/// `touched` (typed into again since).
fn restore(typed: &[Typed], touched: &[Element]) {
    for Typed(field, text) in typed {
        if !touched.contains(field)
            && field.is_connected()
            && text_of(field).is_some_and(|(now, rendered)| now != *text && now == rendered)
        {
            put_back(field, text);
        }
    }
}

/// Watches over the typed text for a while after hydration, giving it back
/// where a part of the page hydrated later (its data fetched) reset it.
pub async fn watch(typed: Vec<Typed>) {
    if typed.is_empty() {
        return;
    }
    // A person's own typing (a trusted event) takes a field over.
    let touched = Rc::new(RefCell::new(Vec::<Element>::new()));
    let listener = Closure::<dyn FnMut(Event)>::new({
        let touched = touched.clone();
        move |event: Event| {
            if event.is_trusted()
                && let Some(field) = event.target().and_then(|t| t.dyn_into::<Element>().ok())
            {
                touched.borrow_mut().push(field);
            }
        }
    });
    let document = document();
    let _ = document.add_event_listener_with_callback_and_bool(
        "input",
        listener.as_ref().unchecked_ref(),
        true,
    );
    let mut waited = 0;
    while waited <= WATCH_MS {
        restore(&typed, &touched.borrow());
        gloo_timers::future::TimeoutFuture::new(LOOK_EVERY_MS).await;
        waited += LOOK_EVERY_MS;
    }
    let _ = document.remove_event_listener_with_callback_and_bool(
        "input",
        listener.as_ref().unchecked_ref(),
        true,
    );
}

fn put_back(field: &Element, text: &str) {
    if let Some(input) = field.dyn_ref::<HtmlInputElement>() {
        input.set_value(text);
    } else if let Some(area) = field.dyn_ref::<HtmlTextAreaElement>() {
        area.set_value(text);
    }
    let init = EventInit::new();
    init.set_bubbles(true);
    if let Ok(event) = Event::new_with_event_init_dict("input", &init) {
        let _ = field.dispatch_event(&event);
    }
}

/// A text field's current text and the text the server rendered into it.
fn text_of(field: &Element) -> Option<(String, String)> {
    if let Some(input) = field.dyn_ref::<HtmlInputElement>() {
        let kind = input.type_();
        let text_like = !matches!(
            kind.as_str(),
            "checkbox" | "radio" | "hidden" | "submit" | "button" | "reset" | "file" | "image"
        );
        return text_like.then(|| (input.value(), input.default_value()));
    }
    let area = field.dyn_ref::<HtmlTextAreaElement>()?;
    Some((area.value(), area.default_value().ok()?))
}
