-- How long this session's DDL waits for a table's metadata lock (${seconds}: a number, or DEFAULT).
SET SESSION lock_wait_timeout = ${seconds}
