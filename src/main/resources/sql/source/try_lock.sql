-- The producer lock of one captured table (class, capture lock_id); false while another producer holds it.
SELECT pg_try_advisory_lock(:c, :id)
