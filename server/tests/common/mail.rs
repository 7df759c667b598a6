//! Real message peers for the tests: an SMTP server on loopback (aiosmtpd
//! from PyPI, which `scripts/tools.sh` installs, writing each message it
//! takes to a Maildir), and a stand-in of GOV.UK Notify's HTTP API that
//! checks each call's signed token and remembers what it was sent.

use std::collections::HashMap;
use std::net::TcpListener as StdListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};

/// A free TCP port on loopback.
pub fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// aiosmtpd on a port of its own, keeping mail in a Maildir.
pub struct SmtpSink {
    pub port: u16,
    folder: PathBuf,
    child: Child,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        let port = free_port();
        let folder =
            std::env::temp_dir().join(format!("ccc-mail-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&folder).unwrap();
        let child = Command::new("python3")
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ])
            .arg(folder.join("Maildir"))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect(
                "python3 -m aiosmtpd (scripts/tools.sh installs it: pip install --user aiosmtpd)",
            );
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return SmtpSink {
                    port,
                    folder,
                    child,
                };
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let mut child = child;
        let _ = child.kill();
        let _ = child.wait();
        panic!(
            "aiosmtpd did not start on port {port} (is it installed? pip install --user aiosmtpd)"
        );
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message taken so far, whole (headers and body).
    pub fn messages(&self) -> Vec<String> {
        let new = self.folder.join("Maildir").join("new");
        let mut found: Vec<String> = std::fs::read_dir(&new)
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok())
                    .map(|e| std::fs::read_to_string(e.path()).unwrap())
                    .collect()
            })
            .unwrap_or_default();
        found.sort();
        found
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.folder);
    }
}

/// One header's value in a whole message.
pub fn header(message: &str, name: &str) -> Option<String> {
    let prefix = format!("{}:", name.to_lowercase());
    message
        .lines()
        .take_while(|line| !line.is_empty())
        .find(|line| line.to_lowercase().starts_with(&prefix))
        .map(|line| line[prefix.len()..].trim().to_owned())
}

/// The API key a Notify service would give, for the stand-in.
pub const NOTIFY_KEY: &str =
    "test_key-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0";
const NOTIFY_SECRET: &str = "3d844edf-8d35-48ac-975b-e847b4f122b0";

/// A stand-in of Notify's two calls used here, on loopback.
#[derive(Clone, Default)]
pub struct NotifyStandIn {
    /// Every text accepted, by reference: (number, text).
    pub sent: Arc<Mutex<HashMap<String, (String, String)>>>,
    pub posts: Arc<Mutex<usize>>,
}

impl NotifyStandIn {
    pub async fn start() -> (NotifyStandIn, String) {
        let stand_in = NotifyStandIn::default();
        let router = axum::Router::new()
            .route("/v2/notifications/sms", post(send_sms))
            .route("/v2/notifications", get(find))
            .with_state(stand_in.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        (stand_in, url)
    }
}

/// Checks the bearer token as Notify does: HS256 over the header and
/// claims with the key's secret, issued by the key's service.
fn authorised(headers: &HeaderMap) -> bool {
    use base64::Engine;
    use hmac::{Hmac, Mac};
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let Some(token) = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return false;
    };
    let parts: Vec<&str> = token.split('.').collect();
    if parts.len() != 3 {
        return false;
    }
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(NOTIFY_SECRET.as_bytes()).unwrap();
    mac.update(format!("{}.{}", parts[0], parts[1]).as_bytes());
    let Ok(signature) = b64.decode(parts[2]) else {
        return false;
    };
    let claims: serde_json::Value =
        serde_json::from_slice(&b64.decode(parts[1]).unwrap_or_default()).unwrap_or_default();
    mac.verify_slice(&signature).is_ok() && claims["iss"] == "26785a09-ab16-4eb0-8407-a37497a57506"
}

async fn send_sms(
    State(stand_in): State<NotifyStandIn>,
    headers: HeaderMap,
    Json(body): Json<serde_json::Value>,
) -> (StatusCode, Json<serde_json::Value>) {
    if !authorised(&headers) {
        return (
            StatusCode::FORBIDDEN,
            Json(
                serde_json::json!({"status_code": 403, "errors": [{"error": "AuthError", "message": "Invalid token"}]}),
            ),
        );
    }
    *stand_in.posts.lock().unwrap() += 1;
    let reference = body["reference"].as_str().unwrap_or_default().to_owned();
    let number = body["phone_number"].as_str().unwrap_or_default().to_owned();
    let text = body["personalisation"]["body"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    stand_in
        .sent
        .lock()
        .unwrap()
        .insert(reference.clone(), (number, text));
    (
        StatusCode::CREATED,
        Json(serde_json::json!({"id": format!("notify-{reference}"), "reference": reference})),
    )
}

async fn find(
    State(stand_in): State<NotifyStandIn>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> (StatusCode, Json<serde_json::Value>) {
    if !authorised(&headers) {
        return (StatusCode::FORBIDDEN, Json(serde_json::json!({})));
    }
    let reference = query.get("reference").cloned().unwrap_or_default();
    let found: Vec<serde_json::Value> = stand_in
        .sent
        .lock()
        .unwrap()
        .get(&reference)
        .map(|_| serde_json::json!({"id": format!("notify-{reference}"), "reference": reference}))
        .into_iter()
        .collect();
    (
        StatusCode::OK,
        Json(serde_json::json!({ "notifications": found })),
    )
}
