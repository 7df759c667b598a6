-- Data protection: a case is closed with a reason, may be put on legal
-- hold (which stops its retention clock), and is erased under the centre's
-- retention schedule (app::domain::retention, app::server::retention).
--
-- The guards that keep signed records and the audit trail from changing
-- allow exactly one way out: the erasure transaction, which first writes
-- the case's row to `erasing` and removes it again before it commits. No
-- other step writes that table, so outside an erasure the guards refuse as
-- before; and even with a row there, only a closed case not on legal hold
-- may lose its records (0 stands for an erasure of accounts, which touches
-- audit details only). The audit check (`verify-audit`) then also requires
-- every emptied entry to be named by a later "erase" entry of its time.

ALTER TABLE cases ADD COLUMN closed_ms INTEGER;
ALTER TABLE cases ADD COLUMN closed_by INTEGER REFERENCES users (id);
ALTER TABLE cases ADD COLUMN closed_reason TEXT
    CHECK (closed_reason IN ('contact_ended', 'moved_elsewhere', 'court_decision', 'family_withdrew', 'referral_declined'));
ALTER TABLE cases ADD COLUMN closed_note TEXT NOT NULL DEFAULT '';
-- A legal hold now: since when, set by whom, why.
ALTER TABLE cases ADD COLUMN hold_since_ms INTEGER;
ALTER TABLE cases ADD COLUMN hold_by INTEGER REFERENCES users (id);
ALTER TABLE cases ADD COLUMN hold_reason TEXT NOT NULL DEFAULT '';
-- Time spent under earlier holds since closure: the clock stood still then.
ALTER TABLE cases ADD COLUMN held_ms INTEGER NOT NULL DEFAULT 0;
-- Set once the case's personal data is gone; the row stays as a tombstone
-- (its reference, dates and closure reason), so the reference is never
-- given to another family and the audit trail's subjects still resolve.
ALTER TABLE cases ADD COLUMN erased_ms INTEGER;

CREATE TABLE erasing (
    case_id    INTEGER PRIMARY KEY,
    started_ms INTEGER NOT NULL
);

-- An audit entry of an erased case keeps its place, time, actor, action,
-- subject and hashes; only its detail is emptied, and `erased_ms` says so.
ALTER TABLE audit_log ADD COLUMN erased_ms INTEGER;

DROP TRIGGER audit_log_never_changes;
CREATE TRIGGER audit_log_never_changes BEFORE UPDATE ON audit_log
WHEN NOT EXISTS (SELECT 1 FROM erasing e WHERE e.case_id = 0 OR EXISTS (SELECT 1 FROM cases c WHERE c.id = e.case_id AND c.closed_ms IS NOT NULL AND c.hold_since_ms IS NULL))
    OR OLD.keyed = 0 OR OLD.erased_ms IS NOT NULL
    OR NEW.erased_ms IS NULL OR NEW.detail <> ''
    OR NEW.id IS NOT OLD.id OR NEW.seq IS NOT OLD.seq OR NEW.at_ms IS NOT OLD.at_ms
    OR NEW.actor IS NOT OLD.actor OR NEW.action IS NOT OLD.action OR NEW.subject IS NOT OLD.subject
    OR NEW.previous IS NOT OLD.previous OR NEW.content_hash IS NOT OLD.content_hash
    OR NEW.hash IS NOT OLD.hash OR NEW.keyed IS NOT OLD.keyed
BEGIN
    SELECT RAISE(ABORT, 'the audit trail never changes');
END;

DROP TRIGGER session_entries_never_go;
CREATE TRIGGER session_entries_never_go BEFORE DELETE ON session_entries
WHEN NOT EXISTS (SELECT 1 FROM erasing e JOIN bookings b ON b.case_id = e.case_id JOIN cases c ON c.id = e.case_id WHERE b.id = OLD.booking_id AND c.closed_ms IS NOT NULL AND c.hold_since_ms IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'session entries are never removed');
END;

CREATE TRIGGER session_records_go_whole_by_erasure BEFORE DELETE ON session_records
WHEN NOT EXISTS (SELECT 1 FROM erasing e JOIN bookings b ON b.case_id = e.case_id JOIN cases c ON c.id = e.case_id WHERE b.id = OLD.booking_id AND c.closed_ms IS NOT NULL AND c.hold_since_ms IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'a session record is removed only by erasure');
END;

DROP TRIGGER record_signatures_never_go;
CREATE TRIGGER record_signatures_never_go BEFORE DELETE ON record_signatures
WHEN NOT EXISTS (SELECT 1 FROM erasing e JOIN bookings b ON b.case_id = e.case_id JOIN cases c ON c.id = e.case_id WHERE b.id = OLD.booking_id AND c.closed_ms IS NOT NULL AND c.hold_since_ms IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'signatures are never removed');
END;

DROP TRIGGER record_addenda_never_go;
CREATE TRIGGER record_addenda_never_go BEFORE DELETE ON record_addenda
WHEN NOT EXISTS (SELECT 1 FROM erasing e JOIN bookings b ON b.case_id = e.case_id JOIN cases c ON c.id = e.case_id WHERE b.id = OLD.booking_id AND c.closed_ms IS NOT NULL AND c.hold_since_ms IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'addenda are never removed');
END;

DROP TRIGGER final_reports_never_go;
CREATE TRIGGER final_reports_never_go BEFORE DELETE ON final_reports
WHEN NOT EXISTS (SELECT 1 FROM erasing e JOIN cases c ON c.id = e.case_id WHERE e.case_id = OLD.case_id AND c.closed_ms IS NOT NULL AND c.hold_since_ms IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'a signed report is never removed');
END;
