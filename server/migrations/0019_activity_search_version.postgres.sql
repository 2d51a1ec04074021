-- Activities near me from memory (issue 11): each instance keeps the upcoming published
-- activities in memory and answers searches from them while this version is the one it
-- read them at. Any change to an activity (a sign-up changes its counts too) or to an
-- organization's standing or names bumps it, so a write through any instance is seen by
-- the next search on every instance. Once per transaction: a sign-up's count changes,
-- its promotions, a generator's 500,000 rows all bump it once (updating one row again and
-- again in one transaction would leave a chain of versions every later update walks).
CREATE TABLE activity_search_version (
    id      BIGINT PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL,
    -- The transaction that bumped it last.
    bumped_in BIGINT
);
INSERT INTO activity_search_version (id, version) VALUES (1, 1);

CREATE FUNCTION bump_activity_search_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE activity_search_version SET version = version + 1, bumped_in = txid_current()
    WHERE id = 1 AND bumped_in IS DISTINCT FROM txid_current();
    RETURN NULL;
END
$$;
CREATE TRIGGER activity_search_changed AFTER INSERT OR UPDATE ON activities
    FOR EACH STATEMENT EXECUTE FUNCTION bump_activity_search_version();
CREATE TRIGGER activity_search_organizations AFTER UPDATE OF verified, suspended, name_zh, name_en ON organizations
    FOR EACH STATEMENT EXECUTE FUNCTION bump_activity_search_version();
