-- Moving the cursor need not wait for the disk: a lost commit republishes the page with the same
-- positions (the consumer skips them), and the next window cannot open durably before this WAL is flushed.
SET LOCAL synchronous_commit = off
