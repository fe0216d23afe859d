-- In a consolidated table: only the rows of one source.
WHERE ${source_column} = :source
