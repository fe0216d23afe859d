-- The capture triggers a table has, and their bodies (to leave an unchanged one alone).
SELECT TRIGGER_NAME AS name, ACTION_STATEMENT AS body FROM information_schema.TRIGGERS
WHERE TRIGGER_SCHEMA = :schema AND EVENT_OBJECT_TABLE = :table
