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
    id   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT    NOT NULL UNIQUE
);

CREATE TABLE referrals (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id             BIGINT NOT NULL UNIQUE REFERENCES cases (id) ON DELETE CASCADE,
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
    received_at         BIGINT NOT NULL,
    decided_at          BIGINT,
    decided_by          BIGINT REFERENCES users (id)
);

CREATE TABLE referral_reasons (
    referral_id BIGINT NOT NULL REFERENCES referrals (id) ON DELETE CASCADE,
    reason      TEXT    NOT NULL,
    PRIMARY KEY (referral_id, reason)
);

-- Each parent's details: seen by staff only, never by the other parent.
CREATE TABLE case_parents (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id   BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    side      TEXT    NOT NULL CHECK (side IN ('resident', 'visiting')),
    full_name TEXT    NOT NULL,
    phone     TEXT    NOT NULL DEFAULT '',
    email     TEXT    NOT NULL DEFAULT '',
    address   TEXT    NOT NULL DEFAULT '',
    user_id   BIGINT REFERENCES users (id) ON DELETE SET NULL,
    UNIQUE (case_id, side)
);

CREATE TABLE contact_plans (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id             BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    service             TEXT    NOT NULL CHECK (service IN ('supervised', 'supported', 'handover', 'indirect')),
    every_days          BIGINT NOT NULL CHECK (every_days > 0),
    duration_min        BIGINT NOT NULL CHECK (duration_min > 0),
    sessions_planned    BIGINT NOT NULL CHECK (sessions_planned > 0),
    ground_rules        TEXT    NOT NULL DEFAULT '',
    who_may_attend      TEXT    NOT NULL DEFAULT '',
    resident_agreed_on  TEXT,
    visiting_agreed_on  TEXT,
    created_at          BIGINT NOT NULL,
    created_by          BIGINT NOT NULL REFERENCES users (id)
);

CREATE TABLE bookings (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id            BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    plan_id            BIGINT REFERENCES contact_plans (id),
    kind               TEXT    NOT NULL CHECK (kind IN ('pre_visit', 'session', 'handover', 'review')),
    -- For a pre-visit: whose it is (each parent has their own).
    parent_side        TEXT    CHECK (parent_side IN ('resident', 'visiting')),
    room_id            BIGINT NOT NULL REFERENCES rooms (id),
    starts_at          BIGINT NOT NULL,
    ends_at            BIGINT NOT NULL,
    visiting_arrives_at BIGINT NOT NULL,
    visiting_leaves_at  BIGINT NOT NULL,
    cancelled_at       BIGINT,
    cancelled_by       TEXT    CHECK (cancelled_by IN ('resident', 'visiting', 'centre')),
    cancel_reason      TEXT,
    attendance         TEXT    CHECK (attendance IN ('attended', 'missed_with_reason', 'missed_without_reason', 'cancelled_by_centre')),
    created_at         BIGINT NOT NULL,
    CHECK (ends_at > starts_at),
    CHECK (visiting_arrives_at <= starts_at AND visiting_leaves_at >= ends_at)
);
CREATE INDEX bookings_case ON bookings (case_id);
CREATE INDEX bookings_time ON bookings (starts_at);

CREATE TABLE booking_workers (
    booking_id BIGINT NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    PRIMARY KEY (booking_id, user_id)
);
CREATE INDEX booking_workers_user ON booking_workers (user_id);

CREATE TABLE charges (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id       BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    parent_side   TEXT    NOT NULL CHECK (parent_side IN ('resident', 'visiting')),
    kind          TEXT    NOT NULL CHECK (kind IN ('registration', 'deposit', 'pre_visit', 'session', 'final_report')),
    amount_pence  BIGINT NOT NULL CHECK (amount_pence >= 0),
    booking_id    BIGINT REFERENCES bookings (id),
    raised_at     BIGINT NOT NULL,
    -- Cancelled in good time: no longer owed.
    waived_at     BIGINT,
    -- A deposit kept after a late cancellation: no longer refundable.
    forfeited_at  BIGINT
);
CREATE INDEX charges_case ON charges (case_id, parent_side);

CREATE TABLE payments (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id      BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    parent_side  TEXT    NOT NULL CHECK (parent_side IN ('resident', 'visiting')),
    direction    TEXT    NOT NULL CHECK (direction IN ('payment', 'refund')),
    amount_pence BIGINT NOT NULL CHECK (amount_pence > 0),
    method       TEXT    NOT NULL CHECK (method IN ('card', 'bank_transfer', 'cash', 'cheque')),
    paid_on      TEXT    NOT NULL,
    recorded_by  BIGINT NOT NULL REFERENCES users (id),
    recorded_at  BIGINT NOT NULL
);
CREATE INDEX payments_case ON payments (case_id, parent_side);
