-- +goose Up
-- The reviewer lists show the specialty, filter by level, type and scope, and the department
-- list by "waiting at this department". Read from the form JSON and the chain snapshot those were a full scan of
-- every application (BENCHMARKS.md §3: the department list did not answer within 3 s under
-- load with 100 000 applications), so the store keeps them as plain columns, written with the
-- form (SaveForm, CreateApplication) and with the review state (SaveReviewState).
ALTER TABLE applications ADD COLUMN level_code TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN app_type TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN scope TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN specialty TEXT NOT NULL DEFAULT '';
-- The department whose turn it is: level 1 of the chain snapshot while recommended, the
-- current level in dept_review, NULL in every other state.
ALTER TABLE applications ADD COLUMN holder_dept_id INTEGER REFERENCES orgs(id);

UPDATE applications SET
    level_code = COALESCE(json_extract(form, '$.basics.level_code'), ''),
    app_type   = COALESCE(json_extract(form, '$.basics.app_type'), ''),
    scope      = COALESCE(json_extract(form, '$.basics.scope'), ''),
    specialty  = COALESCE(json_extract(form, '$.basics.specialty'), '');
UPDATE applications SET holder_dept_id = (
    SELECT c.dept_id FROM application_chain c JOIN application_review r ON r.application_id = c.application_id
    WHERE c.application_id = applications.id
      AND c.level = CASE WHEN applications.status = 'recommended' THEN 1 ELSE r.chain_level END)
WHERE status IN ('recommended', 'dept_review');

CREATE INDEX applications_holder_updated ON applications(holder_dept_id, updated_at_ms DESC, id DESC) WHERE holder_dept_id IS NOT NULL;
-- The office's list without a status filter: newest change first over every application.
CREATE INDEX applications_updated ON applications(updated_at_ms DESC, id DESC);

-- +goose Down
SELECT 1;
