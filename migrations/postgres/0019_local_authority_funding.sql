-- A case a local authority funds: the centre invoices the authority for
-- every charge and records the authority's payments; the parents pay
-- nothing.
ALTER TABLE referrals DROP CONSTRAINT referrals_funding_check;
ALTER TABLE referrals ADD CONSTRAINT referrals_funding_check
    CHECK (funding IN ('private', 'cafcass', 'local_authority'));

-- What a local authority has paid on a case's invoices.
CREATE TABLE funder_payments (
    id           BIGSERIAL PRIMARY KEY,
    case_id      BIGINT  NOT NULL REFERENCES cases (id),
    amount_pence BIGINT  NOT NULL CHECK (amount_pence > 0),
    paid_on      TEXT    NOT NULL,
    reference    TEXT    NOT NULL DEFAULT '',
    recorded_by  BIGINT  NOT NULL REFERENCES users (id),
    recorded_at  BIGINT  NOT NULL
);
