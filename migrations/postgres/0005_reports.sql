-- Final reports: a coordinator's report on a series of sessions, signed by
-- its author and co-signed by another coordinator, which releases it to the
-- case's referrer. Signed text does not change.

CREATE TABLE final_reports (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id           BIGINT  NOT NULL REFERENCES cases (id),
    author_id         BIGINT  NOT NULL REFERENCES users (id),
    sessions_attended BIGINT  NOT NULL,
    sessions_missed   BIGINT  NOT NULL,
    summary           TEXT    NOT NULL,
    recommendation    TEXT    NOT NULL,
    signed_ms         BIGINT  NOT NULL,
    status            TEXT    NOT NULL DEFAULT 'signed' CHECK (status IN ('signed', 'released')),
    cosigned_by       BIGINT  REFERENCES users (id),
    released_ms       BIGINT
);
CREATE INDEX final_reports_case ON final_reports (case_id);

CREATE TRIGGER final_reports_signed_text BEFORE UPDATE OF case_id, author_id, sessions_attended, sessions_missed, summary, recommendation, signed_ms ON final_reports
    FOR EACH ROW EXECUTE FUNCTION refuse_change('a signed report does not change');
CREATE TRIGGER final_reports_never_go BEFORE DELETE ON final_reports
    FOR EACH ROW EXECUTE FUNCTION refuse_change('a signed report is never removed');
