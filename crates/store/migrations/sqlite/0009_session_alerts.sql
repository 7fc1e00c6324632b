-- Version 9: alerts raised by the observations charted during a session (SpO2 low, unresponsive, hypertensive
-- crisis range, blood pressure above the gate, dissociation). Each is written in the transaction that stores its
-- observation and stays on the dashboard until a staff member acknowledges it (who and when are kept).
CREATE TABLE session_alerts (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    code TEXT NOT NULL,
    level TEXT NOT NULL,
    message TEXT NOT NULL,
    rule TEXT NOT NULL,
    at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    acknowledged_by TEXT REFERENCES staff_users (id),
    acknowledged_at BIGINT,
    FOREIGN KEY (session_id, clinic_id) REFERENCES sessions (id, clinic_id),
    FOREIGN KEY (patient_id, clinic_id) REFERENCES patients (id, clinic_id)
);
CREATE INDEX session_alerts_session ON session_alerts (clinic_id, session_id);
CREATE INDEX session_alerts_open ON session_alerts (clinic_id, acknowledged_at);
