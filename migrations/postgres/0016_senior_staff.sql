-- A contact worker the coordinator marks as senior may co-sign records and
-- final reports (never their own), so a centre with one coordinator can
-- still release them: NACCC asks for "a senior member of staff or the
-- coordinator". Only worker accounts are ever marked.
ALTER TABLE users ADD COLUMN senior INTEGER NOT NULL DEFAULT 0;
