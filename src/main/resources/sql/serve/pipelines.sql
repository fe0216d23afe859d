-- cdc serve's pipeline definitions, in the state database: a restart of cdc serve (or another one
-- taking over) starts every pipeline whose state is 'running' again. Passwords in the definition are
-- references (env:, file:) or sealed (encrypted with CDC_SERVE_SECRET), never in clear. Every cdc serve
-- on this database follows the states within seconds: a pause asked of one stops the pipeline on all.
CREATE SCHEMA IF NOT EXISTS cdc;
CREATE TABLE IF NOT EXISTS cdc.pipelines (
    name          text PRIMARY KEY,
    definition    jsonb NOT NULL,
    state         text NOT NULL,
    last_error    text,
    last_error_at timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
-- A table made before 'failed' was a state takes it.
ALTER TABLE cdc.pipelines DROP CONSTRAINT IF EXISTS pipelines_state_check;
ALTER TABLE cdc.pipelines ADD CONSTRAINT pipelines_state_check CHECK (state IN ('running', 'paused', 'stopped', 'failed'));
