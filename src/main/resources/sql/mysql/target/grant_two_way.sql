-- Two-way sync: cdc consume reads, locks and writes the row versions of the table it applies into.
GRANT SELECT, INSERT, UPDATE ON ${versions} TO ${role}
