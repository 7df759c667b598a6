use std::io::BufRead;
use std::net::SocketAddr;

use app::domain::{role::Role, validate};
use app::server::{Db, accounts, demo, now_ms};
use axum::serve::ListenerExt;
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

use crate::config::{Command, Config};

pub type StartError = Box<dyn std::error::Error + Send + Sync>;

pub async fn run(config: Config) -> Result<(), StartError> {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_new(&config.log).unwrap_or_else(|_| EnvFilter::new("info")))
        .init();

    let db = Db::connect(&config.database_url())
        .await?
        .with_audit_seal(config.audit_seal()?);
    tracing::info!(backend = ?db.backend, "database ready");

    match config.command.clone().unwrap_or(Command::Serve) {
        Command::CreateCoordinator { username, name } => {
            create_coordinator(&db, &username, &name).await
        }
        Command::Erase { dry_run } => {
            let now = app::server::now_ms();
            let plan = app::server::erasure::plan(&db, now).await?;
            for line in plan.lines() {
                println!("{line}");
            }
            if dry_run || plan.is_empty() {
                if dry_run {
                    println!("(a dry run: nothing was removed)");
                }
                return Ok(());
            }
            app::server::erasure::erase(&db, &plan, now).await?;
            println!("Erased. {}", verify_audit(&db).await?);
            Ok(())
        }
        Command::VerifyAudit => {
            let verdict = verify_audit(&db).await?;
            println!("{verdict}");
            Ok(())
        }
        Command::Serve => serve(config, db).await,
    }
}

/// The audit check of the `verify-audit` command: a sentence when the chain
/// holds, an error saying what was found when it does not (edited,
/// reordered, cut short, or recomputed without the key).
pub async fn verify_audit(db: &Db) -> Result<String, StartError> {
    let finding = app::server::audit::verify_trail(db).await?;
    if finding.holds() {
        Ok(finding.sentence())
    } else {
        Err(finding.sentence().into())
    }
}

/// The scheduled erasure: once an hour, whatever the retention schedule
/// says is due (closed cases not on hold whose time is up, and accounts
/// with no open case), each case in one transaction.
async fn erasure_task(db: Db) {
    let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        every_hour.tick().await;
        match app::server::erasure::erase_due(&db, app::server::now_ms()).await {
            Ok(plan) if !plan.is_empty() => {
                for line in plan.lines() {
                    tracing::info!("erased: {line}");
                }
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(
                "the scheduled erasure failed, to be tried again in an hour: {error}"
            ),
        }
    }
}

async fn serve(config: Config, db: Db) -> Result<(), StartError> {
    if let Some(faults) = config.faults.as_deref() {
        app::server::faults::Faults::parse(faults)
            .map_err(|e| format!("CCC_FAULTS: {e}"))?
            .install();
        tracing::warn!("crash points armed for the fault harness: {faults}");
    }
    if let Some(start_ms) = config.demo_clock_start()? {
        app::server::start_clock_at(start_ms);
        tracing::warn!(
            "the demo's clock starts at {} (London), not the machine's time",
            app::domain::london_time::format_london(start_ms)
        );
    }
    if config.demo {
        if demo::seed_if_empty(&db, now_ms()).await? {
            tracing::info!("seeded the demo centre");
        }
        print_demo_sign_ins();
    } else if accounts::count(&db).await? == 0 {
        tracing::warn!(
            "There are no accounts yet. Create the first coordinator with:\n    \
             contact-centre create-coordinator --username <name> --name \"<Full Name>\"\n\
             (it reads the password from CCC_NEW_PASSWORD or standard input)"
        );
    }

    let leptos_options = crate::leptos_options();
    crate::service_worker::drop_stale_copies(std::path::Path::new(
        leptos_options.site_root.as_ref(),
    ));
    let addr = config.addr.unwrap_or(leptos_options.site_addr);
    let messaging = config.messaging(addr)?;
    tracing::info!(
        "messages: email {}, text messages {}",
        config
            .smtp_url
            .as_deref()
            .map_or("off (CCC_SMTP_URL unset)".to_owned(), |_| format!(
                "on, from {}",
                config.mail_from
            )),
        if messaging.sms.is_some() {
            "on, through GOV.UK Notify"
        } else {
            "off (CCC_NOTIFY_API_KEY unset)"
        },
    );
    tokio::spawn(app::server::delivery::run(
        db.clone(),
        std::sync::Arc::new(messaging),
        config.delivery_poll_seconds * 1000,
    ));
    tokio::spawn(erasure_task(db.clone()));
    let mut state = crate::app_state(
        db,
        leptos_options,
        config.secure_cookies.into(),
        config.idle_minutes,
    );
    state.centre = config.centre_name.clone();
    let app = crate::router(state);

    // TCP_NODELAY: a reply goes out at once, rather than waiting (up to
    // 40 ms) for the client's acknowledgement of the previous segment.
    let listener = TcpListener::bind(addr).await?.tap_io(|stream| {
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!("could not set TCP_NODELAY: {error}");
        }
    });
    tracing::info!("listening on http://{addr}");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    Ok(())
}

fn print_demo_sign_ins() {
    let mut text =
        String::from("Demo centre. Sign in at the address below with any of these (password: ");
    text.push_str(demo::DEMO_PASSWORD);
    text.push_str(")\n");
    for (username, name, role) in demo::DEMO_ACCOUNTS {
        text.push_str(&format!("    {username:<12} {name} ({})\n", role.label()));
    }
    tracing::info!("{text}");
}

async fn create_coordinator(db: &Db, username: &str, name: &str) -> Result<(), StartError> {
    let password = match std::env::var("CCC_NEW_PASSWORD") {
        Ok(password) => password,
        Err(_) => {
            eprintln!(
                "Password for {username} (at least {} characters):",
                validate::MIN_PASSWORD_CHARS
            );
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    let username = validate::username(username)?;
    let name = validate::display_name(name)?;
    let password = validate::new_password(&password)?;
    let hash = accounts::hash_password(password).await?;
    accounts::create(
        db,
        &username,
        &name,
        Role::Coordinator,
        hash,
        accounts::PasswordBy::Owner,
        now_ms(),
    )
    .await?;
    tracing::info!("created coordinator {username}; sign in with that username and password");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
