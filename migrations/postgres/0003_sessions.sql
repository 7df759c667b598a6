-- Session mode: what contact workers record on their phones, stored exactly
-- once per client-generated id however often a phone sends it.
-- Times: milliseconds since the Unix epoch, UTC.

CREATE TABLE session_entries (
    -- The phone's UUID (v7) for the entry: a replay finds it already here.
    id              TEXT    PRIMARY KEY,
    booking_id      BIGINT  NOT NULL REFERENCES bookings (id),
    author_id       BIGINT  NOT NULL REFERENCES users (id),
    kind            TEXT    NOT NULL CHECK (kind IN ('started', 'ended', 'attendance', 'observation', 'correction', 'sight_and_sound')),
    safeguarding    INTEGER NOT NULL DEFAULT 0 CHECK (safeguarding IN (0, 1)),
    -- When it happened, by the phone's clock.
    at_ms           BIGINT  NOT NULL,
    -- When the phone saved it, by the phone's clock.
    saved_ms        BIGINT  NOT NULL,
    -- When the server stored it, and how far the phone's clock was behind
    -- the server's when it sent the batch (positive: the phone was slow).
    received_ms     BIGINT  NOT NULL,
    clock_offset_ms BIGINT  NOT NULL,
    -- The entry itself (app::domain::session_log::EntryKind as JSON).
    body            TEXT    NOT NULL
);
CREATE INDEX session_entries_booking ON session_entries (booking_id, at_ms);
CREATE INDEX session_entries_concerns ON session_entries (safeguarding, received_ms);
