-- Final reports: a coordinator's report on a series of sessions, signed by
-- its author and co-signed by another coordinator, which releases it to the
-- case's referrer. Signed text does not change.

CREATE TABLE final_reports (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id           INTEGER NOT NULL REFERENCES cases (id),
    author_id         INTEGER NOT NULL REFERENCES users (id),
    sessions_attended INTEGER NOT NULL,
    sessions_missed   INTEGER NOT NULL,
    summary           TEXT    NOT NULL,
    recommendation    TEXT    NOT NULL,
    signed_ms         BIGINT  NOT NULL,
    status            TEXT    NOT NULL DEFAULT 'signed' CHECK (status IN ('signed', 'released')),
    cosigned_by       INTEGER REFERENCES users (id),
    released_ms       BIGINT
);
CREATE INDEX final_reports_case ON final_reports (case_id);

CREATE TRIGGER final_reports_signed_text BEFORE UPDATE OF case_id, author_id, sessions_attended, sessions_missed, summary, recommendation, signed_ms ON final_reports
BEGIN
    SELECT RAISE(ABORT, 'a signed report does not change');
END;
CREATE TRIGGER final_reports_never_go BEFORE DELETE ON final_reports
BEGIN
    SELECT RAISE(ABORT, 'a signed report is never removed');
END;
