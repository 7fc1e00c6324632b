-- Version 21: one audit chain per clinic, plus a `platform` chain for events of no clinic (issue 19, item 1).
-- Released migrations are never edited: add a new file instead.
-- Events written before this version keep `chain` = 'global' and no `chain_seq`: they stay the one old chain,
-- numbered by `seq` and hashed exactly as they were, so they verify as before. Every later event names its chain
-- (`clinic:<clinic id>` for an event of a clinic, `platform` for an event of none) and its number in that chain,
-- from 1 without gaps; appends lock only their own chain. Adding the columns rewrites no old row.
ALTER TABLE audit_events ADD COLUMN chain TEXT NOT NULL DEFAULT 'global';
ALTER TABLE audit_events ADD COLUMN chain_seq BIGINT;
CREATE UNIQUE INDEX audit_events_chain_seq ON audit_events (chain, chain_seq);

-- The cut-over: the last event of the old chain, recorded once here, so that verification knows where that chain
-- must end (a deleted tail of it is caught without a recorded head) and that no event joins it later. A database
-- without events at this version has no old chain and no row.
CREATE TABLE audit_cutover (
    last_global_seq BIGINT PRIMARY KEY
);
INSERT INTO audit_cutover (last_global_seq) SELECT seq FROM audit_events ORDER BY seq DESC LIMIT 1;
