//! Counting password and PIN attempts in the database (`domain::throttle`
//! holds the limits and the arithmetic). An attempt writes a mark per
//! counter, then reads the counter's marks in its window: a mark written
//! before the read is always seen, so of any number of concurrent attempts
//! at most a counter's limit go ahead, and several server processes sharing
//! one PostgreSQL count together. A refused attempt removes its marks; a
//! success gives its marks back (and clears the account-from-address
//! counter, as a person who got in is no longer guessing).

use sqlx::Row;

use super::Db;
use crate::domain::throttle::{self, Counter};
use crate::error::AppError;

/// An attempt that was counted and may go ahead.
#[must_use = "say whether the attempt succeeded"]
pub struct Attempt {
    marks: Vec<(Counter, i64)>,
}

/// Counts one attempt against `counters`; refuses it (429, with the wait)
/// when any of them is over its limit.
pub async fn attempt(db: &Db, counters: Vec<Counter>, now_ms: i64) -> Result<Attempt, AppError> {
    let mut marks = Vec::with_capacity(counters.len());
    for counter in counters {
        let row =
            sqlx::query("INSERT INTO throttle_attempts (key, at_ms) VALUES ($1, $2) RETURNING id")
                .bind(counter.key.clone())
                .bind(now_ms)
                .fetch_one(&db.pool)
                .await?;
        marks.push((counter, row.try_get::<i64, _>("id")?));
    }
    let mut counts = Vec::with_capacity(marks.len());
    for (counter, _) in &marks {
        let times = sqlx::query(
            "SELECT at_ms FROM throttle_attempts WHERE key = $1 AND at_ms > $2 ORDER BY at_ms, id",
        )
        .bind(counter.key.clone())
        .bind(counter.counts_from_ms(now_ms))
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|row| row.try_get::<i64, _>("at_ms"))
        .collect::<Result<Vec<i64>, _>>()?;
        counts.push((counter.clone(), times));
    }
    let attempt = Attempt { marks };
    if let Some(retry_after_secs) = throttle::wait(&counts, now_ms) {
        attempt.remove_marks(db).await?;
        return Err(AppError::RateLimited { retry_after_secs });
    }
    // Now and then, forget attempts older than any window.
    if rand::random::<u8>() < 8 {
        sqlx::query("DELETE FROM throttle_attempts WHERE at_ms < $1")
            .bind(now_ms - throttle::LONGEST_WINDOW_MS)
            .execute(&db.pool)
            .await?;
    }
    Ok(attempt)
}

/// Counts a wrong guess that could not be refused before it was checked
/// (a PIN typed on a phone without signal, whose proof arrives later): its
/// marks count against the next attempts like any failed one.
pub async fn note_failure(db: &Db, counters: Vec<Counter>, now_ms: i64) -> Result<(), AppError> {
    for counter in counters {
        sqlx::query("INSERT INTO throttle_attempts (key, at_ms) VALUES ($1, $2)")
            .bind(counter.key.clone())
            .bind(now_ms)
            .execute(&db.pool)
            .await?;
    }
    Ok(())
}

impl Attempt {
    async fn remove_marks(&self, db: &Db) -> Result<(), AppError> {
        for (_, id) in &self.marks {
            sqlx::query("DELETE FROM throttle_attempts WHERE id = $1")
                .bind(*id)
                .execute(&db.pool)
                .await?;
        }
        Ok(())
    }

    /// The attempt succeeded: it no longer counts as a guess, and the
    /// counters cleared by a success start again.
    pub async fn succeeded(self, db: &Db) -> Result<(), AppError> {
        self.remove_marks(db).await?;
        for (counter, _) in self.marks.iter().filter(|(c, _)| c.cleared_by_success) {
            sqlx::query("DELETE FROM throttle_attempts WHERE key = $1")
                .bind(counter.key.clone())
                .execute(&db.pool)
                .await?;
        }
        Ok(())
    }

    /// The attempt failed: its marks stay, and count.
    pub fn failed(self) {}

    /// The attempt did not happen after all (refused for its content): it
    /// does not count.
    pub async fn withdraw(self, db: &Db) -> Result<(), AppError> {
        self.remove_marks(db).await
    }

    /// The attempt went ahead and counts (a referral made, say): its marks
    /// stay until they leave the window.
    pub fn counted(self) {}
}
