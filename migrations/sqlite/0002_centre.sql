-- The centre's back office: referrals, parents' details, contact plans,
-- rooms, bookings with staggered times, charges and payments.
-- Times: milliseconds since the Unix epoch, UTC. Dates: TEXT YYYY-MM-DD.
-- Money: integer pence.

-- Centre settings (prices, staggering, opening hours) as JSON by name.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE rooms (
    id   INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT    NOT NULL UNIQUE
);

CREATE TABLE referrals (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id             INTEGER NOT NULL UNIQUE REFERENCES cases (id) ON DELETE CASCADE,
    source              TEXT    NOT NULL CHECK (source IN ('solicitor', 'social_worker', 'mediator', 'cafcass', 'court_order', 'self')),
    law                 TEXT    NOT NULL CHECK (law IN ('private', 'public')),
    funding             TEXT    NOT NULL CHECK (funding IN ('private', 'cafcass')),
    court_orders        TEXT    NOT NULL DEFAULT '',
    pending_proceedings TEXT    NOT NULL DEFAULT '',
    -- A self-referral needs both parents' consent, recorded by date.
    resident_consent_on TEXT,
    visiting_consent_on TEXT,
    status              TEXT    NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'accepted', 'declined')),
    decision_note       TEXT    NOT NULL DEFAULT '',
    received_at         INTEGER NOT NULL,
    decided_at          INTEGER,
    decided_by          INTEGER REFERENCES users (id)
);

CREATE TABLE referral_reasons (
    referral_id INTEGER NOT NULL REFERENCES referrals (id) ON DELETE CASCADE,
    reason      TEXT    NOT NULL,
    PRIMARY KEY (referral_id, reason)
);

-- Each parent's details: seen by staff only, never by the other parent.
CREATE TABLE case_parents (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id   INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    side      TEXT    NOT NULL CHECK (side IN ('resident', 'visiting')),
    full_name TEXT    NOT NULL,
    phone     TEXT    NOT NULL DEFAULT '',
    email     TEXT    NOT NULL DEFAULT '',
    address   TEXT    NOT NULL DEFAULT '',
    user_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    UNIQUE (case_id, side)
);

CREATE TABLE contact_plans (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id             INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    service             TEXT    NOT NULL CHECK (service IN ('supervised', 'supported', 'handover', 'indirect')),
    every_days          INTEGER NOT NULL CHECK (every_days > 0),
    duration_min        INTEGER NOT NULL CHECK (duration_min > 0),
    sessions_planned    INTEGER NOT NULL CHECK (sessions_planned > 0),
    ground_rules        TEXT    NOT NULL DEFAULT '',
    who_may_attend      TEXT    NOT NULL DEFAULT '',
    resident_agreed_on  TEXT,
    visiting_agreed_on  TEXT,
    created_at          INTEGER NOT NULL,
    created_by          INTEGER NOT NULL REFERENCES users (id)
);

CREATE TABLE bookings (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id            INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    plan_id            INTEGER REFERENCES contact_plans (id),
    kind               TEXT    NOT NULL CHECK (kind IN ('pre_visit', 'session', 'handover', 'review')),
    -- For a pre-visit: whose it is (each parent has their own).
    parent_side        TEXT    CHECK (parent_side IN ('resident', 'visiting')),
    room_id            INTEGER NOT NULL REFERENCES rooms (id),
    starts_at          INTEGER NOT NULL,
    ends_at            INTEGER NOT NULL,
    visiting_arrives_at INTEGER NOT NULL,
    visiting_leaves_at  INTEGER NOT NULL,
    cancelled_at       INTEGER,
    cancelled_by       TEXT    CHECK (cancelled_by IN ('resident', 'visiting', 'centre')),
    cancel_reason      TEXT,
    attendance         TEXT    CHECK (attendance IN ('attended', 'missed_with_reason', 'missed_without_reason', 'cancelled_by_centre')),
    created_at         INTEGER NOT NULL,
    CHECK (ends_at > starts_at),
    CHECK (visiting_arrives_at <= starts_at AND visiting_leaves_at >= ends_at)
);
CREATE INDEX bookings_case ON bookings (case_id);
CREATE INDEX bookings_time ON bookings (starts_at);

CREATE TABLE booking_workers (
    booking_id INTEGER NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (booking_id, user_id)
);
CREATE INDEX booking_workers_user ON booking_workers (user_id);

CREATE TABLE charges (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id       INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    parent_side   TEXT    NOT NULL CHECK (parent_side IN ('resident', 'visiting')),
    kind          TEXT    NOT NULL CHECK (kind IN ('registration', 'deposit', 'pre_visit', 'session', 'final_report')),
    amount_pence  INTEGER NOT NULL CHECK (amount_pence >= 0),
    booking_id    INTEGER REFERENCES bookings (id),
    raised_at     INTEGER NOT NULL,
    -- Cancelled in good time: no longer owed.
    waived_at     INTEGER,
    -- A deposit kept after a late cancellation: no longer refundable.
    forfeited_at  INTEGER
);
CREATE INDEX charges_case ON charges (case_id, parent_side);

CREATE TABLE payments (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id      INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    parent_side  TEXT    NOT NULL CHECK (parent_side IN ('resident', 'visiting')),
    direction    TEXT    NOT NULL CHECK (direction IN ('payment', 'refund')),
    amount_pence INTEGER NOT NULL CHECK (amount_pence > 0),
    method       TEXT    NOT NULL CHECK (method IN ('card', 'bank_transfer', 'cash', 'cheque')),
    paid_on      TEXT    NOT NULL,
    recorded_by  INTEGER NOT NULL REFERENCES users (id),
    recorded_at  INTEGER NOT NULL
);
CREATE INDEX payments_case ON payments (case_id, parent_side);
