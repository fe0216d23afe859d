-- The connection that holds a table's producer lock (NULL: none), and its host.
SELECT IS_USED_LOCK(:name) AS pid,
       (SELECT HOST FROM information_schema.PROCESSLIST WHERE ID = IS_USED_LOCK(:name)) AS host
