//! Accounts and passwords. Hashing runs on a few threads of its own:
//! argon2id is meant to be slow, and must not stall the async executor. One
//! hash per core (at most `MAX_HASHES_AT_ONCE`) runs at a time in one
//! process, each in 19 MB of working memory that the next hash reuses: a
//! flood of guesses waits its turn, or is told to come back, and the
//! server's memory stays where it was. A minute without a hash, the working
//! memory is let go, so an idle server holds none.
//!
//! A password set by someone else (a new account, a reset) is temporary:
//! the account must choose its own at the next sign-in, and nothing it
//! signs counts until it has. Every change to an account is in the audit
//! trail.

use std::sync::OnceLock;
use std::time::Duration;

use tokio::sync::Semaphore;

use argon2::password_hash::{Output, ParamsString, PasswordHash, Salt, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use rand::rngs::OsRng;
use sqlx::Row;

use super::Db;
use super::audit::Step;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::model::{AccountSummary, CurrentUser, PasswordHistory};

/// What a stored password hash is: deliberately neither `Serialize` nor
/// `Debug`-printed in full, so it cannot leak through a server function.
pub struct PasswordHashText(String);

impl std::fmt::Debug for PasswordHashText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordHashText(..)")
    }
}

/// Password hashes computed at once in one process, whoever asks: one per
/// core, and never more than this (more than the cores finish no sooner,
/// and each holds 19 MB of working memory).
pub const MAX_HASHES_AT_ONCE: usize = 4;

fn hashes_at_once() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |cores| cores.get())
        .clamp(1, MAX_HASHES_AT_ONCE)
}

/// How long a password check waits for a turn before the caller is told to
/// try again.
const HASH_QUEUE_WAIT: Duration = Duration::from_secs(10);
static HASHING: std::sync::LazyLock<Semaphore> =
    std::sync::LazyLock::new(|| Semaphore::new(hashes_at_once()));

type HashJob = Box<dyn FnOnce() + Send>;

/// The threads argon2 runs on: always the same few, so the memory each
/// hash takes (about 19 MB) is reused by the next instead of piling up in a
/// new thread's allocator arena each time (seen: 470 MB after 30 guesses on
/// tokio's blocking pool, which grows a thread per waiting task).
static HASH_THREADS: std::sync::LazyLock<std::sync::Mutex<std::sync::mpsc::Sender<HashJob>>> =
    std::sync::LazyLock::new(|| {
        let (sender, receiver) = std::sync::mpsc::channel::<HashJob>();
        let receiver = std::sync::Arc::new(std::sync::Mutex::new(receiver));
        for n in 0..hashes_at_once() {
            let receiver = receiver.clone();
            std::thread::Builder::new()
                .name(format!("password-hash-{n}"))
                .spawn(move || {
                    loop {
                        // One thread at a time waits here; the others wait
                        // for the lock. When the waiting one has heard of no
                        // hash for a while, no thread has: the spare memory
                        // goes.
                        let job = match receiver.lock() {
                            Ok(receiver) => receiver.recv_timeout(KEEP_MEMORY_FOR),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                                let_go_of_spare_memory()
                            }
                            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
                        }
                    }
                })
                .expect("a password-hashing thread");
        }
        std::sync::Mutex::new(sender)
    });

/// Runs one argon2 computation when a turn is free, on the hashing threads.
async fn with_hash_turn<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    let _turn = tokio::time::timeout(HASH_QUEUE_WAIT, HASHING.acquire())
        .await
        .map_err(|_| AppError::Busy {
            retry_after_secs: 5,
        })?
        .map_err(super::failure::internal)?;
    let (done, result) = tokio::sync::oneshot::channel();
    HASH_THREADS
        .lock()
        .map_err(|_| super::failure::internal("password-hashing threads lock"))?
        .send(Box::new(move || {
            let _ = done.send(work());
        }))
        .map_err(|_| super::failure::internal("password-hashing threads gone"))?;
    result
        .await
        .map_err(|_| super::failure::internal("a password hash was dropped"))?
}

/// Blocks (1 KiB each) reserved for argon2's working memory: more than
/// glibc's largest mmap threshold.
const MAPPED_BLOCKS: usize = 33 * 1024;

/// How long argon2's working memory is kept after the last hash.
const KEEP_MEMORY_FOR: Duration = Duration::from_secs(60);

/// Argon2's working memory between hashes (19 MB each, one per hash that ran
/// at once), reused by the next. Allocated afresh for each hash (as
/// `Argon2::hash_password` does), 19 MB blocks were left behind in the
/// allocator's arenas: measured, one burst of 30 wrong passwords took the
/// server from 119 MB to 615 MB.
static SPARE_MEMORY: std::sync::Mutex<Vec<Vec<Block>>> = std::sync::Mutex::new(Vec::new());

/// Frees the working memory no hash is using (after `KEEP_MEMORY_FOR`
/// without a hash); the next hash allocates its own again.
fn let_go_of_spare_memory() {
    if let Ok(mut spare) = SPARE_MEMORY.lock() {
        *spare = Vec::new();
    }
}

/// Argon2id of `password` and `salt` under `params`, in spare
/// working memory.
fn argon2id(
    params: &Params,
    version: Version,
    password: &[u8],
    salt: Salt<'_>,
) -> Result<Output, AppError> {
    let mut salt_buffer = [0u8; 64];
    let salt = salt
        .decode_b64(&mut salt_buffer)
        .map_err(super::failure::internal)?;
    let length = params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);
    let argon2 = Argon2::new(Algorithm::Argon2id, version, params.clone());
    let mut memory = SPARE_MEMORY
        .lock()
        .ok()
        .and_then(|mut spare| spare.pop())
        .unwrap_or_default();
    if memory.len() < params.block_count() {
        // Reserved above glibc's largest mmap threshold (32 MiB), so the
        // allocation is always mapped on its own and its pages go back to
        // the system when let go; reserved pages beyond those used are
        // never touched, so they cost no resident memory. (A 19 MB block
        // freed once raises the threshold, and the next ones landed in the
        // allocator's heap, which kept them after they were let go.)
        let mut fresh = Vec::with_capacity(params.block_count().max(MAPPED_BLOCKS));
        fresh.resize(params.block_count(), Block::default());
        memory = fresh;
    }
    let output = Output::init_with(length, |out| {
        Ok(argon2.hash_password_into_with_memory(password, salt, out, &mut memory[..])?)
    })
    .map_err(super::failure::internal);
    if let Ok(mut spare) = SPARE_MEMORY.lock() {
        spare.push(memory);
    }
    output
}

pub async fn hash_password(password: String) -> Result<PasswordHashText, AppError> {
    with_hash_turn(move || {
        let salt = SaltString::generate(&mut OsRng);
        let params = Params::default();
        let output = argon2id(&params, Version::V0x13, password.as_bytes(), salt.as_salt())?;
        let hash = PasswordHash {
            algorithm: Algorithm::Argon2id.ident(),
            version: Some(Version::V0x13.into()),
            params: ParamsString::try_from(&params).map_err(super::failure::internal)?,
            salt: Some(salt.as_salt()),
            hash: Some(output),
        };
        Ok(PasswordHashText(hash.to_string()))
    })
    .await
}

/// Whether `password` is the one `stored` (a PHC string) was made from.
fn argon2id_matches(password: &[u8], stored: &str) -> Result<bool, AppError> {
    let parsed = PasswordHash::new(stored).map_err(super::failure::internal)?;
    if parsed.algorithm != Algorithm::Argon2id.ident() {
        return Err(super::failure::internal(
            "a stored password hash is not argon2id",
        ));
    }
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return Err(super::failure::internal(
            "a stored password hash is incomplete",
        ));
    };
    let params = Params::try_from(&parsed).map_err(super::failure::internal)?;
    let version = parsed
        .version
        .map(Version::try_from)
        .transpose()
        .map_err(super::failure::internal)?
        .unwrap_or_default();
    // `Output`'s comparison takes the same time whatever the bytes.
    Ok(argon2id(&params, version, password, salt)? == expected)
}

/// Checks a password against a stored hash. With no stored hash (unknown
/// username) it checks against a throwaway hash, so that both cases take the
/// same time and an attacker cannot tell which usernames exist.
pub async fn verify_password(
    password: String,
    stored: Option<PasswordHashText>,
) -> Result<bool, AppError> {
    let known = stored.is_some();
    let hash = match stored {
        Some(hash) => hash.0,
        None => throwaway_hash().await?,
    };
    let matches = with_hash_turn(move || argon2id_matches(password.as_bytes(), &hash)).await?;
    Ok(known && matches)
}

async fn throwaway_hash() -> Result<String, AppError> {
    static THROWAWAY: OnceLock<String> = OnceLock::new();
    if let Some(hash) = THROWAWAY.get() {
        return Ok(hash.clone());
    }
    let hash = hash_password(super::auth::random_hex(16)).await?.0;
    Ok(THROWAWAY.get_or_init(|| hash).clone())
}

pub(super) fn user_from_row(row: &sqlx::any::AnyRow) -> Result<CurrentUser, AppError> {
    let role_text: String = row.try_get("role")?;
    let role = Role::parse(&role_text)
        .ok_or_else(|| super::failure::internal(format!("unknown role {role_text:?} in users")))?;
    Ok(CurrentUser {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        role,
        must_change_password: row.try_get::<i32, _>("must_change_password")? != 0,
        senior: row.try_get::<i32, _>("senior")? != 0,
    })
}

/// The columns `user_from_row` reads.
const USER_COLUMNS: &str = "id, username, display_name, role, must_change_password, senior";

/// An account as stored, for checking a password.
pub struct StoredAccount {
    pub user: CurrentUser,
    pub hash: PasswordHashText,
    pub disabled: bool,
}

/// The account and its password hash, for signing in.
pub async fn find_with_password(
    db: &Db,
    username: &str,
) -> Result<Option<StoredAccount>, AppError> {
    let row = sqlx::query(&format!(
        "SELECT {USER_COLUMNS}, password_hash, disabled_ms FROM users WHERE username = $1"
    ))
    .bind(username)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|row| {
        Ok(StoredAccount {
            user: user_from_row(&row)?,
            hash: PasswordHashText(row.try_get("password_hash")?),
            disabled: row.try_get::<Option<i64>, _>("disabled_ms")?.is_some(),
        })
    })
    .transpose()
}

pub async fn find(db: &Db, user_id: i64) -> Result<Option<CurrentUser>, AppError> {
    let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(user_from_row).transpose()
}

/// Who chose a password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordBy {
    /// The account's own person (or the demo's seed, or the first
    /// coordinator made at the command line): it is theirs.
    Owner,
    /// A coordinator, making the account or resetting it: temporary.
    Coordinator(i64),
}

impl PasswordBy {
    fn temporary(self) -> bool {
        matches!(self, PasswordBy::Coordinator(_))
    }
}

/// Creates an account from already validated parts; returns its id. Made
/// by a coordinator, it is in the audit trail in the same transaction.
pub async fn create(
    db: &Db,
    username: &str,
    display_name: &str,
    role: Role,
    password_hash: PasswordHashText,
    by: PasswordBy,
    now_ms: i64,
) -> Result<i64, AppError> {
    let mut tx = db.begin_write().await?;
    let result = sqlx::query(
        "INSERT INTO users (username, display_name, role, password_hash, created_at, \
         password_set_ms, password_set_by, must_change_password) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(username)
    .bind(display_name)
    .bind(role.as_str())
    .bind(password_hash.0)
    .bind(now_ms)
    .bind(now_ms)
    .bind(match by {
        PasswordBy::Owner => None,
        PasswordBy::Coordinator(id) => Some(id),
    })
    .bind(i32::from(by.temporary()))
    .fetch_one(&mut *tx)
    .await;
    match result {
        Ok(row) => {
            let id: i64 = row.try_get("id")?;
            if let PasswordBy::Coordinator(actor) = by {
                Step::on_account(db, actor, id, now_ms)
                    .audit(
                        &mut tx,
                        "create account",
                        &format!("{username} ({}), {display_name}", role.as_str()),
                    )
                    .await?;
            }
            super::audit::commit(db, tx).await?;
            Ok(id)
        }
        Err(error) if is_unique_violation(&error) => Err(AppError::Invalid {
            field: "username".into(),
            message: format!("The username {username:?} is already taken."),
        }),
        Err(error) => Err(error.into()),
    }
}

fn is_unique_violation(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .is_some_and(|e| e.is_unique_violation())
}

/// Replaces an account's password and ends all its sessions, so a reset
/// locks out anyone who knew the old one. A reset by a coordinator is
/// temporary and clears the signing PIN (which was set with the old
/// password); the person's own change is theirs. Either is audited.
pub async fn set_password(
    db: &Db,
    user_id: i64,
    password_hash: PasswordHashText,
    by: PasswordBy,
    now_ms: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let (setter, sql) = match by {
        PasswordBy::Owner => (
            None,
            "UPDATE users SET password_hash = $1, password_set_ms = $3, password_set_by = $4, \
             must_change_password = 0 WHERE id = $2",
        ),
        PasswordBy::Coordinator(id) => (
            Some(id),
            "UPDATE users SET password_hash = $1, password_set_ms = $3, password_set_by = $4, \
             must_change_password = 1, pin_salt = NULL, pin_check = NULL, pin_failures = 0 \
             WHERE id = $2",
        ),
    };
    let updated = sqlx::query(sql)
        .bind(password_hash.0)
        .bind(user_id)
        .bind(now_ms)
        .bind(setter)
        .execute(&mut *tx)
        .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::not_found("Account"));
    }
    sqlx::query("DELETE FROM auth_sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    let (actor, action) = match by {
        PasswordBy::Owner => (user_id, "change own password"),
        PasswordBy::Coordinator(id) => (id, "reset password"),
    };
    Step::on_account(db, actor, user_id, now_ms)
        .audit(&mut tx, action, "")
        .await?;
    super::audit::commit(db, tx).await?;
    Ok(())
}

/// Disables an account (it cannot sign in, and is signed out everywhere;
/// everything it did stays) or enables it again. Nobody disables themselves.
pub async fn set_disabled(
    db: &Db,
    user_id: i64,
    disabled: bool,
    by: &CurrentUser,
    now_ms: i64,
) -> Result<(), AppError> {
    if user_id == by.id {
        return Err(AppError::invalid(
            "user_id",
            "You cannot disable your own account: ask another coordinator.",
        ));
    }
    let mut tx = db.begin_write().await?;
    let updated = if disabled {
        sqlx::query(
            "UPDATE users SET disabled_ms = $1, disabled_by = $2 WHERE id = $3 AND disabled_ms IS NULL",
        )
        .bind(now_ms)
        .bind(by.id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?
    } else {
        sqlx::query(
            "UPDATE users SET disabled_ms = NULL, disabled_by = NULL WHERE id = $1 AND disabled_ms IS NOT NULL",
        )
        .bind(user_id)
        .execute(&mut *tx)
        .await?
    };
    if updated.rows_affected() == 0 {
        return match find(db, user_id).await? {
            None => Err(AppError::not_found("Account")),
            Some(_) => Ok(()),
        };
    }
    sqlx::query("DELETE FROM auth_sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    let action = if disabled {
        "disable account"
    } else {
        "enable account"
    };
    Step::on_account(db, by.id, user_id, now_ms)
        .audit(&mut tx, action, "")
        .await?;
    super::audit::commit(db, tx).await?;
    Ok(())
}

/// Marks a contact worker as senior (they may then co-sign records and
/// reports, never their own) or no longer senior. Only a worker account can
/// be senior; the change is in the audit trail and takes effect at the
/// worker's next request.
pub async fn set_senior(
    db: &Db,
    user_id: i64,
    senior: bool,
    by: &CurrentUser,
    now_ms: i64,
) -> Result<(), AppError> {
    let account = find(db, user_id)
        .await?
        .ok_or_else(|| AppError::not_found("Account"))?;
    if account.role != Role::Worker {
        return Err(AppError::invalid(
            "user_id",
            "Only a contact worker's account can be marked senior: coordinators co-sign already.",
        ));
    }
    if account.senior == senior {
        return Ok(());
    }
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE users SET senior = $1 WHERE id = $2")
        .bind(i32::from(senior))
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    let action = if senior {
        "mark senior"
    } else {
        "unmark senior"
    };
    Step::on_account(db, by.id, user_id, now_ms)
        .audit(
            &mut tx,
            action,
            "may co-sign records and reports, never their own",
        )
        .await?;
    super::audit::commit(db, tx).await?;
    Ok(())
}

pub async fn count(db: &Db) -> Result<i64, AppError> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM users")
        .fetch_one(&db.pool)
        .await?;
    Ok(row.try_get("n")?)
}

/// Who set this account's password, and when, from the audit trail.
pub async fn password_history(db: &Db, user_id: i64) -> Result<PasswordHistory, AppError> {
    let rows = sqlx::query(
        "SELECT a.action, a.at_ms, u.display_name FROM audit_log a LEFT JOIN users u ON u.id = a.actor \
         WHERE a.subject = $1 AND a.action IN ('create account', 'reset password', 'change own password') \
         ORDER BY a.seq DESC",
    )
    .bind(format!("account:{user_id}"))
    .fetch_all(&db.pool)
    .await?;
    let mut history = PasswordHistory::default();
    for row in &rows {
        let action: String = row.try_get("action")?;
        let at_ms: i64 = row.try_get("at_ms")?;
        if action == "change own password" {
            history.own_choice_ms.get_or_insert(at_ms);
        } else if history.last_set_by_other.is_none() {
            let by: Option<String> = row.try_get("display_name")?;
            history.last_set_by_other = Some((at_ms, by.unwrap_or_else(|| "someone".to_owned())));
        }
    }
    Ok(history)
}

/// Every account, with the cases each is linked to, ordered by role then name.
pub async fn list(db: &Db) -> Result<Vec<AccountSummary>, AppError> {
    let rows = sqlx::query(
        "SELECT u.id, u.username, u.display_name, u.role, u.must_change_password, u.senior, \
         u.password_set_ms, u.disabled_ms, setter.display_name AS set_by, c.reference \
         FROM users u \
         LEFT JOIN users setter ON setter.id = u.password_set_by \
         LEFT JOIN case_members m ON m.user_id = u.id \
         LEFT JOIN cases c ON c.id = m.case_id \
         ORDER BY u.role, u.display_name, u.id, c.reference",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut accounts: Vec<AccountSummary> = Vec::new();
    for row in &rows {
        let user = user_from_row(row)?;
        let reference: Option<String> = row.try_get("reference")?;
        match accounts.last_mut() {
            Some(last) if last.id == user.id => last.cases.extend(reference),
            _ => accounts.push(AccountSummary {
                id: user.id,
                username: user.username,
                display_name: user.display_name,
                role: user.role,
                cases: reference.into_iter().collect(),
                password_set_ms: row.try_get("password_set_ms")?,
                password_set_by: row.try_get("set_by")?,
                must_change_password: user.must_change_password,
                disabled_ms: row.try_get("disabled_ms")?,
                senior: user.senior,
                delivery: None,
            }),
        }
    }
    let mut deliveries: std::collections::HashMap<i64, crate::model::Delivery> =
        super::outbox::user_deliveries(db)
            .await?
            .into_iter()
            .collect();
    for account in &mut accounts {
        if account.role != Role::Parent {
            account.delivery = deliveries.remove(&account.id);
        }
    }
    Ok(accounts)
}

/// A member of staff's or a referrer's own contact details and choice.
pub async fn contact(db: &Db, user_id: i64) -> Result<crate::model::MyContact, AppError> {
    let row = sqlx::query("SELECT email, phone, message_by FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&db.pool)
        .await?;
    Ok(crate::model::MyContact {
        email: row.try_get("email")?,
        phone: row.try_get("phone")?,
        message_by: row.try_get("message_by")?,
    })
}

/// Sets an account's contact details (already checked) and choice, audited
/// without the details themselves.
pub async fn set_contact(
    db: &Db,
    user_id: i64,
    by: i64,
    email: &str,
    phone: &str,
    message_by: crate::domain::message::MessageBy,
    now_ms: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE users SET email = $1, phone = $2, message_by = $3 WHERE id = $4")
        .bind(email)
        .bind(phone)
        .bind(message_by.as_str())
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    Step::on_account(db, by, user_id, now_ms)
        .audit(
            &mut tx,
            "contact details",
            &format!("messages by {}", message_by.as_str()),
        )
        .await?;
    super::audit::commit(db, tx).await
}

#[cfg(test)]
mod tests {
    use argon2::password_hash::{PasswordHasher, PasswordVerifier};

    use super::*;

    #[test]
    fn hashes_made_in_reused_memory_are_the_argon2_crates_own_both_ways() {
        // A hash stored by an earlier release (the crate's own hashing)
        // still opens, and one made now opens with the crate's verifier.
        let salt = SaltString::generate(&mut OsRng);
        let earlier = Argon2::default()
            .hash_password(b"correct horse battery", &salt)
            .unwrap()
            .to_string();
        assert!(argon2id_matches(b"correct horse battery", &earlier).unwrap());
        assert!(!argon2id_matches(b"correct horse batteries", &earlier).unwrap());

        let now = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(hash_password("a phrase of my own".to_owned()))
            .unwrap();
        let parsed = PasswordHash::new(&now.0).unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"a phrase of my own", &parsed)
                .is_ok()
        );
        assert!(
            Argon2::default()
                .verify_password(b"another phrase", &parsed)
                .is_err()
        );
        // Twice on one thread, so the reused memory is reused: same answer.
        assert!(argon2id_matches(b"a phrase of my own", &now.0).unwrap());
        assert!(argon2id_matches(b"a phrase of my own", &now.0).unwrap());
    }
}
