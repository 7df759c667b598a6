//! Security headers on every response, in one middleware around the whole
//! router (pages, server functions, static files, `/sw.js`, errors):
//!
//! - `Content-Security-Policy` with a fresh nonce per response. The nonce is
//!   chosen here, put in the request's extensions, and handed to leptos by
//!   `provide_request_nonce` (the router's "additional context"), so the
//!   hydration script and every streamed `<script>` leptos writes carry the
//!   same nonce the header allows. Nothing inline runs without it.
//! - framing, sniffing, referrer (`same-origin`, see `REFERRER`), opener
//!   and permissions headers;
//! - `Strict-Transport-Security` when the session cookie is `Secure` for the
//!   same request (the `SecureCookies` policy);
//! - `Cache-Control: no-store` on pages and server-function answers (they
//!   carry personal data); a year, immutable, on the built assets whose
//!   names carry their content's hash (a new build has new names);
//!   `no-cache` (ask each time, 304 when unchanged) on `/sw.js` and every
//!   other static file.

use app::server::SecureCookies;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY,
    STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use http::{HeaderMap, HeaderName, HeaderValue, Uri};
use leptos::nonce::Nonce;
use leptos::prelude::{provide_context, use_context};

/// The nonce chosen for one request, kept in its extensions until leptos
/// renders the page.
#[derive(Clone, Debug)]
pub struct CspNonce(pub Nonce);

/// Where a feature is allowed (nowhere): nothing in the app uses any of
/// these. Only features Chromium knows: it logs a complaint to the console
/// for an unknown one, and the end-to-end specs fail on console errors.
const PERMISSIONS_POLICY: &str = "accelerometer=(), camera=(), display-capture=(), geolocation=(), \
     gyroscope=(), hid=(), magnetometer=(), microphone=(), midi=(), payment=(), serial=(), usb=()";

/// No address ever goes to another site. Not `no-referrer`: under that
/// policy Chromium sends `Origin: null` on the page's own POSTs (forms, and
/// `fetch` to the same origin, which is how every server function is
/// called), and the guard refuses `null` as cross-site; leptos also sends a
/// form posted before hydration back to its `Referer`.
const REFERRER: &str = "same-origin";

/// A year, without `includeSubDomains`: the centre's domain may host other
/// things this app knows nothing about.
const HSTS: &str = "max-age=31536000";

/// The Content-Security-Policy for a response whose inline scripts carry
/// `nonce`. Scripts: the app's own files, inline ones only with the nonce
/// (leptos's hydration and streaming scripts), and compiling WebAssembly.
/// Styles: the stylesheet only; the app writes no `<style>` and no `style=`.
pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; \
         script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; \
         img-src 'self' data:; \
         connect-src 'self'; \
         worker-src 'self'; \
         manifest-src 'self'; \
         object-src 'none'; \
         base-uri 'none'; \
         frame-ancestors 'none'; \
         form-action 'self'"
    )
}

/// True when the request arrived over https, directly or as a proxy says in
/// `X-Forwarded-Proto`. The same test `app::server::auth` makes for the
/// cookie's `Secure` attribute (which is private to it and reads the request
/// from leptos's context, so it is repeated here as a pure function).
pub fn arrived_over_https(uri: &Uri, headers: &HeaderMap) -> bool {
    uri.scheme_str() == Some("https")
        || forwarded_proto(headers).is_some_and(|proto| proto.eq_ignore_ascii_case("https"))
}

/// The scheme the browser used, when the request says: "https" exactly when
/// `arrived_over_https`; "http" when the URI or `X-Forwarded-Proto` says so;
/// `None` when neither tells (a plain request to this server, with a path
/// for its URI and no proxy in front).
pub fn request_scheme(uri: &Uri, headers: &HeaderMap) -> Option<&'static str> {
    if arrived_over_https(uri, headers) {
        return Some("https");
    }
    let said_http = forwarded_proto(headers).is_some_and(|p| p.eq_ignore_ascii_case("http"))
        || uri.scheme_str() == Some("http");
    said_http.then_some("http")
}

fn forwarded_proto(headers: &HeaderMap) -> Option<&str> {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
}

/// Whether this response gets `Strict-Transport-Security`: exactly when the
/// session cookie would be `Secure` for the same request.
pub fn wants_hsts(policy: SecureCookies, over_https: bool) -> bool {
    match policy {
        SecureCookies::Always => true,
        SecureCookies::Never => false,
        SecureCookies::Auto => over_https,
    }
}

/// What `Cache-Control` to set: pages and server-function answers are
/// never stored; a built asset named by its content's hash never changes;
/// anything else is checked on every use.
fn cache_control(path: &str, headers: &HeaderMap) -> &'static str {
    let html = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.trim_start().to_ascii_lowercase().starts_with("text/html"));
    if path.starts_with("/api/") || html {
        "no-store"
    } else if is_hashed_asset(path) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    }
}

/// Whether `path` is a built asset whose name carries its content's hash,
/// as cargo-leptos names them: `/pkg/<name>.<hash>.<extension>`, the hash
/// 22 characters of unpadded base64url.
fn is_hashed_asset(path: &str) -> bool {
    let Some(name) = path.strip_prefix("/pkg/") else {
        return false;
    };
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() >= 3
        && !name.contains('/')
        && parts.iter().skip(1).any(|part| {
            part.len() == 22
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
}

/// The middleware: chooses the response's nonce, then sets the headers.
pub async fn security_headers(
    State(policy): State<SecureCookies>,
    mut request: Request,
    next: Next,
) -> Response {
    let nonce = Nonce::new();
    let path = request.uri().path().to_owned();
    let hsts = wants_hsts(policy, arrived_over_https(request.uri(), request.headers()));
    request.extensions_mut().insert(CspNonce(nonce.clone()));

    let mut response = next.run(request).await;
    let cache = cache_control(&path, response.headers());
    let headers = response.headers_mut();
    if let Ok(csp) = HeaderValue::from_str(&content_security_policy(&nonce)) {
        headers.insert(CONTENT_SECURITY_POLICY, csp);
    }
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static(REFERRER));
    headers.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static(PERMISSIONS_POLICY),
    );
    if hsts {
        headers.insert(STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    } else {
        headers.remove(STRICT_TRANSPORT_SECURITY);
    }
    headers.insert(CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}

/// For leptos_axum's "additional context", which runs after it has provided
/// the request (and a nonce of its own): replaces leptos's nonce with the
/// one the middleware put in the header, so `use_nonce` (the hydration
/// script, streamed chunks, `leptos_meta`'s `<Script>`/`<Style>`) agrees
/// with the header. Outside a page render there is no request: nothing to do.
pub fn provide_request_nonce() {
    let chosen = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<CspNonce>().cloned());
    if let Some(CspNonce(nonce)) = chosen {
        provide_context(nonce);
    }
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
    fn hsts_follows_the_cookie_policy() {
        assert!(wants_hsts(SecureCookies::Always, false));
        assert!(wants_hsts(SecureCookies::Always, true));
        assert!(!wants_hsts(SecureCookies::Never, true));
        assert!(!wants_hsts(SecureCookies::Never, false));
        assert!(wants_hsts(SecureCookies::Auto, true));
        assert!(!wants_hsts(SecureCookies::Auto, false));
    }

    #[test]
    fn https_is_read_from_the_uri_or_the_proxy() {
        let path: Uri = "/sign-in".parse().unwrap();
        let absolute: Uri = "https://centre.example/sign-in".parse().unwrap();
        assert!(!arrived_over_https(&path, &headers(&[])));
        assert!(arrived_over_https(&absolute, &headers(&[])));
        assert!(arrived_over_https(
            &path,
            &headers(&[("x-forwarded-proto", "HTTPS")])
        ));
        assert!(!arrived_over_https(
            &path,
            &headers(&[("x-forwarded-proto", "http")])
        ));
    }

    #[test]
    fn the_scheme_is_known_only_when_the_request_says() {
        let path: Uri = "/api/sign_in".parse().unwrap();
        let plain: Uri = "http://centre.example/api/sign_in".parse().unwrap();
        assert_eq!(request_scheme(&path, &headers(&[])), None);
        assert_eq!(request_scheme(&plain, &headers(&[])), Some("http"));
        assert_eq!(
            request_scheme(&path, &headers(&[("x-forwarded-proto", "https")])),
            Some("https")
        );
        assert_eq!(
            request_scheme(&path, &headers(&[("x-forwarded-proto", "http")])),
            Some("http")
        );
    }

    #[test]
    fn caching_by_kind_of_answer() {
        let html = headers(&[("content-type", "text/html; charset=utf-8")]);
        let json = headers(&[("content-type", "application/json")]);
        let wasm = headers(&[("content-type", "application/wasm")]);
        assert_eq!(cache_control("/sign-in", &html), "no-store");
        assert_eq!(cache_control("/no-such-page", &html), "no-store");
        assert_eq!(cache_control("/api/current_user", &json), "no-store");
        assert_eq!(cache_control("/api/sign_in", &HeaderMap::new()), "no-store");
        assert_eq!(cache_control("/sw.js", &HeaderMap::new()), "no-cache");
        assert_eq!(cache_control("/pkg/contact-centre.wasm", &wasm), "no-cache");
        assert_eq!(
            cache_control("/pkg/contact-centre.kX3b9_Qp-7RtYw2ZcV8n1A.wasm", &wasm),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(
            cache_control(
                "/pkg/contact-centre.kX3b9_Qp-7RtYw2ZcV8n1A.css",
                &HeaderMap::new()
            ),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(
            cache_control("/manifest.webmanifest", &HeaderMap::new()),
            "no-cache"
        );
        assert_eq!(cache_control("/pkg/a.b.c", &wasm), "no-cache", "not a hash");
    }

    #[test]
    fn the_policy_allows_its_nonce_and_nothing_inline_else() {
        let csp = content_security_policy("abc_-123");
        assert!(csp.contains("script-src 'self' 'nonce-abc_-123' 'wasm-unsafe-eval';"));
        assert!(!csp.contains("unsafe-inline"));
        assert!(HeaderValue::from_str(&csp).is_ok());
    }
}
