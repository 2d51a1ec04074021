-- A counter every change to what the resident's directory shows (services, categories,
-- organizations, the grid) bumps in the writing transaction itself. Instances compare it
-- with the version their in-process snapshot was read at, so a write through any instance
-- (or by hand) is seen at once.
-- Triggers rather than application code: no writer can forget, not even a psql session.
-- Statement-level, so a bulk load bumps it once per statement. Concurrent writers of
-- services queue on this one row until commit: fine for a directory edited by hand.
CREATE TABLE directory_version (
    id      BIGINT PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO directory_version (id, version) VALUES (1, 1);

CREATE FUNCTION bump_directory_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE directory_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER services_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON services
    FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_version();
CREATE TRIGGER categories_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON categories
    FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_version();
CREATE TRIGGER organizations_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON organizations
    FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_version();
CREATE TRIGGER grid_units_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON grid_units
    FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_version();
