-- Volunteer activities (issue 11): published by a verified organization or by a
-- community's staff (organization_id NULL), at a grid unit of a community it serves.
-- Never more confirmed volunteers than places: sign-ups lock the activity's row, and the
-- counts below are kept by triggers from the sign-up rows themselves, so the CHECK on
-- them catches any code path that would overbook, however it got there.
CREATE TABLE activities (
    id               {{ID}},
    organization_id  BIGINT REFERENCES organizations (id),
    community_id     BIGINT NOT NULL REFERENCES grid_units (id),
    grid_unit_id     BIGINT NOT NULL REFERENCES grid_units (id),
    kind             TEXT NOT NULL,
    title_zh         TEXT NOT NULL,
    title_en         TEXT,
    description_zh   TEXT NOT NULL,
    description_en   TEXT,
    address          TEXT NOT NULL,
    latitude         DOUBLE PRECISION NOT NULL CHECK (latitude BETWEEN -90 AND 90),
    longitude        DOUBLE PRECISION NOT NULL CHECK (longitude BETWEEN -180 AND 180),
    starts_at        BIGINT NOT NULL,
    ends_at          BIGINT NOT NULL,
    signup_deadline  BIGINT NOT NULL,
    places           BIGINT NOT NULL CHECK (places BETWEEN 1 AND 500),
    -- Kept by the triggers on activity_signups; never written by the application.
    confirmed        BIGINT NOT NULL DEFAULT 0,
    waitlisted       BIGINT NOT NULL DEFAULT 0 CHECK (waitlisted >= 0),
    -- The last waitlist ticket handed out: tickets order the waitlist.
    tickets          BIGINT NOT NULL DEFAULT 0,
    -- Skill slugs, comma-separated, sorted.
    skills           TEXT NOT NULL DEFAULT '',
    min_age          BIGINT,
    status           TEXT NOT NULL CHECK (status IN ('draft', 'published', 'cancelled', 'finished')),
    cancel_reason    TEXT,
    created_by       BIGINT NOT NULL REFERENCES people (id),
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    revision         BIGINT NOT NULL DEFAULT 1,
    CHECK (ends_at > starts_at),
    CHECK (signup_deadline <= starts_at),
    CHECK (confirmed >= 0 AND confirmed <= places)
);
-- Upcoming published activities, soonest first: what the search walks.
CREATE INDEX activities_upcoming ON activities (starts_at) WHERE status = 'published';
CREATE INDEX activities_community ON activities (community_id, starts_at);
CREATE INDEX activities_organization ON activities (organization_id, starts_at);

-- One row per person and activity (its primary key: nobody holds two places in one
-- activity); a cancelled row is taken up again by a new sign-up.
CREATE TABLE activity_signups (
    activity_id   BIGINT NOT NULL REFERENCES activities (id),
    person_id     BIGINT NOT NULL REFERENCES people (id),
    status        TEXT NOT NULL CHECK (status IN ('confirmed', 'waitlisted', 'cancelled')),
    -- Waitlisted: the ticket that orders the waitlist.
    ticket        BIGINT,
    signed_up_at  BIGINT NOT NULL,
    confirmed_at  BIGINT,
    cancelled_at  BIGINT,
    PRIMARY KEY (activity_id, person_id),
    CHECK ((status = 'waitlisted') = (ticket IS NOT NULL))
);
-- Two waitlisted sign-ups never share a place in line.
CREATE UNIQUE INDEX activity_signups_ticket ON activity_signups (activity_id, ticket);
CREATE INDEX activity_signups_person ON activity_signups (person_id, activity_id);

-- The counts follow the rows (SQLite evaluates a comparison to 0 or 1).
CREATE TRIGGER activity_signups_inserted AFTER INSERT ON activity_signups
BEGIN
    UPDATE activities SET confirmed = confirmed + (NEW.status = 'confirmed'),
        waitlisted = waitlisted + (NEW.status = 'waitlisted')
    WHERE id = NEW.activity_id;
END;
CREATE TRIGGER activity_signups_updated AFTER UPDATE OF status ON activity_signups
BEGIN
    UPDATE activities SET confirmed = confirmed - (OLD.status = 'confirmed') + (NEW.status = 'confirmed'),
        waitlisted = waitlisted - (OLD.status = 'waitlisted') + (NEW.status = 'waitlisted')
    WHERE id = NEW.activity_id;
END;
CREATE TRIGGER activity_signups_deleted AFTER DELETE ON activity_signups
BEGIN
    UPDATE activities SET confirmed = confirmed - (OLD.status = 'confirmed'),
        waitlisted = waitlisted - (OLD.status = 'waitlisted')
    WHERE id = OLD.activity_id;
END;
