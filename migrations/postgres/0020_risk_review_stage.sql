-- A risk assessment can be made again at a review meeting (for example
-- when the review moves the case to supported contact), and says so.
ALTER TABLE risk_assessments DROP CONSTRAINT risk_assessments_stage_check;
ALTER TABLE risk_assessments ADD CONSTRAINT risk_assessments_stage_check
    CHECK (stage IN ('at_referral', 'after_pre_visits', 'at_review'));
