-- Version 8: a session may end early (status 'ended_early', beside 'completed'), when the patient leaves before the
-- discharge criteria are met: transferred to emergency care, left against advice, or for another reason. The reason
-- is kept on the session; the note and the adverse event that goes with it are in adverse_events.
ALTER TABLE sessions ADD COLUMN early_departure_reason TEXT;
