-- Version 6: alerts raised by returned self-reports (PHQ-9 item 9 above 0), for the clinic's dashboard. The alert is
-- written in the transaction that stores the assessment and uses up the link, so neither exists without the other.
CREATE TABLE self_report_alerts (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    link_id TEXT NOT NULL REFERENCES self_report_links (id),
    assessment_id TEXT NOT NULL REFERENCES assessments (id),
    level TEXT NOT NULL,
    item9 BIGINT NOT NULL,
    total BIGINT NOT NULL,
    message TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    FOREIGN KEY (patient_id, clinic_id) REFERENCES patients (id, clinic_id)
);
CREATE INDEX self_report_alerts_clinic ON self_report_alerts (clinic_id, created_at);
