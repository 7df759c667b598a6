-- Each released record or final report has one verification code, printed
-- on its PDF, and the fingerprint of the document as released. The public
-- checking page finds a document by its code and rebuilds it from what is
-- stored: the same fingerprint means it is unaltered. Codes never change
-- and are never removed.
CREATE TABLE released_documents (
    code TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('record', 'report')),
    object_id BIGINT NOT NULL,
    released_ms BIGINT NOT NULL,
    fingerprint TEXT NOT NULL,
    UNIQUE (kind, object_id)
);
CREATE TRIGGER released_documents_fixed BEFORE UPDATE ON released_documents
    FOR EACH ROW EXECUTE FUNCTION refuse_change('a released document''s code does not change');
CREATE TRIGGER released_documents_never_go BEFORE DELETE ON released_documents
    FOR EACH ROW EXECUTE FUNCTION refuse_change('a released document''s code is never removed');
