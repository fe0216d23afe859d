-- Wakes the table's producer (the snapshot's rows are in the changelog).
SELECT pg_notify(:channel, '')
