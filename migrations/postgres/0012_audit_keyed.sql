-- The audit trail becomes a keyed chain (app::domain::audit): each entry
-- gets its place in the chain, the hash of its content, and whether its link
-- is keyed. Entries written before keep their first-scheme hashes.

ALTER TABLE audit_log DISABLE TRIGGER audit_log_never_changes;
ALTER TABLE audit_log ADD COLUMN seq BIGINT;
ALTER TABLE audit_log ADD COLUMN content_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN keyed INTEGER NOT NULL DEFAULT 0;
UPDATE audit_log a SET seq = n.rn
    FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS rn FROM audit_log) n
    WHERE a.id = n.id;
ALTER TABLE audit_log ALTER COLUMN seq SET NOT NULL;
ALTER TABLE audit_log ENABLE TRIGGER audit_log_never_changes;
CREATE UNIQUE INDEX audit_log_seq ON audit_log (seq);
CREATE INDEX audit_log_subject ON audit_log (subject);
