-- An organization's inbox, newest first (issue 10, found at city scale): with only
-- (organization_id, status, id), PostgreSQL answered "the latest 20 closed requests" by
-- walking every request in the city backwards by id until 20 of this organization's
-- turned up (172,000 rows at 1,000,000 requests). This index walks the organization's
-- own requests backwards, whatever the tab or narrowing.
CREATE INDEX requests_inbox_recent ON requests (organization_id, id);
ANALYZE requests;
