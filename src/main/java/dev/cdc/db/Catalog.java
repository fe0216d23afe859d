package dev.cdc.db;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** What a database says of its tables, as its engine reads it (PostgreSQL: {@code sql/catalog/}). */
public interface Catalog {
    /** The table as the catalog describes it, or empty when it does not exist. */
    Optional<Table> find(Handle h, String schema, String name);

    /** The tables a user may capture, in name order: not the system's, not cdc's bookkeeping, not partitions. */
    List<Table.Name> tables(Handle h);

    /** The column sets of the table's unique indexes on plain columns (an upsert can find a row by them). */
    List<List<String>> uniqueKeys(Handle h, Table t);

    /** The columns an INSERT leaving them out fills by itself (a default, an identity, auto-increment, generated). */
    List<String> selfFilled(Handle h, Table t);
}
