use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    crate::platform::set_page_status(404);
    view! {
        <section class="card">
            <h1>"Page not found"</h1>
            <p>"There is no page at this address."</p>
            <a class="button" href="/">
                "Go to your page"
            </a>
        </section>
    }
}
