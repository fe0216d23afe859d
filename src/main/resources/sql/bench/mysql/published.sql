-- Changes the producers of the captured tables published since setup.
SELECT COALESCE(SUM(published), 0) FROM cdc.capture
