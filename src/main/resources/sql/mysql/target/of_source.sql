WHERE ${source_column} = :source
