-- Messages that leave the portal, by email or SMS. Each row is written in
-- the same transaction as the step that causes it (a cancellation and its
-- messages commit together or not at all); the delivery task sends what is
-- due and marks it. `idempotency_key` names the message for ever: a second
-- write of the same message is ignored, it is the email's Message-ID and
-- the SMS provider's reference.
CREATE TABLE outbox (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    idempotency_key  TEXT    NOT NULL UNIQUE,
    kind             TEXT    NOT NULL,
    channel          TEXT    NOT NULL CHECK (channel IN ('email', 'sms')),
    recipient        TEXT    NOT NULL,
    -- Who it is for: a parent of a case, or an account.
    case_id          BIGINT REFERENCES cases (id),
    parent_side      TEXT    CHECK (parent_side IN ('resident', 'visiting')),
    user_id          BIGINT REFERENCES users (id),
    subject          TEXT    NOT NULL,
    body             TEXT    NOT NULL,
    -- The portal page the message points to, joined to the public address when sent.
    link_path        TEXT    NOT NULL DEFAULT '',
    status           TEXT    NOT NULL DEFAULT 'queued'
                     CHECK (status IN ('queued', 'retrying', 'sent', 'given_up')),
    attempts         BIGINT  NOT NULL DEFAULT 0,
    next_attempt_ms  BIGINT  NOT NULL,
    -- A delivery task's claim, until it runs out (a task that dies lets go).
    claimed_by       TEXT,
    claimed_until_ms BIGINT,
    last_answer      TEXT    NOT NULL DEFAULT '',
    created_ms       BIGINT  NOT NULL,
    sent_ms          BIGINT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_ms);
CREATE INDEX outbox_by_case ON outbox (case_id, parent_side);
CREATE INDEX outbox_by_user ON outbox (user_id);

-- How each person wants to hear: 'email', 'sms' or 'none' (the centre still
-- sends what it must). Parents' details are per case; staff and referrers
-- now have contact details on their accounts.
ALTER TABLE case_parents ADD COLUMN message_by TEXT NOT NULL DEFAULT 'email'
    CHECK (message_by IN ('email', 'sms', 'none'));
ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN message_by TEXT NOT NULL DEFAULT 'email'
    CHECK (message_by IN ('email', 'sms', 'none'));
