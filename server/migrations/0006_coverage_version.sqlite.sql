-- The service page shows which grid units an at-home service reaches, and it is now read
-- from the in-process snapshot too; so a change to coverage must bump the directory
-- version like a change to the service itself (0002 left this table out).
CREATE TRIGGER service_coverage_inserted AFTER INSERT ON service_coverage
BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER service_coverage_updated AFTER UPDATE ON service_coverage
BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER service_coverage_deleted AFTER DELETE ON service_coverage
BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;
