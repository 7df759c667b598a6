-- A case a local authority funds: the centre invoices the authority for
-- every charge and records the authority's payments; the parents pay
-- nothing. SQLite cannot widen a CHECK in place, so the referrals table is
-- rebuilt with the same columns and rows; its reasons are kept aside while
-- the old table goes (they reference it, and would go with it).
CREATE TABLE referrals_widened (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id             INTEGER NOT NULL UNIQUE REFERENCES cases (id) ON DELETE CASCADE,
    source              TEXT    NOT NULL CHECK (source IN ('solicitor', 'social_worker', 'mediator', 'cafcass', 'court_order', 'self')),
    law                 TEXT    NOT NULL CHECK (law IN ('private', 'public')),
    funding             TEXT    NOT NULL CHECK (funding IN ('private', 'cafcass', 'local_authority')),
    court_orders        TEXT    NOT NULL DEFAULT '',
    pending_proceedings TEXT    NOT NULL DEFAULT '',
    resident_consent_on TEXT,
    visiting_consent_on TEXT,
    status              TEXT    NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'accepted', 'declined')),
    decision_note       TEXT    NOT NULL DEFAULT '',
    received_at         INTEGER NOT NULL,
    decided_at          INTEGER,
    decided_by          INTEGER REFERENCES users (id),
    funded_sessions     INTEGER
);
INSERT INTO referrals_widened (id, case_id, source, law, funding, court_orders, pending_proceedings,
    resident_consent_on, visiting_consent_on, status, decision_note, received_at, decided_at, decided_by, funded_sessions)
SELECT id, case_id, source, law, funding, court_orders, pending_proceedings,
    resident_consent_on, visiting_consent_on, status, decision_note, received_at, decided_at, decided_by, funded_sessions
FROM referrals;
CREATE TEMP TABLE reasons_kept AS SELECT referral_id, reason FROM referral_reasons;
DROP TABLE referrals;
ALTER TABLE referrals_widened RENAME TO referrals;
DELETE FROM referral_reasons;
INSERT INTO referral_reasons (referral_id, reason) SELECT referral_id, reason FROM reasons_kept;
DROP TABLE reasons_kept;

-- What a local authority has paid on a case's invoices.
CREATE TABLE funder_payments (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id      INTEGER NOT NULL REFERENCES cases (id),
    amount_pence INTEGER NOT NULL CHECK (amount_pence > 0),
    paid_on      TEXT    NOT NULL,
    reference    TEXT    NOT NULL DEFAULT '',
    recorded_by  INTEGER NOT NULL REFERENCES users (id),
    recorded_at  INTEGER NOT NULL
);
