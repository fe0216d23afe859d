-- Starts a batch: in a two-way sync (:apply 1) the capture triggers of this session skip what it
-- applies (sql/mysql/two_way_insert.sql), so nothing is sent back; NULL: they capture as usual.
SET @cdc_apply = :apply
