-- Certificates of volunteer service hours (issue 11): the record as it was when issued,
-- under a random code printed on it that anyone can check on a public page.
CREATE TABLE certificates (
    code          TEXT PRIMARY KEY,
    person_id     BIGINT NOT NULL REFERENCES people (id),
    name          TEXT NOT NULL,
    total_minutes BIGINT NOT NULL CHECK (total_minutes > 0),
    year_minutes  BIGINT NOT NULL,
    activities    BIGINT NOT NULL,
    issued_at     BIGINT NOT NULL
);
CREATE INDEX certificates_person ON certificates (person_id, issued_at);
