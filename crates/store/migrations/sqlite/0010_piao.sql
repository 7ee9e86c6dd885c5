-- The PIAO's other parts around a plan (domain::piao::Piao) as JSON; NULL: the plan carries
-- none. Read and written whole with the plan, as the scoring settings are.
ALTER TABLE plan ADD COLUMN piao TEXT;
