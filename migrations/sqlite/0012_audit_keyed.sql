-- The audit trail becomes a keyed chain (app::domain::audit): each entry
-- gets its place in the chain, the hash of its content, and whether its link
-- is keyed. Entries written before keep their first-scheme hashes.

DROP TRIGGER audit_log_never_changes;
ALTER TABLE audit_log ADD COLUMN seq INTEGER;
ALTER TABLE audit_log ADD COLUMN content_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN keyed INTEGER NOT NULL DEFAULT 0;
UPDATE audit_log SET seq = (SELECT COUNT(*) FROM audit_log a WHERE a.id <= audit_log.id);
CREATE UNIQUE INDEX audit_log_seq ON audit_log (seq);
CREATE INDEX audit_log_subject ON audit_log (subject);
CREATE TRIGGER audit_log_never_changes BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit trail never changes');
END;
