//! Bookings: one or a series in one action, with staggered times, centre
//! hours, the plan and agreements, the attendance rule and clashes all
//! checked first; then cancellations with what they cost, and attendance.

use sqlx::Row;

use super::audit::Step;
use super::{Db, attendance, plans, portal, settings};
use crate::domain::attendance::is_suspended;
use crate::domain::london_time::{format_london_day, format_london_time, parse_date};
use crate::domain::money::{
    Canceller, ChargeKind, Chargeable, Forfeit, Parent, Pence, cancellation_forfeit, charges_for,
    forfeit_explanation,
};
use crate::domain::notice::{cancellation_notice, moved_notice, told_of_cancellation};
use crate::domain::risk::check_service_against_risk;
use crate::domain::role::Role;
use crate::domain::schedule::{
    BookingKind, Slot, StaggeredTimes, check_centre_hours, chosen_starts, find_clash,
    open_series_starts, stagger,
};
use crate::error::AppError;
use crate::model::{CancellationPreview, SeriesRequest};

const MINUTE_MS: i64 = 60_000;

/// Books every session of the request, or none: returns the new booking ids.
pub async fn book_series(
    db: &Db,
    request: &SeriesRequest,
    by: i64,
    now_ms: i64,
) -> Result<Vec<i64>, AppError> {
    if !(1..=52).contains(&request.count) {
        return Err(AppError::invalid(
            "count",
            "Book 1 to 52 sessions at a time.",
        ));
    }
    if !(15..=480).contains(&request.duration_min) {
        return Err(AppError::invalid(
            "duration_min",
            "A booking lasts 15 minutes to 8 hours.",
        ));
    }
    if request.count > 1 && !(1..=365).contains(&request.every_days) {
        return Err(AppError::invalid(
            "every_days",
            "A series repeats every 1 to 365 days.",
        ));
    }
    if request.first_start_ms <= now_ms {
        return Err(AppError::invalid(
            "start",
            "A booking must start in the future.",
        ));
    }
    super::retention::refuse_if_closed(db, request.case_id).await?;
    let room = sqlx::query("SELECT name FROM rooms WHERE id = $1")
        .bind(request.room_id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or_else(|| AppError::invalid("room_id", "There is no such room."))?;
    let room_name: String = room.try_get("name")?;
    let funding = plans::funding(db, request.case_id).await?;

    // Contact needs a plan both parents have signed, contact not suspended,
    // and a risk decision that allows the plan's service.
    let plan = if request.kind.is_contact() {
        let plan = plans::current_signed_plan(db, request.case_id).await?.ok_or_else(|| {
            AppError::conflict(
                "Sessions can be booked only once there is a contact plan and both parents have signed their agreements.",
            )
        })?;
        if is_suspended(&attendance::attendance_since(db, request.case_id, plan.created_at).await?)
        {
            return Err(AppError::conflict(
                "Contact is suspended after three missed sessions without a reason. Record a new agreement before booking again.",
            ));
        }
        check_service_against_risk(
            super::referrals::latest_decision(db, request.case_id).await?,
            plan.service,
        )?;
        Some(plan)
    } else {
        None
    };
    let workers_needed = plan.as_ref().map_or(1, |p| p.service.workers_needed());
    let mut workers = request.worker_ids.clone();
    workers.sort_unstable();
    workers.dedup();
    if workers.len() < workers_needed {
        return Err(AppError::invalid(
            "worker_ids",
            format!("This booking needs {workers_needed} contact worker(s); choose them."),
        ));
    }
    let mut worker_names = Vec::new();
    for id in &workers {
        let user = super::accounts::find(db, *id).await?;
        match user {
            Some(user) if user.role == Role::Worker => worker_names.push((*id, user.display_name)),
            _ => {
                return Err(AppError::invalid(
                    "worker_ids",
                    "Choose contact workers from the list.",
                ));
            }
        }
    }
    let parent_side = match request.kind {
        BookingKind::PreVisit => Some(request.parent_side.ok_or_else(|| {
            AppError::invalid(
                "parent_side",
                "Say whose pre-visit this is: each parent has their own.",
            )
        })?),
        _ => None,
    };
    let parents = parents_of(db, request.case_id).await?;
    let parents_in: Vec<(i64, String)> = match parent_side {
        Some(side) => parents
            .iter()
            .filter(|(s, _, _)| *s == side)
            .map(|(_, id, n)| (*id, n.clone()))
            .collect(),
        None => parents.iter().map(|(_, id, n)| (*id, n.clone())).collect(),
    };

    let stagger_settings = settings::stagger(db).await?;
    let hours = settings::hours(db).await?;
    let closures = settings::closures(db).await?;
    let prices = settings::prices(db).await?;
    let starts = if request.more_dates.is_empty() {
        open_series_starts(
            request.first_start_ms,
            request.count,
            request.every_days,
            &closures,
        )?
    } else {
        if request.count != 1 {
            return Err(AppError::invalid(
                "more_dates",
                "Book either a repeating series or chosen dates, not both.",
            ));
        }
        let dates = request
            .more_dates
            .iter()
            .map(|text| parse_date("more_dates", text))
            .collect::<Result<Vec<_>, _>>()?;
        chosen_starts(request.first_start_ms, &dates, &closures)?
    };
    let mut planned: Vec<(i64, i64, StaggeredTimes)> = Vec::new();
    for start in starts {
        let end = start + request.duration_min * MINUTE_MS;
        let times = stagger(start, end, &stagger_settings)?;
        check_centre_hours(times.span(), &hours, &closures)?;
        planned.push((start, end, times));
    }
    let (from, to) = (planned[0].2.span().0, planned[planned.len() - 1].2.span().1);
    let mut existing = slots_between(db, from, to).await?;
    for (index, (_, _, times)) in planned.iter().enumerate() {
        let proposed = Slot {
            booking_id: -(index as i64) - 1,
            from_ms: times.span().0,
            to_ms: times.span().1,
            room: room_name.clone(),
            workers: worker_names.clone(),
            parents: parents_in.clone(),
        };
        if let Some(clash) = find_clash(&proposed, &existing) {
            return Err(AppError::conflict(clash.message()));
        }
        existing.push(proposed);
    }

    let mut tx = db.begin_write().await?;
    let mut ids = Vec::new();
    for (start, end, times) in planned {
        let row = sqlx::query(
            "INSERT INTO bookings (case_id, plan_id, kind, parent_side, room_id, starts_at, ends_at, \
             visiting_arrives_at, visiting_leaves_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(request.case_id)
        .bind(plan.as_ref().map(|p| p.id))
        .bind(request.kind.as_str())
        .bind(parent_side.map(Parent::as_str))
        .bind(request.room_id)
        .bind(start)
        .bind(end)
        .bind(times.visiting_arrives_ms)
        .bind(times.visiting_leaves_ms)
        .bind(now_ms)
        .fetch_one(&mut *tx)
        .await?;
        let booking_id: i64 = row.try_get("id")?;
        for worker in &workers {
            sqlx::query("INSERT INTO booking_workers (booking_id, user_id) VALUES ($1, $2)")
                .bind(booking_id)
                .bind(worker)
                .execute(&mut *tx)
                .await?;
        }
        let chargeable = match (request.kind, parent_side) {
            (BookingKind::PreVisit, Some(side)) => Some(Chargeable::PreVisit(side)),
            (BookingKind::Session, _) => Some(Chargeable::Session),
            _ => None,
        };
        let charges: Vec<_> = chargeable
            .into_iter()
            .flat_map(|c| charges_for(c, funding, &prices))
            .collect();
        super::ledger::raise(&mut tx, request.case_id, Some(booking_id), &charges, now_ms).await?;
        ids.push(booking_id);
    }
    super::funding::apply_funding(&mut tx, request.case_id).await?;
    let detail = format!(
        "{} × {} from {} {}, every {} days, in {room_name}, workers {:?}: bookings {:?}",
        ids.len(),
        request.kind.as_str(),
        format_london_day(request.first_start_ms),
        format_london_time(request.first_start_ms),
        request.every_days,
        workers,
        ids
    );
    Step::on_case(db, by, request.case_id, now_ms)
        .audit(&mut tx, "book", &detail)
        .await?;
    super::audit::commit(db, tx).await?;
    Ok(ids)
}

/// Moves a booking that has not started to a new start (the same length),
/// with its staggered times worked out again and every rule a new booking
/// meets checked first: centre hours, closed days, and clashes of room,
/// workers and parents with every other booking. The parents in it are
/// told their own new times, in the same transaction.
pub async fn move_booking(
    db: &Db,
    booking_id: i64,
    new_start_ms: i64,
    by: i64,
    now_ms: i64,
) -> Result<(), AppError> {
    let row = sqlx::query(
        "SELECT b.case_id, b.kind, b.parent_side, b.starts_at, b.ends_at, b.visiting_arrives_at, \
         b.cancelled_at, b.attendance, r.name AS room FROM bookings b JOIN rooms r ON r.id = b.room_id \
         WHERE b.id = $1",
    )
    .bind(booking_id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or_else(|| AppError::not_found("Booking"))?;
    let case_id: i64 = row.try_get("case_id")?;
    let kind: String = row.try_get("kind")?;
    let kind = BookingKind::parse(&kind)
        .ok_or_else(|| super::failure::internal("unknown booking kind"))?;
    let starts_at: i64 = row.try_get("starts_at")?;
    let ends_at: i64 = row.try_get("ends_at")?;
    let old_visiting: i64 = row.try_get("visiting_arrives_at")?;
    if row.try_get::<Option<i64>, _>("cancelled_at")?.is_some() {
        return Err(AppError::conflict("That booking was cancelled."));
    }
    if starts_at <= now_ms || row.try_get::<Option<String>, _>("attendance")?.is_some() {
        return Err(AppError::conflict(
            "That booking has already started; only one still ahead can be moved.",
        ));
    }
    if new_start_ms <= now_ms {
        return Err(AppError::invalid(
            "start",
            "The new time must be in the future.",
        ));
    }
    if new_start_ms == starts_at {
        return Err(AppError::invalid(
            "start",
            "That is when it is booked already.",
        ));
    }
    let closures = settings::closures(db).await?;
    let day = crate::domain::london_time::london_from_ms(new_start_ms).date();
    if let Some(reason) = closures.closed_on(day) {
        return Err(AppError::invalid(
            "start",
            format!(
                "The centre is closed on {} ({reason}).",
                crate::domain::london_time::format_day(day)
            ),
        ));
    }
    let new_end = new_start_ms + (ends_at - starts_at);
    let times = stagger(new_start_ms, new_end, &settings::stagger(db).await?)?;
    check_centre_hours(times.span(), &settings::hours(db).await?, &closures)?;
    let side = row
        .try_get::<Option<String>, _>("parent_side")?
        .as_deref()
        .and_then(Parent::parse);
    let workers = workers_in(db, booking_id).await?;
    let parents = parents_in(db, case_id, side).await?;
    let proposed = Slot {
        booking_id,
        from_ms: times.span().0,
        to_ms: times.span().1,
        room: row.try_get("room")?,
        workers,
        parents,
    };
    let existing = slots_between(db, proposed.from_ms, proposed.to_ms).await?;
    if let Some(clash) = find_clash(&proposed, &existing) {
        return Err(AppError::conflict(clash.message()));
    }
    let mut tx = db.begin_write().await?;
    let moved = sqlx::query(
        "UPDATE bookings SET starts_at = $1, ends_at = $2, visiting_arrives_at = $3, visiting_leaves_at = $4 \
         WHERE id = $5 AND cancelled_at IS NULL AND starts_at = $6",
    )
    .bind(new_start_ms)
    .bind(new_end)
    .bind(times.visiting_arrives_ms)
    .bind(times.visiting_leaves_ms)
    .bind(booking_id)
    .bind(starts_at)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if moved != 1 {
        return Err(AppError::conflict(
            "That booking changed meanwhile. Look again.",
        ));
    }
    for parent in [Parent::Resident, Parent::Visiting] {
        if side.is_some_and(|only| only != parent) {
            continue;
        }
        let (old_own, new_own) = match (parent, kind.is_contact()) {
            (Parent::Visiting, true) => (old_visiting, times.visiting_arrives_ms),
            _ => (starts_at, new_start_ms),
        };
        portal::tell(
            &mut tx,
            case_id,
            parent,
            Some(booking_id),
            &moved_notice(kind, old_own, new_own),
            &crate::domain::message::moved(kind, old_own, new_own),
            now_ms,
        )
        .await?;
    }
    Step::on_case(db, by, case_id, now_ms)
        .audit(
            &mut tx,
            "move",
            &format!("booking {booking_id}: from {starts_at} to {new_start_ms} (UTC ms)"),
        )
        .await?;
    super::audit::commit(db, tx).await
}

/// The case's parents: side, id, name.
async fn parents_of(db: &Db, case_id: i64) -> Result<Vec<(Parent, i64, String)>, AppError> {
    let rows = sqlx::query(
        "SELECT id, side, full_name FROM case_parents WHERE case_id = $1 ORDER BY side",
    )
    .bind(case_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            let side: String = row.try_get("side")?;
            let side = Parent::parse(&side)
                .ok_or_else(|| super::failure::internal("unknown parent side"))?;
            Ok((side, row.try_get("id")?, row.try_get("full_name")?))
        })
        .collect()
}

/// The workers booked on a booking: id and name.
async fn workers_in(db: &Db, booking_id: i64) -> Result<Vec<(i64, String)>, AppError> {
    Ok(sqlx::query(
        "SELECT u.id, u.display_name FROM booking_workers w JOIN users u ON u.id = w.user_id WHERE w.booking_id = $1",
    )
    .bind(booking_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|w| Ok((w.try_get("id")?, w.try_get("display_name")?)))
    .collect::<Result<Vec<(i64, String)>, sqlx::Error>>()?)
}

/// The parents in a booking (`only`: a pre-visit's one parent): id and name.
async fn parents_in(
    db: &Db,
    case_id: i64,
    only: Option<Parent>,
) -> Result<Vec<(i64, String)>, AppError> {
    Ok(parents_of(db, case_id)
        .await?
        .into_iter()
        .filter(|(side, _, _)| only.is_none_or(|only| only == *side))
        .map(|(_, id, name)| (id, name))
        .collect())
}

/// Every live booking overlapping the span, with its room, workers and parents.
async fn slots_between(db: &Db, from_ms: i64, to_ms: i64) -> Result<Vec<Slot>, AppError> {
    let rows = sqlx::query(
        "SELECT b.id, b.case_id, b.kind, b.parent_side, b.visiting_arrives_at, b.visiting_leaves_at, r.name AS room \
         FROM bookings b JOIN rooms r ON r.id = b.room_id \
         WHERE b.cancelled_at IS NULL AND b.visiting_arrives_at < $2 AND b.visiting_leaves_at > $1",
    )
    .bind(from_ms)
    .bind(to_ms)
    .fetch_all(&db.pool)
    .await?;
    let mut slots = Vec::new();
    for row in rows {
        let id: i64 = row.try_get("id")?;
        let case_id: i64 = row.try_get("case_id")?;
        let side: Option<String> = row.try_get("parent_side")?;
        let workers = workers_in(db, id).await?;
        let parents = parents_in(db, case_id, side.as_deref().and_then(Parent::parse)).await?;
        slots.push(Slot {
            booking_id: id,
            from_ms: row.try_get("visiting_arrives_at")?,
            to_ms: row.try_get("visiting_leaves_at")?,
            room: row.try_get("room")?,
            workers,
            parents,
        });
    }
    Ok(slots)
}

/// The longest reason for a cancellation.
pub const MOST_REASON_CHARS: usize = 300;

/// What cancelling a booking now would cost the parent `by`, in pence and
/// in words: the fee actually charged for it, or the deposit actually held
/// against the case, not today's prices.
pub async fn cancellation_cost(
    db: &Db,
    booking_id: i64,
    by: Canceller,
    now_ms: i64,
) -> Result<CancellationPreview, AppError> {
    let row = sqlx::query("SELECT case_id, kind, starts_at FROM bookings WHERE id = $1")
        .bind(booking_id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or_else(|| AppError::not_found("Booking"))?;
    let case_id: i64 = row.try_get("case_id")?;
    let starts_at: i64 = row.try_get("starts_at")?;
    let kind: String = row.try_get("kind")?;
    let kind = BookingKind::parse(&kind)
        .ok_or_else(|| super::failure::internal("unknown booking kind"))?;
    let forfeit = cancellation_forfeit(by, kind, starts_at - now_ms);
    // Summed here: PostgreSQL's SUM of a BIGINT is a NUMERIC.
    let amounts = match (forfeit, by) {
        (Forfeit::Nothing, _) | (_, Canceller::Centre) => Vec::new(),
        (Forfeit::SessionFee | Forfeit::PreVisitFee, Canceller::Parent(parent)) => {
            sqlx::query(
                "SELECT amount_pence FROM charges \
                 WHERE booking_id = $1 AND parent_side = $2 AND waived_at IS NULL AND funded_by IS NULL",
            )
            .bind(booking_id)
            .bind(parent.as_str())
            .fetch_all(&db.pool)
            .await?
        }
        (Forfeit::Deposit, Canceller::Parent(parent)) => {
            sqlx::query(
                "SELECT amount_pence FROM charges WHERE case_id = $1 AND parent_side = $2 \
                 AND kind = $3 AND waived_at IS NULL AND forfeited_at IS NULL",
            )
            .bind(case_id)
            .bind(parent.as_str())
            .bind(ChargeKind::Deposit.as_str())
            .fetch_all(&db.pool)
            .await?
        }
    };
    let amount = amounts
        .iter()
        .map(|row| row.try_get::<i64, _>("amount_pence"))
        .sum::<Result<i64, _>>()?;
    Ok(CancellationPreview {
        booking_id,
        forfeit,
        explanation: forfeit_explanation(
            forfeit,
            Pence(amount),
            super::plans::funding(db, case_id).await?,
        ),
    })
}

/// Cancels a booking and settles what it costs (`cancellation_forfeit`):
/// with 48 hours' notice or more, or when the centre cancels, its charge is
/// waived; later than that, the parent keeps no fee for it and, for a
/// session the resident parent cancels, forfeits the deposit. A parent's
/// own reason is for staff: the other parent is told only that it is off.
/// Returns what was forfeited.
pub async fn cancel(
    db: &Db,
    booking_id: i64,
    by: Canceller,
    reason: &str,
    actor: i64,
    now_ms: i64,
) -> Result<Forfeit, AppError> {
    let row = sqlx::query(
        "SELECT case_id, kind, parent_side, starts_at, visiting_arrives_at, cancelled_at FROM bookings WHERE id = $1",
    )
    .bind(booking_id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or_else(|| AppError::not_found("Booking"))?;
    let case_id: i64 = row.try_get("case_id")?;
    let starts_at: i64 = row.try_get("starts_at")?;
    let visiting_arrives_at: i64 = row.try_get("visiting_arrives_at")?;
    let kind: String = row.try_get("kind")?;
    let kind = BookingKind::parse(&kind).unwrap_or(BookingKind::Session);
    let booking_parent = row
        .try_get::<Option<String>, _>("parent_side")?
        .as_deref()
        .and_then(Parent::parse);
    let cancelled_at: Option<i64> = row.try_get("cancelled_at")?;
    if cancelled_at.is_some() {
        return Err(AppError::conflict("That booking is already cancelled."));
    }
    if starts_at <= now_ms {
        return Err(AppError::conflict("That booking has already started."));
    }
    if by == Canceller::Centre && reason.trim().is_empty() {
        return Err(AppError::invalid(
            "reason",
            "Say why the centre is cancelling; both parents are told.",
        ));
    }
    if reason.chars().count() > MOST_REASON_CHARS {
        return Err(AppError::invalid(
            "reason",
            format!("Keep the reason to {MOST_REASON_CHARS} characters."),
        ));
    }
    let forfeit = cancellation_forfeit(by, kind, starts_at - now_ms);
    let who = match by {
        Canceller::Parent(parent) => parent.as_str(),
        Canceller::Centre => "centre",
    };
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE bookings SET cancelled_at = $1, cancelled_by = $2, cancel_reason = $3 WHERE id = $4")
        .bind(now_ms)
        .bind(who)
        .bind(reason.trim())
        .bind(booking_id)
        .execute(&mut *tx)
        .await?;
    // A fee is kept only after a late cancellation, and never one a funder
    // pays: a funded session costs the parents nothing, cancelled or not.
    sqlx::query(
        "UPDATE charges SET waived_at = $1 WHERE booking_id = $2 AND waived_at IS NULL \
         AND ($3 = 0 OR funded_by IS NOT NULL)",
    )
    .bind(now_ms)
    .bind(booking_id)
    .bind(i64::from(forfeit.keeps_booking_charge()))
    .execute(&mut *tx)
    .await?;
    // Its funded place, if it had one, goes to the next session.
    super::funding::apply_funding(&mut tx, case_id).await?;
    if forfeit == Forfeit::Deposit {
        sqlx::query(
            "UPDATE charges SET forfeited_at = $1 WHERE case_id = $2 AND parent_side = 'resident' \
             AND kind = $3 AND forfeited_at IS NULL AND waived_at IS NULL",
        )
        .bind(now_ms)
        .bind(case_id)
        .bind(ChargeKind::Deposit.as_str())
        .execute(&mut *tx)
        .await?;
    }
    // The other parents in the booking are told, each with their own time.
    for parent in told_of_cancellation(by, booking_parent) {
        let own_time = match parent {
            Parent::Visiting => visiting_arrives_at,
            Parent::Resident => starts_at,
        };
        portal::tell(
            &mut tx,
            case_id,
            parent,
            Some(booking_id),
            &cancellation_notice(by, kind, own_time, reason),
            &crate::domain::message::cancelled(by, kind, own_time, reason),
            now_ms,
        )
        .await?;
    }
    Step::on_case(db, actor, case_id, now_ms)
        .audit(
            &mut tx,
            "cancel",
            &format!(
                "booking {booking_id}, by the {who}: {}; forfeit: {forfeit:?}",
                reason.trim()
            ),
        )
        .await?;
    super::audit::commit(db, tx).await?;
    Ok(forfeit)
}

/// The case a booking belongs to and when it starts.
/// Cancels, as the centre, every booking of the case still ahead, each its
/// own step with the parents told (after a review ends contact, or when the
/// case closes); returns how many were cancelled.
pub async fn cancel_ahead(
    db: &Db,
    case_id: i64,
    reason: &str,
    by: i64,
    now_ms: i64,
) -> Result<usize, AppError> {
    let ahead: Vec<i64> = sqlx::query(
        "SELECT id FROM bookings WHERE case_id = $1 AND starts_at > $2 AND cancelled_at IS NULL ORDER BY starts_at",
    )
    .bind(case_id)
    .bind(now_ms)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|row| row.try_get("id"))
    .collect::<Result<_, _>>()?;
    for id in &ahead {
        cancel(db, *id, Canceller::Centre, reason, by, now_ms).await?;
    }
    Ok(ahead.len())
}

pub async fn case_and_start(db: &Db, booking_id: i64) -> Result<Option<(i64, i64)>, AppError> {
    let row = sqlx::query("SELECT case_id, starts_at FROM bookings WHERE id = $1")
        .bind(booking_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row
        .map(|row| Ok::<_, sqlx::Error>((row.try_get("case_id")?, row.try_get("starts_at")?)))
        .transpose()?)
}

/// Writes one supervised session with the centre's staggering, without the
/// booking rules (hours, clashes): for the demo's session-in-progress only.
#[allow(clippy::too_many_arguments)]
pub async fn insert_demo_session(
    db: &Db,
    case_id: i64,
    plan_id: i64,
    room_id: i64,
    starts_ms: i64,
    ends_ms: i64,
    worker_ids: &[i64],
    now_ms: i64,
) -> Result<(), AppError> {
    let times = stagger(starts_ms, ends_ms, &settings::stagger(db).await?)?;
    let mut tx = db.begin_write().await?;
    let row = sqlx::query(
        "INSERT INTO bookings (case_id, plan_id, kind, room_id, starts_at, ends_at, \
         visiting_arrives_at, visiting_leaves_at, created_at) \
         VALUES ($1, $2, 'session', $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(case_id)
    .bind(plan_id)
    .bind(room_id)
    .bind(starts_ms)
    .bind(ends_ms)
    .bind(times.visiting_arrives_ms)
    .bind(times.visiting_leaves_ms)
    .bind(now_ms)
    .fetch_one(&mut *tx)
    .await?;
    let booking_id: i64 = row.try_get("id")?;
    for worker in worker_ids {
        sqlx::query("INSERT INTO booking_workers (booking_id, user_id) VALUES ($1, $2)")
            .bind(booking_id)
            .bind(*worker)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}
