//! Sending what the outbox holds: email over SMTP, SMS through a provider's
//! HTTP API, and the task that does it in the running server.
//!
//! What each channel guarantees:
//! - **SMS through GOV.UK Notify: once.** Every message carries its
//!   outbox key as Notify's `reference`. A message tried before (its
//!   earlier try may have reached Notify before this server stopped or the
//!   answer was lost) is first looked up by that reference, and is not sent
//!   again when Notify already has it.
//! - **Email over SMTP: at least once.** SMTP has no way to ask a server
//!   whether it already took a message, so a server that stops between the
//!   mail server's "250 OK" and marking the row sent sends it again after
//!   its claim runs out. Both copies carry the same `Message-ID`, so the
//!   rare second copy is recognisable (and most mail systems drop it).

use std::sync::Arc;

use futures::future::BoxFuture;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use sha2::{Digest, Sha256};

use super::Db;
use super::outbox::{self, Claimed, Outcome};
use crate::domain::message::{Channel, html, plain_text};
use crate::error::AppError;

/// How long a claim lasts: longer than any one send may take (the SMTP and
/// HTTP timeouts are 30 s), so a live task never loses a message it is
/// sending.
pub const LEASE_MS: i64 = 120_000;
/// How many messages a task claims at a time.
const BATCH: i64 = 20;

/// Email over SMTP: the connection and who the mail is from.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// `url`: `smtp://host:port` (plain, for a server on loopback),
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS) or
    /// `smtps://user:pass@host:465` (TLS from the start). `from`: an address,
    /// with a name if wanted (`Riverside Centre <bookings@example.org>`).
    pub fn new(url: &str, from: &str) -> Result<Mailer, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("the mail server's address ({url}) is not usable: {e}"))?
            .timeout(Some(std::time::Duration::from_secs(30)))
            .build();
        let from = from
            .parse::<Mailbox>()
            .map_err(|e| format!("the from address ({from}) is not usable: {e}"))?;
        Ok(Mailer { transport, from })
    }

    async fn send(&self, message: &Claimed, text: String, page: String) -> Outcome {
        let to = match message.recipient.parse::<Mailbox>() {
            Ok(to) => to,
            Err(e) => {
                return Outcome::Failed {
                    answer: format!("the address {} is not usable: {e}", message.recipient),
                    permanent: true,
                };
            }
        };
        let domain = self.from.email.domain().to_owned();
        let email = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&message.subject)
            .message_id(Some(message_id(&message.key, &domain)))
            .multipart(MultiPart::alternative_plain_html(text, page));
        let email = match email {
            Ok(email) => email,
            Err(e) => {
                return Outcome::Failed {
                    answer: format!("the message could not be made: {e}"),
                    permanent: true,
                };
            }
        };
        match self.transport.send(email).await {
            Ok(response) => Outcome::Sent(format!(
                "{} {}",
                response.code(),
                response.message().collect::<Vec<_>>().join(" ")
            )),
            Err(e) => Outcome::Failed {
                answer: e.to_string(),
                permanent: e.is_permanent(),
            },
        }
    }
}

/// The `Message-ID` of a message: the same on every try.
pub fn message_id(key: &str, domain: &str) -> String {
    let digest = hex::encode(Sha256::digest(key.as_bytes()));
    format!("<outbox.{}@{domain}>", &digest[..32])
}

/// A provider that sends text messages. One is built in (GOV.UK Notify);
/// another is a type implementing this.
pub trait SmsProvider: Send + Sync {
    /// Sends `text` to `to`, with `reference` for finding it again.
    fn send<'a>(&'a self, to: &'a str, text: &'a str, reference: &'a str)
    -> BoxFuture<'a, Outcome>;
    /// Whether the provider already has a message with `reference`: `Ok(Some(answer))` if so.
    fn find<'a>(&'a self, reference: &'a str) -> BoxFuture<'a, Result<Option<String>, String>>;
}

/// GOV.UK Notify, which many councils already use for their own messages
/// (and so suits a council-run centre): a plain HTTPS API, an idempotent
/// lookup by our own reference, and UK numbers at a public-sector price.
/// The service needs one SMS template whose whole content is `((body))`.
pub struct GovUkNotify {
    base_url: String,
    service_id: String,
    secret: String,
    template_id: String,
    client: reqwest::Client,
}

impl GovUkNotify {
    /// `api_key` as Notify gives it: `name-<service id>-<secret>`, both UUIDs.
    pub fn new(base_url: &str, api_key: &str, template_id: &str) -> Result<GovUkNotify, String> {
        let key = api_key.trim();
        if key.len() < 74 {
            return Err("the Notify API key is too short: give the whole key Notify shows".into());
        }
        let secret = &key[key.len() - 36..];
        let service_id = &key[key.len() - 73..key.len() - 37];
        // reqwest is built without a crypto provider of its own: it uses
        // the process's, ring (the one lettre's rustls uses too).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .map_err(|e| format!("an HTTP client for Notify: {e}"))?;
        Ok(GovUkNotify {
            base_url: base_url.trim_end_matches('/').to_owned(),
            service_id: service_id.to_owned(),
            secret: secret.to_owned(),
            template_id: template_id.to_owned(),
            client,
        })
    }

    /// Notify's bearer token: a JWT (HS256) naming the service, issued now.
    fn token(&self) -> String {
        use base64::Engine;
        use hmac::{Hmac, Mac};
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let issued = super::now_ms() / 1000;
        let header = b64.encode(br#"{"typ":"JWT","alg":"HS256"}"#);
        let claims = b64.encode(
            serde_json::json!({ "iss": self.service_id, "iat": issued })
                .to_string()
                .as_bytes(),
        );
        let signed = format!("{header}.{claims}");
        let mut mac = Hmac::<Sha256>::new_from_slice(self.secret.as_bytes())
            .expect("HMAC takes a key of any length");
        mac.update(signed.as_bytes());
        format!("{signed}.{}", b64.encode(mac.finalize().into_bytes()))
    }
}

impl SmsProvider for GovUkNotify {
    fn send<'a>(
        &'a self,
        to: &'a str,
        text: &'a str,
        reference: &'a str,
    ) -> BoxFuture<'a, Outcome> {
        Box::pin(async move {
            let body = serde_json::json!({
                "phone_number": to,
                "template_id": self.template_id,
                "personalisation": { "body": text },
                "reference": reference,
            });
            let answer = self
                .client
                .post(format!("{}/v2/notifications/sms", self.base_url))
                .bearer_auth(self.token())
                .header("content-type", "application/json")
                .body(body.to_string())
                .send()
                .await;
            match answer {
                Err(e) => Outcome::Failed {
                    answer: format!("Notify could not be reached: {e}"),
                    permanent: false,
                },
                Ok(reply) => {
                    let status = reply.status();
                    let text = reply.text().await.unwrap_or_default();
                    if status.is_success() {
                        let id = serde_json::from_str::<serde_json::Value>(&text)
                            .ok()
                            .and_then(|v| v["id"].as_str().map(str::to_owned))
                            .unwrap_or_default();
                        Outcome::Sent(format!("Notify {status}: {id}"))
                    } else {
                        // 400 and 403 will fail again the same way; 429 and
                        // 5xx are worth another try.
                        let permanent = status.is_client_error() && status.as_u16() != 429;
                        Outcome::Failed {
                            answer: format!("Notify {status}: {text}"),
                            permanent,
                        }
                    }
                }
            }
        })
    }

    fn find<'a>(&'a self, reference: &'a str) -> BoxFuture<'a, Result<Option<String>, String>> {
        Box::pin(async move {
            let reply = self
                .client
                .get(format!("{}/v2/notifications", self.base_url))
                .query(&[("reference", reference), ("template_type", "sms")])
                .bearer_auth(self.token())
                .send()
                .await
                .map_err(|e| format!("Notify could not be reached: {e}"))?;
            let status = reply.status();
            let text = reply.text().await.unwrap_or_default();
            if !status.is_success() {
                return Err(format!("Notify {status}: {text}"));
            }
            let found = serde_json::from_str::<serde_json::Value>(&text)
                .map_err(|e| format!("Notify's answer is not JSON: {e}"))?;
            Ok(found["notifications"]
                .as_array()
                .and_then(|list| list.first())
                .map(|first| {
                    format!(
                        "Notify already had it: {}",
                        first["id"].as_str().unwrap_or_default()
                    )
                }))
        })
    }
}

/// Everything the delivery task needs: the channels set up on this server
/// (either may be missing), the centre's name for signing messages, and the
/// public address that links in messages start with.
pub struct Messaging {
    pub centre: String,
    pub public_url: String,
    pub mailer: Option<Mailer>,
    pub sms: Option<Arc<dyn SmsProvider>>,
    /// This task's name in claims: unique per process.
    pub worker: String,
    /// When reminders go the day before: minutes past midnight, London.
    pub reminder_minutes: u32,
}

impl Messaging {
    pub fn new(
        centre: &str,
        public_url: &str,
        mailer: Option<Mailer>,
        sms: Option<Arc<dyn SmsProvider>>,
    ) -> Messaging {
        Messaging {
            centre: centre.to_owned(),
            public_url: public_url.trim_end_matches('/').to_owned(),
            mailer,
            sms,
            worker: format!("{}:{}", std::process::id(), uuid::Uuid::new_v4().simple()),
            reminder_minutes: 17 * 60,
        }
    }

    /// Reminders go the day before at `minutes` past midnight, London time.
    pub fn with_reminders_at(mut self, minutes: u32) -> Messaging {
        self.reminder_minutes = minutes;
        self
    }

    /// One try at one claimed message.
    pub async fn try_send(&self, message: &Claimed) -> Outcome {
        let link = if message.link_path.is_empty() {
            String::new()
        } else {
            format!("{}{}", self.public_url, message.link_path)
        };
        let text = plain_text(&message.body, &link, &self.centre);
        match message.channel {
            Channel::Email => match &self.mailer {
                Some(mailer) => {
                    let page = html(&message.body, &link, &self.centre);
                    mailer.send(message, text, page).await
                }
                None => Outcome::Failed {
                    answer: "no mail server is set up on this server (CCC_SMTP_URL)".into(),
                    permanent: true,
                },
            },
            Channel::Sms => match &self.sms {
                Some(sms) => {
                    if message.attempts > 1 {
                        match sms.find(&message.key).await {
                            Ok(Some(answer)) => return Outcome::Sent(answer),
                            Ok(None) => {}
                            Err(answer) => {
                                // Sending blind could send it twice: wait.
                                return Outcome::Failed {
                                    answer,
                                    permanent: false,
                                };
                            }
                        }
                    }
                    sms.send(&message.recipient, &text, &message.key).await
                }
                None => Outcome::Failed {
                    answer:
                        "no text message provider is set up on this server (CCC_NOTIFY_API_KEY)"
                            .into(),
                    permanent: true,
                },
            },
        }
    }
}

/// One pass: claims what is due and tries each. Returns how many were tried.
pub async fn deliver_due(db: &Db, messaging: &Messaging, now_ms: i64) -> Result<usize, AppError> {
    let batch = outbox::claim(db, &messaging.worker, now_ms, LEASE_MS, BATCH).await?;
    for message in &batch {
        let outcome = messaging.try_send(message).await;
        if let Outcome::Failed { answer, .. } = &outcome {
            tracing::warn!(id = message.id, "a message was not sent: {answer}");
        }
        if !outbox::settle(db, message, &messaging.worker, &outcome, now_ms).await? {
            tracing::warn!(
                id = message.id,
                "a message's claim ran out while it was sent"
            );
        }
    }
    Ok(batch.len())
}

/// The delivery task of a running server: queues reminders and warnings
/// that came due, sends what is due, waking when a step commits messages
/// and every `poll_ms` in any case (for retries coming due, and messages
/// another process queued).
pub async fn run(db: Db, messaging: Arc<Messaging>, poll_ms: u64) {
    // The scheduled messages are looked for at most once a poll interval,
    // not on every wake after a commit.
    let mut scanned: Option<std::time::Instant> = None;
    loop {
        if scanned.is_none_or(|at| at.elapsed().as_millis() >= u128::from(poll_ms)) {
            scanned = Some(std::time::Instant::now());
            if let Err(e) =
                super::scheduled::queue_due(&db, messaging.reminder_minutes, super::now_ms()).await
            {
                tracing::warn!("reminders: {e}");
            }
        }
        match deliver_due(&db, &messaging, super::now_ms()).await {
            Ok(n) if n > 0 => continue,
            Ok(_) => {}
            Err(e) => tracing::warn!("message delivery: {e}"),
        }
        outbox::wait_for_work(poll_ms).await;
    }
}
