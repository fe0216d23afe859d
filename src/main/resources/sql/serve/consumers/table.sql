-- cdc serve's consumers with thresholds, in the state database beside cdc.pipelines: a restart of
-- cdc serve starts every one stored as running again, from its group's offsets in Kafka.
CREATE SCHEMA IF NOT EXISTS cdc;
CREATE TABLE IF NOT EXISTS cdc.consumers (
    name          text PRIMARY KEY,
    definition    jsonb NOT NULL,
    state         text NOT NULL CHECK (state IN ('running', 'stopped', 'failed')),
    last_error    text,
    last_error_at timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
