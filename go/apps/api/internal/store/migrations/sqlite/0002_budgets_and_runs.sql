-- The size budget in force when a build was recorded (NULL: no budget), and
-- the indexes behind the CI-run views and the outcome filter.
ALTER TABLE builds ADD COLUMN budget_bytes INTEGER CHECK (budget_bytes > 0);

CREATE INDEX builds_ci_run ON builds (ci_run_id, recorded_at) WHERE ci_run_id IS NOT NULL;
CREATE INDEX builds_image_outcome_recorded ON builds (image, outcome, recorded_at DESC, id DESC);
