-- Starts a batch's transaction. Safe without waiting for the disk: a crash that loses this commit
-- loses the rows and the offsets together, and the events are applied again from Kafka.
SET LOCAL synchronous_commit = off
