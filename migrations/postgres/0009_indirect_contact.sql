-- Indirect contact: items a parent sends a child through the centre,
-- logged on arrival, checked by staff, then forwarded or withheld
-- (app::domain::indirect). No address is stored here: the centre forwards.
CREATE TABLE indirect_items (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id         BIGINT NOT NULL REFERENCES cases (id),
    from_side       TEXT   NOT NULL CHECK (from_side IN ('resident', 'visiting')),
    for_child       TEXT   NOT NULL,
    kind            TEXT   NOT NULL CHECK (kind IN ('letter', 'card', 'gift', 'photo', 'other')),
    description     TEXT   NOT NULL,
    received_on     TEXT   NOT NULL, -- a calendar date, YYYY-MM-DD
    logged_by       BIGINT NOT NULL REFERENCES users (id),
    logged_ms       BIGINT NOT NULL,
    stage           TEXT   NOT NULL DEFAULT 'received' CHECK (stage IN ('received', 'checked', 'forwarded', 'withheld')),
    checked_by      BIGINT REFERENCES users (id),
    checked_ms      BIGINT,
    check_note      TEXT   NOT NULL DEFAULT '',
    done_by         BIGINT REFERENCES users (id),
    done_ms         BIGINT,
    withheld_reason TEXT   NOT NULL DEFAULT ''
);
CREATE INDEX indirect_items_case ON indirect_items (case_id);
