-- Version 13: API tokens remember their last use, and each audit event says how it is linked to the one before.
-- Released migrations are never edited: add a new file instead.
-- `last_used_at` is written at most once a minute per token, so that `ketapath token list` can show stale tokens.
ALTER TABLE api_tokens ADD COLUMN last_used_at BIGINT;

-- `link` names the function that made the event's `hash`: `sha256` (the plain SHA-256 of version 1, which anyone
-- with the database can recompute) or `hmac-sha256` (an HMAC under KETAPATH_AUDIT_KEY, which a database-only
-- attacker cannot). Every event written before this version keeps its plain link and keeps verifying; a key added
-- later applies from the first event written with it, and no plain link may follow a keyed one.
ALTER TABLE audit_events ADD COLUMN link TEXT NOT NULL DEFAULT 'sha256';
