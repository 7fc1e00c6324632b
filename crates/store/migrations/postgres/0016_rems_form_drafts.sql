-- Version 16: the saved draft of a session's REMS Patient Monitoring Form (issue 15, item 3: "Save draft" separate
-- from "Mark as submitted"). One row per session, replaced on each save: `answers` is the staff answers only (a merge
-- patch of the form under `form`, the adverse-effect answers by question code under `adverse_effects`), never the
-- whole form, so that the values the chart gives keep following the chart until the form is submitted.
-- `saved_at` and `saved_by` say when and by whom it was last saved.
CREATE TABLE rems_form_drafts (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    answers TEXT NOT NULL,
    saved_at BIGINT NOT NULL,
    saved_by TEXT REFERENCES staff_users (id),
    created_at BIGINT NOT NULL,
    UNIQUE (clinic_id, session_id),
    FOREIGN KEY (session_id, clinic_id) REFERENCES sessions (id, clinic_id),
    FOREIGN KEY (patient_id, clinic_id) REFERENCES patients (id, clinic_id)
);
