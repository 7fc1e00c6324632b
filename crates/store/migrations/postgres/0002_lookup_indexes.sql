-- Version 2: indexes for the patient list's latest scores and for audit look-ups by clinic and record.
CREATE INDEX assessments_latest ON assessments (clinic_id, patient_id, instrument, administered_at DESC);
CREATE INDEX audit_events_clinic ON audit_events (clinic_id, seq);
CREATE INDEX audit_events_entity ON audit_events (entity, entity_id);
