-- Version 14: referrals that a flood cannot bury an inbox with (issue 16, item 4).
-- `reported_level` is the crisis level the sender's own answers gave (emergency, urgent or none), kept as a column so
-- that the inbox can filter by it; it is self-reported and never decides the inbox's order.
-- `email_key` and `phone_key` are the contact normalised (a lower-case e-mail address, the digits of a phone number)
-- so that the same person sending again to the same clinic within 24 hours is merged into one inbox entry, which
-- `times_sent` and `sent_again_at` then mark.
-- `protocol_settings.referral_daily_cap` is the clinic's own cap on public referrals a day (NULL: the platform default).
ALTER TABLE referrals ADD COLUMN reported_level TEXT NOT NULL DEFAULT 'none';
ALTER TABLE referrals ADD COLUMN email_key TEXT;
ALTER TABLE referrals ADD COLUMN phone_key TEXT;
ALTER TABLE referrals ADD COLUMN times_sent BIGINT NOT NULL DEFAULT 1;
ALTER TABLE referrals ADD COLUMN sent_again_at BIGINT;
ALTER TABLE protocol_settings ADD COLUMN referral_daily_cap BIGINT;

-- Referrals stored before this version keep their level in their summary document.
UPDATE referrals SET reported_level = summary::jsonb #>> '{crisis,level}'
WHERE summary IS NOT NULL
  AND summary::jsonb #>> '{crisis,level}' IN ('emergency', 'urgent');

CREATE INDEX referrals_clinic_email ON referrals (clinic_id, email_key, received_at);
CREATE INDEX referrals_clinic_phone ON referrals (clinic_id, phone_key, received_at);
CREATE INDEX referrals_clinic_status ON referrals (clinic_id, status, received_at);
