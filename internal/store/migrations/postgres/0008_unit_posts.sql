-- +goose Up
-- The grassroots senior quota (R-ELG-09, seed 003 五(三)): 基层有效高级岗位 may take at most 10 %
-- of a unit's professional posts. The office registers both numbers per unit (or agency);
-- the unit's recommendation checks them, adding this year's recommendations still under way.
-- professional_posts is 专业技术岗位总量, 0 when not registered; grassroots_senior_posts is the
-- 基层有效高级岗位 already held in the unit (正常和破格), before this year's recommendations.
ALTER TABLE orgs ADD COLUMN professional_posts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orgs ADD COLUMN grassroots_senior_posts INTEGER NOT NULL DEFAULT 0;

-- +goose Down
SELECT 1;
