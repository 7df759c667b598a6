-- Risk assessments: the coordinator's decision on a referral (and the
-- review after the pre-visits), why, and the date of the next review.
CREATE TABLE risk_assessments (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id     INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    stage       TEXT    NOT NULL CHECK (stage IN ('at_referral', 'after_pre_visits')),
    decision    TEXT    NOT NULL CHECK (decision IN ('supported', 'supervised', 'not_suitable')),
    suggested   TEXT    NOT NULL CHECK (suggested IN ('supported', 'supervised', 'not_suitable')),
    why         TEXT    NOT NULL,
    review_on   TEXT    NOT NULL,
    recorded_by INTEGER NOT NULL REFERENCES users (id),
    recorded_ms BIGINT  NOT NULL
);
CREATE INDEX risk_assessments_case ON risk_assessments (case_id);
