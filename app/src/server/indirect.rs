//! The indirect-contact log: items logged on arrival, checked, then
//! forwarded or withheld (`domain::indirect` holds the order of steps).
//! The sender's view carries the item's stage and dates only.

use sqlx::Row;

use super::audit::Step;
use super::{Db, failure};
use crate::domain::indirect::{ItemKind, ItemStage, ItemStep, check_description, next_stage};
use crate::domain::london_time::{format_iso_date, london_date, parse_date};
use crate::domain::money::Parent;
use crate::error::AppError;
use crate::model::{CurrentUser, IndirectItem, NewIndirectItem, SentItem};

/// Logs an item that has arrived. Returns its id.
pub async fn log_item(
    db: &Db,
    item: &NewIndirectItem,
    staff: &CurrentUser,
    now_ms: i64,
) -> Result<i64, AppError> {
    super::retention::refuse_if_closed(db, item.case_id).await?;
    let from_side = Parent::parse(&item.from_side).ok_or_else(|| {
        AppError::invalid(
            "from_side",
            "Say which parent sent it: resident or visiting.",
        )
    })?;
    let kind = ItemKind::parse(&item.kind).ok_or_else(|| {
        AppError::invalid(
            "kind",
            "Choose what it is: letter, card, gift, photo or other.",
        )
    })?;
    let description = check_description(&item.description)?;
    let received_on = parse_date("received_on", &item.received_on)?;
    if received_on > london_date(now_ms) {
        return Err(AppError::invalid(
            "received_on",
            "The date received cannot be in the future.",
        ));
    }
    let child = item.for_child.trim();
    let is_child_of_case =
        sqlx::query("SELECT 1 AS one FROM children WHERE case_id = $1 AND first_name = $2")
            .bind(item.case_id)
            .bind(child)
            .fetch_optional(&db.pool)
            .await?
            .is_some();
    if !is_child_of_case {
        return Err(AppError::invalid(
            "for_child",
            "Choose one of this case's children.",
        ));
    }
    let mut tx = db.begin_write().await?;
    let row = sqlx::query(
        "INSERT INTO indirect_items (case_id, from_side, for_child, kind, description, received_on, logged_by, logged_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(item.case_id)
    .bind(from_side.as_str())
    .bind(child)
    .bind(kind.as_str())
    .bind(description)
    .bind(format_iso_date(received_on))
    .bind(staff.id)
    .bind(now_ms)
    .fetch_one(&mut *tx)
    .await?;
    let id: i64 = row.try_get("id")?;
    Step::on_case(db, staff.id, item.case_id, now_ms)
        .audit(
            &mut tx,
            "indirect item logged",
            &format!(
                "item {id}: a {} from the {} parent",
                kind.as_str(),
                from_side.as_str()
            ),
        )
        .await?;
    super::audit::commit(db, tx).await?;
    Ok(id)
}

/// Takes the next step with an item: check, forward or withhold.
pub async fn take_step(
    db: &Db,
    item_id: i64,
    step: &ItemStep,
    staff: &CurrentUser,
    now_ms: i64,
) -> Result<ItemStage, AppError> {
    let mut tx = db.begin_write().await?;
    let row = sqlx::query("SELECT case_id, stage FROM indirect_items WHERE id = $1")
        .bind(item_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| AppError::not_found("That item"))?;
    let case_id: i64 = row.try_get("case_id")?;
    let stage: String = row.try_get("stage")?;
    let stage = ItemStage::parse(&stage).ok_or_else(|| failure::internal("unknown item stage"))?;
    let next = next_stage(stage, step)?;
    let query = match step {
        ItemStep::Check { note } => sqlx::query(
            "UPDATE indirect_items SET stage = $1, checked_by = $2, checked_ms = $3, check_note = $4 \
             WHERE id = $5 AND stage = $6",
        )
        .bind(next.as_str())
        .bind(staff.id)
        .bind(now_ms)
        .bind(note.trim().to_owned()),
        ItemStep::Forward | ItemStep::Withhold { .. } => {
            let reason = match step {
                ItemStep::Withhold { reason } => reason.trim().to_owned(),
                _ => String::new(),
            };
            sqlx::query(
                "UPDATE indirect_items SET stage = $1, done_by = $2, done_ms = $3, withheld_reason = $4 \
                 WHERE id = $5 AND stage = $6",
            )
            .bind(next.as_str())
            .bind(staff.id)
            .bind(now_ms)
            .bind(reason)
        }
    };
    let changed = query
        .bind(item_id)
        .bind(stage.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if changed == 0 {
        return Err(AppError::conflict(
            "Someone else dealt with this item just now. Look again.",
        ));
    }
    Step::on_case(db, staff.id, case_id, now_ms)
        .audit(
            &mut tx,
            "indirect item step",
            &format!("item {item_id}: {} to {}", stage.as_str(), next.as_str()),
        )
        .await?;
    super::audit::commit(db, tx).await?;
    Ok(next)
}

/// A case's items, newest first, for staff.
pub async fn items_of_case(db: &Db, case_id: i64) -> Result<Vec<IndirectItem>, AppError> {
    let rows = sqlx::query(
        "SELECT i.id, i.from_side, i.for_child, i.kind, i.description, i.received_on, l.display_name AS logger, \
         i.stage, c.display_name AS checker, i.checked_ms, i.check_note, d.display_name AS doer, i.done_ms, \
         i.withheld_reason FROM indirect_items i JOIN users l ON l.id = i.logged_by \
         LEFT JOIN users c ON c.id = i.checked_by LEFT JOIN users d ON d.id = i.done_by \
         WHERE i.case_id = $1 ORDER BY i.received_on DESC, i.id DESC",
    )
    .bind(case_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            let side: String = row.try_get("from_side")?;
            let kind: String = row.try_get("kind")?;
            let stage: String = row.try_get("stage")?;
            Ok(IndirectItem {
                id: row.try_get("id")?,
                from_side: Parent::parse(&side).ok_or_else(|| failure::internal("unknown side"))?,
                for_child: row.try_get("for_child")?,
                kind: ItemKind::parse(&kind).ok_or_else(|| failure::internal("unknown kind"))?,
                description: row.try_get("description")?,
                received_on: row.try_get("received_on")?,
                logged_by: row.try_get("logger")?,
                stage: ItemStage::parse(&stage)
                    .ok_or_else(|| failure::internal("unknown stage"))?,
                checked_by: row.try_get("checker")?,
                checked_ms: row.try_get("checked_ms")?,
                check_note: row.try_get("check_note")?,
                done_by: row.try_get("doer")?,
                done_ms: row.try_get("done_ms")?,
                withheld_reason: row.try_get("withheld_reason")?,
            })
        })
        .collect()
}

/// What one parent sent, for their portal: stage and dates only, so
/// nothing about the child's home or the staff's notes reaches them.
pub async fn sent_by(db: &Db, case_id: i64, side: Parent) -> Result<Vec<SentItem>, AppError> {
    Ok(items_of_case(db, case_id)
        .await?
        .into_iter()
        .filter(|item| item.from_side == side)
        .map(|item| SentItem {
            for_child: item.for_child,
            kind: item.kind,
            received_on: item.received_on,
            stage: item.stage,
            forwarded_ms: (item.stage == ItemStage::Forwarded)
                .then_some(item.done_ms)
                .flatten(),
        })
        .collect())
}
