-- A PIN a worker may sign records with instead of their password, online or
-- on a phone without signal. Kept as a salted, stretched hash
-- (app::domain::pin); five wrong PINs in a row clear it.
ALTER TABLE users ADD COLUMN pin_salt TEXT;
ALTER TABLE users ADD COLUMN pin_check TEXT;
ALTER TABLE users ADD COLUMN pin_failures INTEGER NOT NULL DEFAULT 0;

-- How a signature was confirmed ('password', 'pin', or 'pin on the phone'
-- for one made offline and synced), and for those the phone's queue item id,
-- so a replayed sync is recognised and never signs twice.
ALTER TABLE record_signatures ADD COLUMN method TEXT NOT NULL DEFAULT 'password';
ALTER TABLE record_signatures ADD COLUMN item_id TEXT;
CREATE UNIQUE INDEX record_signatures_item ON record_signatures (item_id);
