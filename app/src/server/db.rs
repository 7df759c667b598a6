//! One storage layer for both databases. Queries are written once, with `$1`
//! placeholders (which SQLite accepts too) and only the types both share:
//! integers, text. Times are `i64` milliseconds since the Unix epoch, UTC.

use std::path::Path;
use std::sync::Arc;

use sqlx::AnyPool;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::Migrator;

use super::audit::AuditSeal;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A pool of connections to whichever database the URL named.
#[derive(Debug, Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
    /// The audit trail's key and head file, kept outside the database.
    audit_seal: Arc<AuditSeal>,
}

impl Backend {
    pub fn of_url(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }
}

/// The SQLite URL for the database file in `data_dir`, created if missing.
pub fn sqlite_url_in(data_dir: &Path) -> String {
    format!(
        "sqlite://{}?mode=rwc",
        data_dir.join("contact-centre.db").display()
    )
}

impl Db {
    /// Connects and brings the schema up to date.
    pub async fn connect(url: &str) -> Result<Db, sqlx::Error> {
        let db = Db::connect_without_migrating(url).await?;
        db.migrate().await?;
        Ok(db)
    }

    /// Connects only: for tools that manage schemas themselves (the tests).
    pub async fn connect_without_migrating(url: &str) -> Result<Db, sqlx::Error> {
        install_default_drivers();
        let backend = Backend::of_url(url).ok_or_else(|| {
            sqlx::Error::Configuration("DATABASE_URL must start with sqlite: or postgres://".into())
        })?;
        if backend == Backend::Sqlite {
            create_parent_folder(url)?;
        }
        let max_connections = match backend {
            // SQLite has one writer at a time; a few readers suffice.
            Backend::Sqlite => 4,
            Backend::Postgres => 10,
        };
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            // Checking a connection before handing it out is a round trip
            // to it: over the network to PostgreSQL, which may have dropped
            // it, worth making; to SQLite's connection thread in this
            // process, which cannot drop it, only a cost (a thread hand-off
            // more per query, measured under load in scripts/bench.sh).
            .test_before_acquire(backend == Backend::Postgres)
            .connect(url)
            .await?;
        let db = Db {
            pool,
            backend,
            audit_seal: Arc::new(AuditSeal::ephemeral()),
        };
        if backend == Backend::Sqlite {
            // WAL lets readers go on while one request writes; the setting is
            // stored in the database file. Foreign keys are on by default in
            // sqlx's SQLite driver (checked by a test).
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&db.pool)
                .await?;
        }
        Ok(db)
    }

    /// A transaction that will write. On SQLite it takes the write lock at
    /// its start (`BEGIN IMMEDIATE`), waiting its turn: a transaction that
    /// first reads and then writes would otherwise be refused at once with
    /// "database is locked" when another writer came in between (seen on a
    /// coordinator's page while a phone synced).
    pub async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    /// The same database, its audit trail sealed with `seal` (the server's
    /// configured key and head file).
    pub fn with_audit_seal(mut self, seal: AuditSeal) -> Db {
        self.audit_seal = Arc::new(seal);
        self
    }

    pub fn audit_seal(&self) -> Arc<AuditSeal> {
        self.audit_seal.clone()
    }

    async fn migrate(&self) -> Result<(), sqlx::Error> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&self.pool).await?;
        Ok(())
    }
}

fn create_parent_folder(url: &str) -> Result<(), sqlx::Error> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    if let Some(parent) = Path::new(path).parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent).map_err(|e| sqlx::Error::Configuration(e.into()))?;
    }
    Ok(())
}
