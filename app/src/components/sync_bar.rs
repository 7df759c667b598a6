use leptos::prelude::*;

use crate::domain::london_time::format_london_time;
use crate::sync::use_sync;

/// Always on a worker's pages: online or not, how many entries are only on
/// this phone, when the last sync succeeded, and any error; "Sync now".
#[component]
pub fn SyncBar() -> impl IntoView {
    let sync = use_sync();
    view! {
        <section class="sync-bar" aria-live="polite" data-testid="sync-bar">
            <div class="sync-status">
                <span class=move || if sync.online.get() { "dot online" } else { "dot offline" }>
                    {move || if sync.online.get() { "Online" } else { "Offline" }}
                </span>
                <span class="sync-count" data-testid="unsynced">
                    {move || sync.unsynced.get().to_string()}
                </span>
                <span>" not yet synced"</span>
                <span class="sync-when" data-testid="last-sync">
                    {move || match sync.last_sync_ms.get() {
                        Some(at) => format!("Last synced {}", format_london_time(at)),
                        None => "Not synced yet on this phone".to_owned(),
                    }}
                </span>
            </div>
            <button
                    type="button"
                    class="button secondary small sync-now"
                    disabled=move || sync.syncing.get()
                    on:click=move |_| sync.sync_now()
                >
                    {move || if sync.syncing.get() { "Syncing…" } else { "Sync now" }}
                </button>
            {move || {
                (sync.refused.get() > 0)
                    .then(|| {
                        view! {
                            <p class="error-note" role="alert">
                                {format!(
                                    "The server refused {} {}. They are kept on this phone: open the session to see why.",
                                    sync.refused.get(),
                                    if sync.refused.get() == 1 { "entry" } else { "entries" },
                                )}
                            </p>
                        }
                    })
            }}
            {move || {
                sync.waiting.get().into_iter().map(|(name, n)| view! {
                    <p class="hint waiting-entries" data-testid="waiting-entries">
                        {format!(
                            "{n} {} by {name} {} on this phone. {} sent only when {name} signs in here again.",
                            if n == 1 { "entry" } else { "entries" },
                            if n == 1 { "waits" } else { "wait" },
                            if n == 1 { "It is" } else { "They are" },
                        )}
                    </p>
                }).collect_view()
            }}
            {move || sync.error.get().map(|error| view! { <p class="sync-error">{error}</p> })}
        </section>
    }
}
