-- +goose Up
-- The reviewer lists are "newest change first" within an organisation (unit inbox) or a status
-- (department and office lists); without these the database sorts every matching row to return
-- fifty (BENCHMARKS.md §3: the unit inbox on 100 000 applications, 22.5 ms → 1.2 ms).
CREATE INDEX applications_org_updated ON applications(org_id, updated_at_ms DESC, id DESC);
CREATE INDEX applications_status_updated ON applications(status, updated_at_ms DESC, id DESC);

-- +goose Down
SELECT 1;
