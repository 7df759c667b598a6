//! Cases, their children, and the parents and referrers linked to them.

use sqlx::Row;

use super::Db;
use crate::domain::london_time::{age_on, london_date, parse_date};
use crate::domain::role::CaseRelation;
use crate::error::AppError;
use crate::model::{CaseSummary, ChildSummary};

pub async fn create(db: &Db, reference: &str, now_ms: i64) -> Result<i64, AppError> {
    let row = sqlx::query("INSERT INTO cases (reference, created_at) VALUES ($1, $2) RETURNING id")
        .bind(reference)
        .bind(now_ms)
        .fetch_one(&db.pool)
        .await?;
    Ok(row.try_get("id")?)
}

pub async fn find_by_reference(db: &Db, reference: &str) -> Result<Option<i64>, AppError> {
    let row = sqlx::query("SELECT id FROM cases WHERE reference = $1")
        .bind(reference)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(|row| row.try_get("id")).transpose()?)
}

pub async fn add_child(
    db: &Db,
    case_id: i64,
    first_name: &str,
    last_name: &str,
    date_of_birth: &str,
) -> Result<(), AppError> {
    let date = parse_date("date_of_birth", date_of_birth)?;
    sqlx::query(
        "INSERT INTO children (case_id, first_name, last_name, date_of_birth) VALUES ($1, $2, $3, $4)",
    )
    .bind(case_id)
    .bind(first_name)
    .bind(last_name)
    .bind(date.format("%Y-%m-%d").to_string())
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Links an account to a case, in the audit trail with who did it. The
/// account's role must fit the relation: a parent as a parent, a referrer as
/// the referrer.
pub async fn link(
    db: &Db,
    case_id: i64,
    user_id: i64,
    relation: CaseRelation,
    by: i64,
    now_ms: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    link_in(db, &mut tx, case_id, user_id, relation, by, now_ms).await?;
    super::audit::commit(db, tx).await
}

/// `link`, inside a transaction of the caller's.
pub(super) async fn link_in(
    db: &Db,
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    case_id: i64,
    user_id: i64,
    relation: CaseRelation,
    by: i64,
    now_ms: i64,
) -> Result<(), AppError> {
    let user = super::accounts::find(db, user_id)
        .await?
        .ok_or_else(|| AppError::not_found("Account"))?;
    if user.role != relation.required_role() {
        return Err(AppError::invalid(
            "relation",
            format!(
                "{} is a {} account and cannot be linked as {}.",
                user.display_name,
                user.role.label().to_lowercase(),
                relation.label().to_lowercase()
            ),
        ));
    }
    sqlx::query("INSERT INTO case_members (case_id, user_id, relation) VALUES ($1, $2, $3)")
        .bind(case_id)
        .bind(user_id)
        .bind(relation.as_str())
        .execute(&mut **tx)
        .await?;
    super::audit::Step::on_case(db, by, case_id, now_ms)
        .audit(
            tx,
            "link account",
            &format!(
                "account {user_id} ({}) as {}",
                user.display_name,
                relation.as_str()
            ),
        )
        .await
}

/// The cases a parent or referrer is linked to, with each child's first name
/// and age: nothing about any other person.
pub async fn for_member(db: &Db, user_id: i64, now_ms: i64) -> Result<Vec<CaseSummary>, AppError> {
    let rows = sqlx::query(
        "SELECT c.id, c.reference, c.closed_ms, m.relation, ch.first_name, ch.date_of_birth \
         FROM case_members m \
         JOIN cases c ON c.id = m.case_id \
         LEFT JOIN children ch ON ch.case_id = c.id \
         WHERE m.user_id = $1 \
         ORDER BY c.reference, ch.date_of_birth, ch.id",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    let today = london_date(now_ms);
    let mut cases: Vec<(i64, CaseSummary)> = Vec::new();
    for row in &rows {
        let case_id: i64 = row.try_get("id")?;
        if cases.last().is_none_or(|(id, _)| *id != case_id) {
            let relation_text: String = row.try_get("relation")?;
            let relation = CaseRelation::parse(&relation_text).ok_or_else(|| {
                super::failure::internal(format!("unknown relation {relation_text:?}"))
            })?;
            cases.push((
                case_id,
                CaseSummary {
                    reference: row.try_get("reference")?,
                    relation,
                    children: Vec::new(),
                    closed_ms: row.try_get("closed_ms")?,
                },
            ));
        }
        let first_name: Option<String> = row.try_get("first_name")?;
        let date_of_birth: Option<String> = row.try_get("date_of_birth")?;
        if let (Some(first_name), Some(date_of_birth), Some((_, case))) =
            (first_name, date_of_birth, cases.last_mut())
        {
            let born = parse_date("date_of_birth", &date_of_birth)
                .map_err(|_| super::failure::internal("bad stored date of birth"))?;
            case.children.push(ChildSummary {
                first_name,
                age_years: age_on(born, today),
            });
        }
    }
    Ok(cases.into_iter().map(|(_, case)| case).collect())
}

/// The cases a user is a member of, with how: (case id, reference, relation).
pub async fn memberships(
    db: &Db,
    user_id: i64,
) -> Result<Vec<(i64, String, CaseRelation)>, AppError> {
    let rows = sqlx::query(
        "SELECT c.id, c.reference, m.relation FROM case_members m JOIN cases c ON c.id = m.case_id \
         WHERE m.user_id = $1 ORDER BY c.reference",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            let relation: String = row.try_get("relation")?;
            Ok((
                row.try_get("id")?,
                row.try_get("reference")?,
                CaseRelation::parse(&relation)
                    .ok_or_else(|| super::failure::internal("unknown relation"))?,
            ))
        })
        .collect()
}
