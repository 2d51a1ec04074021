-- Needs no offering meets (issue 10): a resident names one at their grid unit; residents of
-- the same community add "me too" (我也需要), so demand counts people, not posts; community
-- staff point it to an offering or record it as unmet. Who named or supported a need is
-- kept for them alone and never shown.
CREATE TABLE needs (
    id            {{ID}},
    grid_unit_id  BIGINT NOT NULL REFERENCES grid_units (id),
    community_id  BIGINT NOT NULL REFERENCES grid_units (id),
    category_slug TEXT REFERENCES categories (slug),
    description   TEXT NOT NULL,
    named_by      BIGINT REFERENCES people (id),
    status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'pointed', 'unmet')),
    -- Pointed: the offering that meets it.
    service_id    BIGINT REFERENCES services (id),
    resolved_by   BIGINT REFERENCES people (id),
    resolved_at   BIGINT,
    note          TEXT,
    -- People who need it (the one who named it included), kept with need_supporters.
    supporters    BIGINT NOT NULL DEFAULT 1 CHECK (supporters >= 1),
    created_at    BIGINT NOT NULL,
    CHECK ((status = 'pointed') = (service_id IS NOT NULL))
);
CREATE INDEX needs_community ON needs (community_id, status, id);

CREATE TABLE need_supporters (
    need_id   BIGINT NOT NULL REFERENCES needs (id),
    person_id BIGINT NOT NULL REFERENCES people (id),
    added_at  BIGINT NOT NULL,
    PRIMARY KEY (need_id, person_id)
);
