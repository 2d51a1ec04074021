-- The service page shows which grid units an at-home service reaches, and it is now read
-- from the in-process snapshot too; so a change to coverage must bump the directory
-- version like a change to the service itself (0002 left this table out).
CREATE TRIGGER service_coverage_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON service_coverage
    FOR EACH STATEMENT EXECUTE FUNCTION bump_directory_version();
