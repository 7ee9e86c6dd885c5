-- The administration's code in the Indice dei domicili digitali della PA (IPA), as each plan
-- gives it (domain::Entity::code): kept with the plan, so that writing it in one draft changes
-- no other plan.
ALTER TABLE plan ADD COLUMN entity_code TEXT;
