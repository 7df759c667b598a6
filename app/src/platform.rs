//! The few things pages need that differ between the server and the browser,
//! behind one facade so components never write `#[cfg]` themselves.

/// True in the server build, false in the browser bundle.
pub const ON_SERVER: bool = cfg!(feature = "ssr");

/// Sets the HTTP status of the page being rendered on the server. In the
/// browser (after hydration) there is no response to change, so it does nothing.
pub fn set_page_status(code: u16) {
    #[cfg(feature = "ssr")]
    {
        use leptos::prelude::use_context;
        if let (Some(response), Ok(status)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            http::StatusCode::from_u16(code),
        ) {
            response.set_status(status);
        }
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}
