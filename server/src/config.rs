//! Every setting is a flag and an environment variable, with a default that
//! works on a laptop. `.env.example` lists them with the same words.

use std::net::SocketAddr;
use std::path::PathBuf;

use app::server::SecureCookies;
use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Clone, Parser)]
#[command(
    name = "contact-centre",
    version,
    about = "Child contact centre: sessions, records and bookings."
)]
pub struct Config {
    /// Address and port to listen on. Default: LEPTOS_SITE_ADDR (set by cargo-leptos), else 127.0.0.1:3000.
    #[arg(long, env = "CCC_ADDR")]
    pub addr: Option<SocketAddr>,

    /// Database URL: `sqlite://path?mode=rwc` or `postgres://user@host/db`.
    /// Default: an SQLite file in the data directory.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,

    /// Folder for the SQLite database file (created if missing).
    #[arg(long, env = "CCC_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,

    /// When the session cookie is marked Secure: `auto` (when the request came
    /// over https, directly or through a proxy's X-Forwarded-Proto), `always`, `never`.
    #[arg(long, env = "CCC_SECURE_COOKIES", value_enum, default_value_t = CookieSecurity::Auto)]
    pub secure_cookies: CookieSecurity,

    /// Minutes a coordinator's, parent's or referrer's sign-in may go unused
    /// before it ends (a worker's lasts the working day, for offline use).
    #[arg(long, env = "CCC_IDLE_MINUTES", default_value_t = crate::DEFAULT_IDLE_MINUTES,
          value_parser = clap::value_parser!(i64).range(1..=720))]
    pub idle_minutes: i64,

    /// The audit trail's key (the file's bytes), kept outside the database:
    /// someone with only the database cannot rewrite the trail unseen. Made
    /// (random, readable by this user only) if missing. Back it up apart
    /// from the database; several server processes must share it.
    /// Default: `audit.key` in the data directory.
    #[arg(long, env = "CCC_AUDIT_KEY_FILE")]
    pub audit_key_file: Option<PathBuf>,

    /// Where the newest audit entry is written after each append, outside
    /// the database, so a cut tail shows. Default: `audit-head` in the data
    /// directory.
    #[arg(long, env = "CCC_AUDIT_HEAD_FILE")]
    pub audit_head_file: Option<PathBuf>,

    /// Log filter, in tracing's syntax (for example `info` or `server=debug,info`).
    #[arg(long, env = "CCC_LOG", default_value = "info")]
    pub log: String,

    /// Demo mode: on an empty database, seed the demo centre with its demo
    /// accounts and passwords. Never use it for real families.
    #[arg(long, env = "CCC_DEMO", default_value_t = false)]
    pub demo: bool,

    /// Demo mode only: the server's clock reads this London time when it
    /// starts (`2031-01-06 09:00`) and runs on from there, so a demo (or a
    /// test) can rehearse a case's weeks in minutes by starting again later.
    #[arg(long, env = "CCC_DEMO_CLOCK", value_parser = parse_london_clock)]
    pub demo_clock: Option<i64>,

    /// For the fault-injection harness only: crash the process inside a
    /// sync, before or after its commit, with these probabilities (for
    /// example `before_commit=0.1,after_commit=0.1`). Never set it in use.
    #[arg(long, env = "CCC_FAULTS")]
    pub faults: Option<String>,

    /// The centre's name, at the foot of every email and text message.
    #[arg(
        long,
        env = "CCC_CENTRE_NAME",
        default_value = "The child contact centre"
    )]
    pub centre_name: String,

    /// The address people reach the portal at, which links in messages
    /// start with (`https://contact.example.org`). Default: http:// and the
    /// listening address.
    #[arg(long, env = "CCC_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// The mail server for email: `smtp://host:25` (plain, loopback only),
    /// `smtp://user:password@host:587?tls=required` (STARTTLS) or
    /// `smtps://user:password@host:465`. Unset: no email is sent, and
    /// messages that would go by email are marked "not sent" with why.
    #[arg(long, env = "CCC_SMTP_URL")]
    pub smtp_url: Option<String>,

    /// Who email comes from: an address, with a name if wanted.
    #[arg(
        long,
        env = "CCC_MAIL_FROM",
        default_value = "Contact centre <no-reply@localhost>"
    )]
    pub mail_from: String,

    /// GOV.UK Notify's API key, for text messages. Unset: no SMS is sent.
    #[arg(long, env = "CCC_NOTIFY_API_KEY")]
    pub notify_api_key: Option<String>,

    /// The Notify SMS template whose whole content is `((body))`.
    #[arg(long, env = "CCC_NOTIFY_SMS_TEMPLATE", default_value = "")]
    pub notify_sms_template: String,

    /// Notify's API address (a test stand-in may be given here).
    #[arg(
        long,
        env = "CCC_NOTIFY_URL",
        default_value = "https://api.notifications.service.gov.uk"
    )]
    pub notify_url: String,

    /// How often the delivery task looks for messages that came due
    /// (retries, and messages another server process queued), in seconds.
    #[arg(long, env = "CCC_DELIVERY_POLL_SECONDS", default_value_t = 5,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub delivery_poll_seconds: u64,

    /// When parents' reminders and workers' "tomorrow" messages go, the
    /// day before: a London time of day, `HH:MM`.
    #[arg(long, env = "CCC_REMINDER_TIME", default_value = "17:00", value_parser = parse_time_of_day)]
    pub reminder_time: u32,

    #[command(subcommand)]
    pub command: Option<Command>,
}

fn parse_time_of_day(text: &str) -> Result<u32, String> {
    app::domain::message::parse_time_of_day(text)
        .ok_or_else(|| format!("give a time of day as HH:MM (17:00), not {text:?}"))
}

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Serve the app (what happens with no command).
    Serve,
    /// Create a coordinator account, for the first sign-in of a new centre.
    /// Reads the password from the CCC_NEW_PASSWORD variable, or else from
    /// the first line of standard input.
    CreateCoordinator {
        /// Username to sign in with.
        #[arg(long)]
        username: String,
        /// The person's full name.
        #[arg(long)]
        name: String,
    },
    /// Erase what the retention schedule says is due now (closed cases not
    /// on legal hold whose time is up, parents' and referrers' accounts with
    /// no open case), then check the audit trail. The server also does this
    /// once an hour.
    Erase {
        /// List what would be removed, and remove nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Check the audit trail's hash chain. Names the first broken entry, if
    /// any, and exits with a failure then.
    VerifyAudit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CookieSecurity {
    Auto,
    Always,
    Never,
}

impl From<CookieSecurity> for SecureCookies {
    fn from(value: CookieSecurity) -> Self {
        match value {
            CookieSecurity::Auto => SecureCookies::Auto,
            CookieSecurity::Always => SecureCookies::Always,
            CookieSecurity::Never => SecureCookies::Never,
        }
    }
}

impl Config {
    /// The audit trail's seal: the key from its file (made if missing) and
    /// the head file.
    pub fn audit_seal(&self) -> std::io::Result<app::server::audit::AuditSeal> {
        let key_file = self
            .audit_key_file
            .clone()
            .unwrap_or_else(|| self.data_dir.join("audit.key"));
        let head_file = self
            .audit_head_file
            .clone()
            .unwrap_or_else(|| self.data_dir.join("audit-head"));
        let key = match std::fs::read(&key_file) {
            Ok(key) if !key.is_empty() => key,
            Ok(_) => {
                return Err(std::io::Error::other(format!(
                    "the audit key file {} is empty",
                    key_file.display()
                )));
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => make_key_file(&key_file)?,
            Err(error) => return Err(error),
        };
        Ok(app::server::audit::AuditSeal::new(key, Some(head_file)))
    }

    /// When the demo's clock starts (`CCC_DEMO_CLOCK`), if it is set: a
    /// clock set outside demo mode is refused, as a server for real
    /// families keeps the machine's time.
    pub fn demo_clock_start(&self) -> Result<Option<i64>, String> {
        match (self.demo_clock, self.demo) {
            (Some(_), false) => {
                Err("CCC_DEMO_CLOCK sets the clock of a demo only: set CCC_DEMO too".into())
            }
            (start, _) => Ok(start),
        }
    }

    /// The database URL in force: the one given, or SQLite in the data directory.
    /// The delivery task's channels and words, from the settings; an error
    /// names the setting that is wrong.
    pub fn messaging(
        &self,
        listening: SocketAddr,
    ) -> Result<app::server::delivery::Messaging, String> {
        use app::server::delivery::{GovUkNotify, Mailer, Messaging, SmsProvider};
        let mailer = match self.smtp_url.as_deref().filter(|u| !u.is_empty()) {
            Some(url) => {
                Some(Mailer::new(url, &self.mail_from).map_err(|e| format!("CCC_SMTP_URL: {e}"))?)
            }
            None => None,
        };
        let sms: Option<std::sync::Arc<dyn SmsProvider>> = match self
            .notify_api_key
            .as_deref()
            .filter(|k| !k.is_empty())
        {
            Some(key) => {
                if self.notify_sms_template.trim().is_empty() {
                    return Err("CCC_NOTIFY_SMS_TEMPLATE: give the id of the Notify template whose content is ((body))".into());
                }
                Some(std::sync::Arc::new(
                    GovUkNotify::new(&self.notify_url, key, self.notify_sms_template.trim())
                        .map_err(|e| format!("CCC_NOTIFY_API_KEY: {e}"))?,
                ))
            }
            None => None,
        };
        let public_url = self
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{listening}"));
        Ok(Messaging::new(&self.centre_name, &public_url, mailer, sms)
            .with_reminders_at(self.reminder_time))
    }

    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .filter(|url| !url.trim().is_empty())
            .unwrap_or_else(|| app::server::db::sqlite_url_in(&self.data_dir))
    }
}

/// A new random audit key, written where only this user can read it.
fn make_key_file(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    use std::io::Write;
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder)?;
    }
    let key = app::server::auth::random_hex(32).into_bytes();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(&key)?;
    tracing::warn!(
        "made a new audit key in {}: back it up apart from the database",
        path.display()
    );
    Ok(key)
}

/// `YYYY-MM-DD HH:MM`, London time, as milliseconds since the epoch (UTC).
fn parse_london_clock(text: &str) -> Result<i64, String> {
    use app::domain::london_time::{ms_from_london, parse_date, parse_time};
    let unreadable = || format!("`{text}` is not a London time like 2031-01-06 09:00");
    let (day, time) = text.trim().split_once(' ').ok_or_else(unreadable)?;
    let day = parse_date("clock", day).map_err(|_| unreadable())?;
    let time = parse_time("clock", time.trim()).map_err(|_| unreadable())?;
    Ok(ms_from_london(day.and_time(time)))
}

#[cfg(test)]
mod tests {
    use super::{Config, parse_london_clock};
    use clap::Parser;

    #[test]
    fn the_demo_clock_is_refused_outside_demo_mode() {
        let real =
            Config::try_parse_from(["contact-centre", "--demo-clock", "2031-01-06 09:00"]).unwrap();
        assert!(real.demo_clock_start().unwrap_err().contains("demo only"));
        let demo = Config::try_parse_from([
            "contact-centre",
            "--demo",
            "--demo-clock",
            "2031-01-06 09:00",
        ])
        .unwrap();
        assert_eq!(demo.demo_clock_start(), Ok(Some(1_925_456_400_000)));
        let plain = Config::try_parse_from(["contact-centre", "--demo"]).unwrap();
        assert_eq!(plain.demo_clock_start(), Ok(None));
    }

    #[test]
    fn a_demo_clock_is_read_as_london_time_in_winter_and_summer() {
        assert_eq!(
            parse_london_clock("2031-01-06 09:00"),
            Ok(1_925_456_400_000)
        );
        // British Summer Time: 09:00 in London is 08:00 UTC.
        assert_eq!(
            parse_london_clock("2031-07-01 09:00"),
            Ok(1_940_659_200_000)
        );
        assert!(
            parse_london_clock("next Monday")
                .unwrap_err()
                .contains("like 2031-01-06 09:00")
        );
    }
}
