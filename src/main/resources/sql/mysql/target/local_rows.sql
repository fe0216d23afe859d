-- Two-way sync: the local rows of some keys (by their places), for the record of conflicts.
SELECT k.ord, JSON_OBJECT(${row}) AS `row` FROM (${keys}) AS k JOIN ${table} AS t ON ${match}
