-- Residents' requests for services, their timelines, ratings and the follow-ups of low
-- ratings (issue 10). Requests are not directory tables: submitting or answering one
-- never touches directory_version. Ratings reach the directory through the per-service
-- tally (service_ratings), whose changes are recorded like a service's, so instances
-- apply them as deltas.
--
-- Who, where and what are kept on the request as they were when it was made; category
-- and community are copied from the offering and the grid so the community dashboard
-- groups without joining the directory.
CREATE TABLE requests (
    id              {{ID}},
    service_id      BIGINT NOT NULL REFERENCES services (id),
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    category_slug   TEXT NOT NULL REFERENCES categories (slug),
    -- The resident it belongs to (who follows and rates it), and who made it: the same
    -- person, or a family member acting for them.
    resident_id     BIGINT NOT NULL REFERENCES people (id),
    made_by         BIGINT NOT NULL REFERENCES people (id),
    grid_unit_id    BIGINT NOT NULL REFERENCES grid_units (id),
    community_id    BIGINT NOT NULL REFERENCES grid_units (id),
    address_detail  TEXT NOT NULL,
    for_name        TEXT,
    for_relation    TEXT,
    age_band        TEXT,
    needs           TEXT,
    preferred_time  TEXT,
    preferred_date  TEXT,
    -- The Monday (days since 1970-01-01, Asia/Shanghai) of the week counted against the
    -- offering's weekly capacity.
    week_start      BIGINT NOT NULL,
    notes           TEXT,
    contact_phone   TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('submitted', 'accepted', 'declined', 'scheduled', 'completed', 'cancelled')),
    scheduled_for   BIGINT,
    submitted_at    BIGINT NOT NULL,
    -- When the organization must have answered (48 working hours after submission).
    answer_due      BIGINT NOT NULL,
    -- The first accept or decline: how long residents wait for an answer.
    answered_at     BIGINT,
    completed_at    BIGINT,
    updated_at      BIGINT NOT NULL,
    -- Times a resident said "not solved".
    reopened        BIGINT NOT NULL DEFAULT 0,
    assigned_to     BIGINT REFERENCES people (id),
    -- The client's Idempotency-Key and a fingerprint of the body sent with it.
    idempotency_key TEXT,
    fingerprint     TEXT,
    CHECK (status <> 'scheduled' OR scheduled_for IS NOT NULL),
    CHECK (status <> 'completed' OR completed_at IS NOT NULL)
);
-- One request per key and person, whatever the concurrency (NULL keys never collide).
CREATE UNIQUE INDEX requests_idempotency ON requests (made_by, idempotency_key);
CREATE INDEX requests_resident ON requests (resident_id, id);
CREATE INDEX requests_made_by ON requests (made_by, id);
CREATE INDEX requests_inbox ON requests (organization_id, status, id);
CREATE INDEX requests_capacity ON requests (service_id, week_start);
CREATE INDEX requests_community ON requests (community_id, submitted_at);

-- Every change of a request, in order: the timeline both sides see.
CREATE TABLE request_events (
    request_id    BIGINT NOT NULL REFERENCES requests (id),
    seq           BIGINT NOT NULL CHECK (seq > 0),
    action        TEXT NOT NULL CHECK (action IN ('submit', 'accept', 'decline', 'schedule', 'complete', 'cancel', 'reopen')),
    status        TEXT NOT NULL,
    by_person     BIGINT REFERENCES people (id),
    -- The resident, when a family member acted for them ("by X for Y").
    on_behalf_of  BIGINT REFERENCES people (id),
    at            BIGINT NOT NULL,
    reason        TEXT,
    scheduled_for BIGINT,
    PRIMARY KEY (request_id, seq)
);

-- One rating per request (its primary key), by the requester side, 1 to 5.
CREATE TABLE ratings (
    request_id      BIGINT PRIMARY KEY REFERENCES requests (id),
    service_id      BIGINT NOT NULL REFERENCES services (id),
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    community_id    BIGINT NOT NULL REFERENCES grid_units (id),
    grid_unit_id    BIGINT NOT NULL REFERENCES grid_units (id),
    category_slug   TEXT NOT NULL,
    score           BIGINT NOT NULL CHECK (score BETWEEN 1 AND 5),
    -- Tag slugs, comma-separated.
    tags            TEXT NOT NULL DEFAULT '',
    comment         TEXT,
    -- Hidden by community staff as abusive: the score still counts (audited).
    comment_hidden  BIGINT NOT NULL DEFAULT 0,
    rated_by        BIGINT REFERENCES people (id),
    rated_at        BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    reply           TEXT,
    replied_by      BIGINT REFERENCES people (id),
    replied_at      BIGINT
);
CREATE INDEX ratings_service ON ratings (service_id, rated_at);
CREATE INDEX ratings_community ON ratings (community_id, rated_at);
CREATE INDEX ratings_organization ON ratings (organization_id, rated_at);

-- Each offering's ratings counted by score: what its page and the directory's rating
-- order read, kept in step with `ratings` in the same transaction.
CREATE TABLE service_ratings (
    service_id BIGINT PRIMARY KEY REFERENCES services (id),
    r1 BIGINT NOT NULL DEFAULT 0 CHECK (r1 >= 0),
    r2 BIGINT NOT NULL DEFAULT 0 CHECK (r2 >= 0),
    r3 BIGINT NOT NULL DEFAULT 0 CHECK (r3 >= 0),
    r4 BIGINT NOT NULL DEFAULT 0 CHECK (r4 >= 0),
    r5 BIGINT NOT NULL DEFAULT 0 CHECK (r5 >= 0)
);

-- A rating of 1 or 2 opens a follow-up (回访) for the community staff of the request's
-- community, closed with what was done and whether the resident is now satisfied.
CREATE TABLE follow_ups (
    id            {{ID}},
    request_id    BIGINT NOT NULL REFERENCES requests (id),
    community_id  BIGINT NOT NULL REFERENCES grid_units (id),
    grid_unit_id  BIGINT NOT NULL REFERENCES grid_units (id),
    score         BIGINT NOT NULL CHECK (score BETWEEN 1 AND 5),
    opened_at     BIGINT NOT NULL,
    -- Five working days after it opened.
    due_at        BIGINT NOT NULL,
    closed_at     BIGINT,
    closed_by     BIGINT REFERENCES people (id),
    note          TEXT,
    now_satisfied BIGINT CHECK (now_satisfied IN (0, 1)),
    CHECK ((closed_at IS NULL) = (note IS NULL))
);
-- At most one open follow-up per request.
CREATE UNIQUE INDEX follow_ups_open ON follow_ups (request_id) WHERE closed_at IS NULL;
CREATE INDEX follow_ups_community ON follow_ups (community_id, opened_at);

-- A tally changed is its service changed, for the directory (as 0009 records services).
CREATE TRIGGER service_ratings_inserted AFTER INSERT ON service_ratings
BEGIN
    UPDATE directory_version SET version = version + 1 WHERE id = 1;
    INSERT INTO directory_changes (version, entity, entity_id) SELECT version, 'service', NEW.service_id FROM directory_version WHERE id = 1;
END;
CREATE TRIGGER service_ratings_updated AFTER UPDATE ON service_ratings
BEGIN
    UPDATE directory_version SET version = version + 1 WHERE id = 1;
    INSERT INTO directory_changes (version, entity, entity_id) SELECT version, 'service', NEW.service_id FROM directory_version WHERE id = 1;
END;
