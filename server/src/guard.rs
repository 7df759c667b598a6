//! One middleware in front of every server function (`/api/...`):
//! - a state-changing request from another site is refused (403), whatever
//!   cookies it carries;
//! - a body over `MAX_BODY` is refused with 413 and a sentence saying so
//!   (a phone's sync then sends smaller batches);
//! - an error a server function returns gets the HTTP status of its
//!   `AppError` variant (leptos sends every error as 500), and a 429 gets
//!   `Retry-After`.

use app::error::AppError;
use axum::body::Body;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::header::{CONTENT_TYPE, HOST, ORIGIN, RETRY_AFTER};
use http::{HeaderMap, HeaderValue, Method, StatusCode};

/// Server functions live under this prefix.
const API_PREFIX: &str = "/api/";
/// The header leptos puts on a server function's error response.
const SERVER_FN_ERROR_HEADER: &str = "serverfnerror";
/// Error bodies are small JSON; anything larger is not ours to rewrite.
const MAX_ERROR_BODY: usize = 64 * 1024;
/// The largest request body any server function takes: a sync batch of 250
/// long observations fits several times over.
pub const MAX_BODY: usize = 1024 * 1024;

pub async fn server_function_guard(request: Request, next: Next) -> Response {
    if !request.uri().path().starts_with(API_PREFIX) {
        return next.run(request).await;
    }
    let writes = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let scheme = crate::headers::request_scheme(request.uri(), request.headers());
    if writes && is_cross_site(scheme, request.headers()) {
        tracing::warn!(path = %request.uri().path(), "refused a cross-site request");
        return error_response(&AppError::Forbidden);
    }
    let request = match within_limit(request).await {
        Ok(request) => request,
        Err(refusal) => return refusal,
    };
    let response = next.run(request).await;
    if response.headers().contains_key(SERVER_FN_ERROR_HEADER) {
        return with_error_status(response).await;
    }
    response
}

/// True when the browser says the request came from another site. Browsers
/// send `Origin` on every cross-origin POST; `Sec-Fetch-Site` backs it up.
/// Requests with neither come from programs, not from a page in a browser
/// that could be riding someone's cookie. `scheme` is the request's own
/// ("https" or "http") when it is known (`X-Forwarded-Proto` or an absolute
/// URI): an `http://` page is another origin for an https site, and may not
/// write to it.
fn is_cross_site(scheme: Option<&str>, headers: &HeaderMap) -> bool {
    if let Some(origin) = headers.get(ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = headers
            .get("x-forwarded-host")
            .or_else(|| headers.get(HOST))
            .and_then(|v| v.to_str().ok());
        let origin_parts = ["https", "http"].into_iter().find_map(|origin_scheme| {
            origin
                .strip_prefix(origin_scheme)
                .and_then(|rest| rest.strip_prefix("://"))
                .map(|origin_host| (origin_scheme, origin_host))
        });
        return match (origin_parts, host) {
            (Some((origin_scheme, origin_host)), Some(host)) => {
                !origin_host.eq_ignore_ascii_case(host)
                    || scheme.is_some_and(|scheme| !scheme.eq_ignore_ascii_case(origin_scheme))
            }
            _ => true,
        };
    }
    headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|site| site == "cross-site")
}

/// The most of an oversized body read (and dropped) before answering 413:
/// a client still sending when the server answers and closes sees a broken
/// connection instead of the 413, and a phone would then retry the same
/// batch instead of sending smaller ones.
const MAX_DRAINED: usize = 16 * MAX_BODY;

/// The request with its body read, when the body is at most `MAX_BODY`;
/// else the 413 to answer, once the body has been read to its end (up to
/// `MAX_DRAINED`), so that the client hears it.
async fn within_limit(request: Request) -> Result<Request, Response> {
    use axum::body::HttpBody;
    let too_large = || {
        error_response(&AppError::TooLarge {
            message: format!(
                "This request is larger than the {} KB the centre accepts at once. Nothing in it was stored.",
                MAX_BODY / 1024
            ),
        })
    };
    let declared = request
        .headers()
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let (parts, mut body) = request.into_parts();
    let mut kept: Vec<u8> = Vec::new();
    let mut read = 0usize;
    let mut over = declared.is_some_and(|length| length > MAX_BODY as u64);
    while let Some(frame) =
        std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await
    {
        let Ok(frame) = frame else {
            return Err(too_large());
        };
        let Ok(data) = frame.into_data() else {
            continue;
        };
        read = read.saturating_add(data.len());
        if read > MAX_BODY {
            over = true;
            kept = Vec::new();
        }
        if over {
            if read > MAX_DRAINED {
                break;
            }
        } else {
            kept.extend_from_slice(&data);
        }
    }
    if over {
        Err(too_large())
    } else {
        Ok(Request::from_parts(parts, Body::from(kept)))
    }
}

async fn with_error_status(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ERROR_BODY).await else {
        parts.status = StatusCode::INTERNAL_SERVER_ERROR;
        return Response::from_parts(parts, Body::empty());
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = status_of(&error);
        if let AppError::RateLimited { retry_after_secs } | AppError::Busy { retry_after_secs } =
            error
        {
            parts
                .headers
                .insert(RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

fn status_of(error: &AppError) -> StatusCode {
    StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// An `AppError` response made here, in the same shape leptos gives them.
pub(crate) fn error_response(error: &AppError) -> Response {
    let body = serde_json::to_vec(error).unwrap_or_default();
    (
        status_of(error),
        [
            (CONTENT_TYPE, HeaderValue::from_static("application/json")),
            (
                http::HeaderName::from_static(SERVER_FN_ERROR_HEADER),
                HeaderValue::from_static("guard"),
            ),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn same_origin_requests_pass() {
        let h = headers(&[
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000"),
        ]);
        assert!(!is_cross_site(None, &h));
    }

    #[test]
    fn another_origin_is_cross_site() {
        let h = headers(&[
            ("origin", "https://evil.example"),
            ("host", "127.0.0.1:3000"),
        ]);
        assert!(is_cross_site(None, &h));
        let h = headers(&[("origin", "null"), ("host", "127.0.0.1:3000")]);
        assert!(is_cross_site(None, &h));
    }

    #[test]
    fn fetch_metadata_alone_can_refuse() {
        assert!(is_cross_site(
            None,
            &headers(&[("sec-fetch-site", "cross-site")])
        ));
        assert!(!is_cross_site(
            None,
            &headers(&[("sec-fetch-site", "same-origin")])
        ));
        assert!(!is_cross_site(None, &headers(&[])));
    }

    #[test]
    fn another_scheme_is_cross_site_when_the_request_says_its_own() {
        let h = headers(&[
            ("origin", "http://centre.example"),
            ("host", "centre.example"),
        ]);
        assert!(is_cross_site(Some("https"), &h));
        assert!(!is_cross_site(Some("http"), &h));
        // Not known (no proxy header, a path for the URI): the host decides.
        assert!(!is_cross_site(None, &h));
        let h = headers(&[
            ("origin", "https://centre.example"),
            ("host", "centre.example"),
        ]);
        assert!(!is_cross_site(Some("https"), &h));
        assert!(is_cross_site(Some("http"), &h));
    }
}
