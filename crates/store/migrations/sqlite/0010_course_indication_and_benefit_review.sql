-- Version 10: a course's indication (`trd`, or `mdsi` for MDD with acute suicidal ideation or behaviour), which
-- decides the esketamine regimen; existing courses were all planned for TRD. And the prescriber's benefit review at
-- the end of an esketamine induction (continue or stop, with the scores shown at the time), which maintenance
-- sessions need. A course may be reviewed more than once; the latest review decides.
ALTER TABLE courses ADD COLUMN indication TEXT NOT NULL DEFAULT 'trd';
CREATE TABLE course_benefit_reviews (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    course_id TEXT NOT NULL,
    decision TEXT NOT NULL,
    note TEXT,
    scores TEXT NOT NULL,
    decided_by TEXT NOT NULL REFERENCES staff_users (id),
    decided_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    FOREIGN KEY (course_id, clinic_id) REFERENCES courses (id, clinic_id),
    FOREIGN KEY (patient_id, clinic_id) REFERENCES patients (id, clinic_id)
);
CREATE INDEX course_benefit_reviews_course ON course_benefit_reviews (clinic_id, course_id, decided_at);
