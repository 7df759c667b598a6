-- A risk assessment can be made again at a review meeting (for example
-- when the review moves the case to supported contact), and says so. SQLite
-- cannot widen a CHECK in place: the table is rebuilt with the same rows.
CREATE TABLE risk_assessments_widened (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id     INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    stage       TEXT    NOT NULL CHECK (stage IN ('at_referral', 'after_pre_visits', 'at_review')),
    decision    TEXT    NOT NULL CHECK (decision IN ('supported', 'supervised', 'not_suitable')),
    suggested   TEXT    NOT NULL CHECK (suggested IN ('supported', 'supervised', 'not_suitable')),
    why         TEXT    NOT NULL,
    review_on   TEXT    NOT NULL,
    recorded_by INTEGER NOT NULL REFERENCES users (id),
    recorded_ms BIGINT  NOT NULL
);
INSERT INTO risk_assessments_widened (id, case_id, stage, decision, suggested, why, review_on, recorded_by, recorded_ms)
SELECT id, case_id, stage, decision, suggested, why, review_on, recorded_by, recorded_ms FROM risk_assessments;
DROP TABLE risk_assessments;
ALTER TABLE risk_assessments_widened RENAME TO risk_assessments;
CREATE INDEX risk_assessments_case ON risk_assessments (case_id);
