-- Cafcass funds a set number of sessions (six unless the coordinator records
-- an extension); sessions beyond them are charged to the visiting parent.
-- A session charge the funder pays names it and is not owed by the parent.
ALTER TABLE referrals ADD COLUMN funded_sessions INTEGER;
ALTER TABLE charges ADD COLUMN funded_by TEXT;
