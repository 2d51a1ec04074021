-- Forms the service worker kept while the resident was offline are sent later with an
-- Idempotency-Key header. The first answer to a key is kept for a day, so that sending
-- the same form again (the connection dropped before the answer arrived) is answered
-- from here instead of being applied twice. Keys are stored by their SHA-256 together
-- with the path they were sent to. `status` stays NULL while the first request runs.

CREATE TABLE idempotency_keys (
    key_hash    TEXT PRIMARY KEY,
    status      BIGINT,
    location    TEXT,
    -- The Set-Cookie lines of the first answer that are safe to keep (preferences only:
    -- never a session, never a notice that may hold a new token), one per line.
    cookies     TEXT,
    created_at  BIGINT NOT NULL
);

CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
