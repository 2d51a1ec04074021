-- The community dashboard at city scale (issue 10; measured on the generated year of
-- 1,000,000 requests, docs/PERFORMANCE.md): a community's figures for a period are read
-- from covering indexes alone (both engines: SQLite's covering index, PostgreSQL's
-- index-only scan), and "which offerings reach these grid units" looks units up instead
-- of scanning every service. The new request and rating indexes begin with the columns of
-- the ones they replace.
CREATE INDEX requests_oversight ON requests
    (community_id, submitted_at, status, grid_unit_id, category_slug, answered_at, completed_at, answer_due);
DROP INDEX requests_community;
CREATE INDEX ratings_oversight ON ratings
    (community_id, rated_at, score, organization_id, category_slug, grid_unit_id);
DROP INDEX ratings_community;
CREATE INDEX services_grid_unit ON services (grid_unit_id, category_slug);
CREATE INDEX service_coverage_unit ON service_coverage (grid_unit_id, service_id);
-- Statistics for the new indexes, so the planner of either engine picks them at once.
ANALYZE requests;
ANALYZE ratings;
ANALYZE services;
ANALYZE service_coverage;
