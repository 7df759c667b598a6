-- What a review meeting decided: one outcome per review booking, with the
-- coordinator's note, who recorded it and when.
CREATE TABLE review_outcomes (
    booking_id  INTEGER PRIMARY KEY REFERENCES bookings (id),
    outcome     TEXT    NOT NULL CHECK (outcome IN ('continue', 'change_service', 'end_contact', 'refer_to_court')),
    note        TEXT    NOT NULL,
    recorded_by INTEGER NOT NULL REFERENCES users (id),
    recorded_ms INTEGER NOT NULL
);
