//! Security headers on every answer, through the real router: the
//! Content-Security-Policy and its per-response nonce (which every inline
//! script leptos writes must carry), the other security headers, HSTS only
//! when the session cookie is `Secure`, no caching of pages and server
//! function answers, and the origin check's scheme.

mod common;

use axum::body::Body;
use common::{Backend, Reply, TestApp, api_request};
use http::{Request, StatusCode};

/// The policy every answer carries, directive by directive, with `{nonce}`
/// standing for the answer's own nonce.
const EXPECTED_CSP: [&str; 11] = [
    "default-src 'self'",
    "script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
];

/// The server's error log lines while this test binary runs: a page whose
/// parts cannot reach the app's state logs one ("AppState missing") even
/// when the page itself looks whole.
static ERRORS: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

struct ErrorRecorder;

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for ErrorRecorder {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        struct Text<'a>(&'a mut String);
        impl tracing::field::Visit for Text<'_> {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                self.0.push_str(&format!("{}={value:?} ", field.name()));
            }
        }
        if *event.metadata().level() == tracing::Level::ERROR {
            let mut text = String::new();
            event.record(&mut Text(&mut text));
            ERRORS.lock().unwrap().push(text);
        }
    }
}

fn record_errors() {
    use tracing_subscriber::layer::SubscriberExt;
    let _ =
        tracing::subscriber::set_global_default(tracing_subscriber::registry().with(ErrorRecorder));
}

fn header<'a>(reply: &'a Reply, name: &str) -> Option<&'a str> {
    reply.headers.get(name).map(|v| v.to_str().unwrap())
}

/// The nonce in the answer's Content-Security-Policy.
fn nonce_of(reply: &Reply) -> String {
    let csp = header(reply, "content-security-policy").expect("a Content-Security-Policy");
    let start = csp.find("'nonce-").expect("a nonce in the policy") + "'nonce-".len();
    let end = start + csp[start..].find('\'').expect("the nonce's closing quote");
    csp[start..end].to_owned()
}

/// Every security header, with its value; returns the answer's nonce.
fn assert_security_headers(reply: &Reply, what: &str) -> String {
    let nonce = nonce_of(reply);
    assert!(
        nonce.len() >= 22
            && nonce
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "{what}: a nonce of at least 128 bits, base64url: {nonce}"
    );
    let csp = header(reply, "content-security-policy").unwrap();
    let directives: Vec<String> = csp.split(';').map(|d| d.trim().to_owned()).collect();
    let expected: Vec<String> = EXPECTED_CSP
        .iter()
        .map(|d| d.replace("{nonce}", &nonce))
        .collect();
    assert_eq!(directives, expected, "{what}: the policy");
    for token in csp.split([' ', ';']) {
        assert!(
            token != "'unsafe-inline'" && token != "'unsafe-eval'" && token != "*",
            "{what}: {token} in {csp}"
        );
    }
    for (name, value) in [
        ("x-frame-options", "DENY"),
        ("x-content-type-options", "nosniff"),
        // Not `no-referrer`, which makes Chromium send `Origin: null` on the
        // page's own POSTs, which the guard refuses (see `server::headers`).
        ("referrer-policy", "same-origin"),
        ("cross-origin-opener-policy", "same-origin"),
    ] {
        assert_eq!(header(reply, name), Some(value), "{what}: {name}");
    }
    let permissions = header(reply, "permissions-policy").expect("a Permissions-Policy");
    for feature in ["camera", "microphone", "geolocation", "payment", "usb"] {
        assert!(
            permissions
                .split(',')
                .any(|p| p.trim() == format!("{feature}=()")),
            "{what}: {feature} is not denied in {permissions}"
        );
    }
    nonce
}

/// One start tag of the HTML, and for `<script>` and `<style>` what it holds.
#[derive(Debug)]
struct Tag {
    name: String,
    attributes: Vec<(String, Option<String>)>,
}

impl Tag {
    fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_deref().unwrap_or(""))
    }
}

/// The start tags in `html`, in order: a small reader that knows quoted
/// attribute values, comments, and that a script's text is not markup.
fn start_tags(html: &str) -> Vec<Tag> {
    let bytes = html.as_bytes();
    let mut tags = Vec::new();
    let mut i = 0;
    while let Some(offset) = html[i..].find('<') {
        i += offset;
        let rest = &html[i..];
        if rest.starts_with("<!--") {
            i += rest.find("-->").map_or(rest.len(), |end| end + 3);
            continue;
        }
        let Some(&next) = bytes.get(i + 1) else { break };
        if !next.is_ascii_alphabetic() {
            // `</...>`, `<!DOCTYPE ...>`, leptos's `<!>` markers.
            i += rest.find('>').map_or(rest.len(), |end| end + 1);
            continue;
        }
        i += 1;
        let name_end = i + html[i..]
            .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
            .unwrap_or(html.len() - i);
        let name = html[i..name_end].to_ascii_lowercase();
        i = name_end;
        let mut attributes = Vec::new();
        loop {
            while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
                i += 1;
            }
            if i >= bytes.len() || bytes[i] == b'>' {
                i += 1;
                break;
            }
            let attr_end = i + html[i..]
                .find(|c: char| c.is_ascii_whitespace() || c == '=' || c == '>' || c == '/')
                .unwrap_or(html.len() - i);
            let attr = html[i..attr_end].to_ascii_lowercase();
            i = attr_end;
            let mut value = None;
            if bytes.get(i) == Some(&b'=') {
                i += 1;
                match bytes.get(i) {
                    Some(&quote) if quote == b'"' || quote == b'\'' => {
                        let end = i + 1 + html[i + 1..].find(quote as char).expect("closing quote");
                        value = Some(html[i + 1..end].to_owned());
                        i = end + 1;
                    }
                    _ => {
                        let end = i + html[i..]
                            .find(|c: char| c.is_ascii_whitespace() || c == '>')
                            .unwrap_or(html.len() - i);
                        value = Some(html[i..end].to_owned());
                        i = end;
                    }
                }
            }
            attributes.push((attr, value));
        }
        if name == "script" || name == "style" {
            let close = format!("</{name}");
            let lower = html[i.min(html.len())..].to_ascii_lowercase();
            i += lower.find(&close).unwrap_or(lower.len());
        }
        tags.push(Tag { name, attributes });
    }
    tags
}

/// Every inline script carries the answer's nonce; scripts from files come
/// from this site; nothing inline the policy would block (styles, event
/// handler attributes). Returns how many inline scripts there were.
fn assert_inline_code_allowed(reply: &Reply, nonce: &str, what: &str) -> usize {
    let tags = start_tags(&reply.body);
    assert!(
        tags.iter().any(|t| t.name == "body"),
        "{what}: not a page: {}",
        reply.body
    );
    let mut inline = 0;
    for tag in &tags {
        if tag.name == "script" {
            match tag.attribute("src") {
                Some(src) => assert!(
                    src.starts_with('/') && !src.starts_with("//"),
                    "{what}: a script from elsewhere: {tag:?}"
                ),
                None => {
                    inline += 1;
                    assert_eq!(
                        tag.attribute("nonce"),
                        Some(nonce),
                        "{what}: an inline script without the answer's nonce: {tag:?}"
                    );
                }
            }
        }
        assert_ne!(tag.name, "style", "{what}: an inline <style>: {tag:?}");
        for (attribute, _) in &tag.attributes {
            assert!(
                attribute != "style" && !attribute.starts_with("on"),
                "{what}: an inline {attribute} attribute: {tag:?}"
            );
        }
        if tag.name == "link" && tag.attribute("rel") == Some("stylesheet") {
            let href = tag.attribute("href").unwrap_or("");
            assert!(
                href.starts_with('/') && !href.starts_with("//"),
                "{what}: {tag:?}"
            );
        }
    }
    assert!(
        inline >= 1,
        "{what}: the hydration script is missing: {}",
        reply.body
    );
    inline
}

/// A page, checked whole: headers, no caching, inline code; its nonce.
fn assert_page(reply: &Reply, what: &str) -> String {
    let nonce = assert_security_headers(reply, what);
    assert_eq!(
        header(reply, "cache-control"),
        Some("no-store"),
        "{what}: cache-control"
    );
    assert_inline_code_allowed(reply, &nonce, what);
    nonce
}

fn over_https(mut request: Request<Body>) -> Request<Body> {
    request
        .headers_mut()
        .insert("x-forwarded-proto", "https".parse().unwrap());
    request
}

fn page_request(path: &str, cookie: Option<&str>) -> Request<Body> {
    let mut builder = Request::get(path)
        .header("accept", "text/html")
        .header("host", "127.0.0.1:3000");
    if let Some(cookie) = cookie {
        builder = builder.header("cookie", cookie);
    }
    builder.body(Body::empty()).unwrap()
}

both_databases! {
    async fn pages_carry_the_headers_and_a_fresh_nonce_on_every_inline_script(app: TestApp) {
        let first = app.get_page("/sign-in", None).await;
        assert_eq!(first.status, StatusCode::OK, "{}", first.body);
        let first_nonce = assert_page(&first, "/sign-in");
        let second = app.get_page("/sign-in", None).await;
        let second_nonce = assert_page(&second, "/sign-in again");
        assert_ne!(first_nonce, second_nonce, "the nonce is the same twice");
        assert!(
            !second.body.contains(&first_nonce),
            "the first answer's nonce appears in the second"
        );

        let coordinator = app.sign_in_demo("coordinator").await;
        let home = app.get_page("/coordinator", Some(&coordinator)).await;
        assert_eq!(home.status, StatusCode::OK, "{}", home.body);
        assert!(home.body.contains("Morgan Ellis"), "{}", home.body);
        let home_nonce = assert_page(&home, "/coordinator");
        assert_ne!(home_nonce, first_nonce);
        assert_ne!(home_nonce, second_nonce);
    }

    async fn every_role_s_pages_and_the_not_found_page_allow_their_inline_scripts(app: TestApp) {
        record_errors();
        let coordinator = app.sign_in_demo("coordinator").await;
        let worker = app.sign_in_demo("worker1").await;
        let parent = app.sign_in_demo("resident").await;
        let referrer = app.sign_in_demo("referrer").await;
        let pages: [(&str, Option<&str>); 13] = [
            ("/sign-in", None),
            ("/no-such-page", None),
            ("/no-such-page", Some(&worker)),
            ("/coordinator", Some(&coordinator)),
            ("/coordinator/cases", Some(&coordinator)),
            ("/coordinator/settings", Some(&coordinator)),
            ("/coordinator/calendar", Some(&coordinator)),
            ("/coordinator/records", Some(&coordinator)),
            ("/worker", Some(&worker)),
            ("/coordinator", Some(&worker)),
            ("/parent", Some(&parent)),
            ("/referrer", Some(&referrer)),
            ("/referrer/refer", Some(&referrer)),
        ];
        for (path, cookie) in pages {
            let reply = app.get_page(path, cookie).await;
            let what = format!("{path} ({})", if cookie.is_some() { "signed in" } else { "signed out" });
            assert!(
                reply.status == StatusCode::OK || reply.status == StatusCode::NOT_FOUND,
                "{what}: {} {}",
                reply.status,
                reply.body
            );
            assert_page(&reply, &what);
            // No part of the page fell back to the apology for an
            // internal error.
            assert!(!reply.body.contains("something went wrong on our side"), "{what}: {}", reply.body);
        }
        let lost: Vec<String> = ERRORS.lock().unwrap().iter().filter(|e| e.contains("AppState missing")).cloned().collect();
        assert!(lost.is_empty(), "parts of pages could not reach the app's state: {lost:?}");
        // A page that sends the signed-out person elsewhere is not stored either.
        let away = app.get_page("/coordinator", None).await;
        assert!(away.status.is_redirection(), "{}", away.status);
        assert_security_headers(&away, "a redirect");
        assert_eq!(header(&away, "cache-control"), Some("no-store"));
    }

    async fn server_function_answers_carry_the_headers_and_are_not_stored(app: TestApp) {
        let coordinator = app.sign_in_demo("coordinator").await;
        let me = app.call("current_user", &[], Some(&coordinator)).await;
        assert_eq!(me.status, StatusCode::OK, "{}", me.body);
        assert_eq!(me.json()["display_name"], "Morgan Ellis", "{}", me.body);
        assert_security_headers(&me, "an API answer");
        assert_eq!(header(&me, "cache-control"), Some("no-store"));

        // Sign-in's answer, with its cookie, and an error.
        let signed_in = app
            .call("sign_in", &[("username", "worker1"), ("password", "contact-demo")], None)
            .await;
        assert_eq!(signed_in.status, StatusCode::OK, "{}", signed_in.body);
        assert_security_headers(&signed_in, "sign-in's answer");
        assert_eq!(header(&signed_in, "cache-control"), Some("no-store"));
        let refused = app.call("list_accounts", &[], None).await;
        assert!(refused.status.is_client_error(), "{}", refused.status);
        assert_security_headers(&refused, "a refused call");
        assert_eq!(header(&refused, "cache-control"), Some("no-store"));

        // The service worker's script is checked on every use.
        let worker_script = app
            .send(Request::get("/sw.js").body(Body::empty()).unwrap())
            .await;
        assert_eq!(worker_script.status, StatusCode::OK);
        assert_security_headers(&worker_script, "/sw.js");
        assert_eq!(header(&worker_script, "cache-control"), Some("no-cache"));
    }

    async fn hsts_only_when_the_request_came_over_https(app: TestApp) {
        // The test app's policy is the default, `Auto`.
        let plain = app.send(page_request("/sign-in", None)).await;
        assert_eq!(plain.status, StatusCode::OK);
        assert_eq!(header(&plain, "strict-transport-security"), None);
        let secure = app.send(over_https(page_request("/sign-in", None))).await;
        assert_eq!(secure.status, StatusCode::OK);
        assert_eq!(
            header(&secure, "strict-transport-security"),
            Some("max-age=31536000")
        );
        assert_page(&secure, "/sign-in over https");

        let plain = app.send(api_request("current_user", &[], None)).await;
        assert_eq!(plain.status, StatusCode::OK, "{}", plain.body);
        assert_eq!(header(&plain, "strict-transport-security"), None);
        let secure = app
            .send(over_https(api_request(
                "sign_in",
                &[("username", "coordinator"), ("password", "contact-demo")],
                None,
            )))
            .await;
        assert_eq!(secure.status, StatusCode::OK, "{}", secure.body);
        assert_eq!(
            header(&secure, "strict-transport-security"),
            Some("max-age=31536000")
        );
        // The same request's session cookie is `Secure`: the two agree.
        assert!(
            secure.set_cookie().expect("a cookie").contains("; Secure"),
            "{:?}",
            secure.set_cookie()
        );
    }

    async fn an_http_page_may_not_write_to_an_https_site(app: TestApp) {
        let form = [("username", "coordinator"), ("password", "contact-demo")];
        let with_origin = |origin: &'static str| {
            let mut request = over_https(api_request("sign_in", &form, None));
            request.headers_mut().insert("origin", origin.parse().unwrap());
            request
        };
        let refused = app.send(with_origin("http://127.0.0.1:3000")).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
        assert!(refused.session_cookie().is_none());
        assert_security_headers(&refused, "the refusal");

        let same_origin = app.send(with_origin("https://127.0.0.1:3000")).await;
        assert_eq!(same_origin.status, StatusCode::OK, "{}", same_origin.body);

        // Over plain http, an http page of the same host is the same origin.
        let mut plain = api_request("sign_in", &form, None);
        plain
            .headers_mut()
            .insert("origin", "http://127.0.0.1:3000".parse().unwrap());
        plain
            .headers_mut()
            .insert("x-forwarded-proto", "http".parse().unwrap());
        let plain = app.send(plain).await;
        assert_eq!(plain.status, StatusCode::OK, "{}", plain.body);
        // And an https page may not write to the http site either.
        let mut mixed = api_request("sign_in", &form, None);
        mixed
            .headers_mut()
            .insert("origin", "https://127.0.0.1:3000".parse().unwrap());
        mixed
            .headers_mut()
            .insert("x-forwarded-proto", "http".parse().unwrap());
        let mixed = app.send(mixed).await;
        assert_eq!(mixed.status, StatusCode::FORBIDDEN, "{}", mixed.body);
    }
}
