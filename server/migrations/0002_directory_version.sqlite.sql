-- A counter every change to what the resident's directory shows (services, categories,
-- organizations, the grid) bumps in the writing transaction itself. Instances compare it
-- with the version their in-process snapshot was read at, so a write through any instance
-- (or by hand) is seen at once.
-- Triggers rather than application code: no writer can forget, not even a psql session.
-- SQLite has only row-level triggers; a bulk load bumps the counter once per row, which
-- costs microseconds each and happens in the same transaction.
CREATE TABLE directory_version (
    id      BIGINT PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO directory_version (id, version) VALUES (1, 1);

CREATE TRIGGER services_inserted AFTER INSERT ON services
BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER services_updated AFTER UPDATE ON services
BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER services_deleted AFTER DELETE ON services
BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER categories_inserted AFTER INSERT ON categories
BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER categories_updated AFTER UPDATE ON categories
BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER categories_deleted AFTER DELETE ON categories
BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER organizations_inserted AFTER INSERT ON organizations
BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER organizations_updated AFTER UPDATE ON organizations
BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER organizations_deleted AFTER DELETE ON organizations
BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER grid_units_inserted AFTER INSERT ON grid_units
BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER grid_units_updated AFTER UPDATE ON grid_units
BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER grid_units_deleted AFTER DELETE ON grid_units
BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;
