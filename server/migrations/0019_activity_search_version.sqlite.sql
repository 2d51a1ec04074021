-- Activities near me from memory (issue 11): each instance keeps the upcoming published
-- activities in memory and answers searches from them while this version is the one it
-- read them at. Any change to an activity (a sign-up changes its counts too) or to an
-- organization's standing or names bumps it, so a write through any instance is seen by
-- the next search on every instance.
CREATE TABLE activity_search_version (
    id      BIGINT PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO activity_search_version (id, version) VALUES (1, 1);

CREATE TRIGGER activity_search_inserted AFTER INSERT ON activities
BEGIN
    UPDATE activity_search_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER activity_search_updated AFTER UPDATE ON activities
BEGIN
    UPDATE activity_search_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER activity_search_organizations AFTER UPDATE OF verified, suspended, name_zh, name_en ON organizations
BEGIN
    UPDATE activity_search_version SET version = version + 1 WHERE id = 1;
END;
