-- Version 15: finding a patient. `search_name` is the patient's family and given name folded in Rust (Unicode
-- decomposition, accents dropped, lower case), and `mrn_key` the clinic record number in lower case, so that
-- SQLite and PostgreSQL match the same rows without relying on either database's collation or case rules.
-- Both stay NULL here: the store fills them for existing rows right after this migration (`search::fill`), and
-- on every write of a patient after that.
ALTER TABLE patients ADD COLUMN search_name TEXT;
ALTER TABLE patients ADD COLUMN mrn_key TEXT;
CREATE INDEX patients_mrn_key ON patients (clinic_id, mrn_key);
CREATE INDEX patients_birth_date ON patients (clinic_id, birth_date);
