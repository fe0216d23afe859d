-- Which of the gaps (numbers written by MySqlCursor) are committed rows by now.
SELECT seq FROM ${changelog} WHERE seq IN (${seqs})
