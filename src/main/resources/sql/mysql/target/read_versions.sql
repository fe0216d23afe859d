-- Two-way sync: the local version of some keys of a batch (by their places), locked until the
-- batch commits, so no local writer changes them in between. Placeholders as lock_rows.sql.
SELECT k.ord, t.cdc_version, t.cdc_origin FROM (${keys}) AS k JOIN ${versions} AS t ON ${match} FOR UPDATE
