-- Records a court can rely on.
-- 1. An entry that reaches the server after its record was signed is kept
--    as a late entry: stored, shown as "received after signing", and never
--    covered by the signatures already made. The guard that refused every
--    entry after signing now admits late entries, and nothing else.
-- 2. A signature binds what was signed: the hash of the version's text, the
--    signer's note on why a co-worker did not sign, and the entries it
--    covered (their ids are kept, their bodies never change).
-- 3. Once anyone has signed a version, its text does not change: a change
--    is a new version, which everyone signs again.

ALTER TABLE session_entries ADD COLUMN late INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1));

DROP TRIGGER session_entries_locked_when_signed;
CREATE TRIGGER session_entries_locked_when_signed BEFORE INSERT ON session_entries
WHEN NEW.late = 0 AND EXISTS (SELECT 1 FROM session_records r WHERE r.booking_id = NEW.booking_id AND r.status <> 'draft')
BEGIN
    SELECT RAISE(ABORT, 'this session''s record is signed: only a late entry may be added');
END;
CREATE TRIGGER session_entries_late_only_when_signed BEFORE INSERT ON session_entries
WHEN NEW.late = 1 AND NOT EXISTS (SELECT 1 FROM session_records r WHERE r.booking_id = NEW.booking_id AND r.status <> 'draft')
BEGIN
    SELECT RAISE(ABORT, 'an entry is late only once its record is signed');
END;

ALTER TABLE record_signatures ADD COLUMN content_hash TEXT NOT NULL DEFAULT '';
-- The ids of the entries the signature covered, as a JSON array.
ALTER TABLE record_signatures ADD COLUMN covered TEXT NOT NULL DEFAULT '[]';
ALTER TABLE record_signatures ADD COLUMN unsigned_note TEXT NOT NULL DEFAULT '';

CREATE TRIGGER session_records_fixed_once_signed BEFORE UPDATE OF summary, ended_early, incident ON session_records
WHEN EXISTS (SELECT 1 FROM record_signatures s WHERE s.booking_id = OLD.booking_id AND s.version = OLD.version)
BEGIN
    SELECT RAISE(ABORT, 'a version someone has signed does not change');
END;
