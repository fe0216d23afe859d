package dev.cdc.db;

import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** What a database says of its tables, as its engine reads it (PostgreSQL: {@code sql/catalog/}). */
public interface Catalog {
    /** The table as the catalog describes it, or empty when it does not exist. */
    Optional<Table> find(Handle h, String schema, String name);
}
