-- With cdc produce --retain: a published row kept (run as a batch, one seq each, before it is deleted).
INSERT INTO ${retained} (published_at, seq, op, n, data, at, version)
SELECT UTC_TIMESTAMP(6), seq, op, n, data, at, version FROM ${changelog} WHERE seq = :seq
