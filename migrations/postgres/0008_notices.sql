-- Messages to one parent of a case, shown in their portal: for now, that a
-- booking of theirs was cancelled by the centre or by the other parent.
CREATE TABLE notices (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id     BIGINT NOT NULL REFERENCES cases (id),
    parent_side TEXT   NOT NULL CHECK (parent_side IN ('resident', 'visiting')),
    booking_id  BIGINT REFERENCES bookings (id),
    body        TEXT   NOT NULL,
    created_ms  BIGINT NOT NULL
);
CREATE INDEX notices_by_parent ON notices (case_id, parent_side);
