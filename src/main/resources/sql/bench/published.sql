-- Changes the producers of the captured tables published since setup.
SELECT coalesce(sum(published), 0) FROM cdc.capture
