-- Version 23: the assessments index holds the columns the registry reads, as migration 22 did for sessions, doses,
-- courses and blood pressures (issue 19, item 3). Released migrations are never edited: add a new file instead.
-- Through the old three-column index, each of a page's assessments was then looked up in its table, one B-tree
-- descent per row (docs/BENCHMARKS.md, session 14: the registry at 100,000 patients went from 2.8 s to 1.8 s). The new index starts with the old one's columns, so that every query that used it (a
-- patient's scores in time order) still can. Assessment writes with it stayed at 40 % or more of the engine's rate
-- (BENCHMARKS.md, write path).
DROP INDEX assessments_patient;
CREATE INDEX assessments_patient ON assessments (
    clinic_id, patient_id, administered_at, course_id, instrument, total, context, id
);
