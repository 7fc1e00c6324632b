-- Version 20: the named insurance plans a clinic accepts (issue 17, item 1 of the insurance17 work). Released
-- migrations are never edited: add a new file instead.
-- `insurance_plans` is a JSON array of plan names ("Aetna", "Medicaid (Ohio)"), each checked by
-- `ketapath_directory::insurance::check_plans`; `[]` when the listing names none, which every existing row starts with.
ALTER TABLE clinics ADD COLUMN insurance_plans TEXT NOT NULL DEFAULT '[]';
