use leptos::prelude::*;

use crate::error::AppError;

/// An error shown to a person: the sentence from `AppError`, announced to
/// screen readers.
#[component]
pub fn ErrorNote(error: AppError) -> impl IntoView {
    view! {
        <p class="error-note" role="alert">
            {error.to_string()}
        </p>
    }
}

/// The error from the last run of a server action, if it failed.
pub fn action_error<T, S>(value: S) -> impl Fn() -> Option<AnyView>
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    move || {
        value
            .get()
            .and_then(|result| result.err())
            .map(|error| view! { <ErrorNote error /> }.into_any())
    }
}
