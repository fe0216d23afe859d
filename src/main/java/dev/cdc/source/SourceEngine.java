package dev.cdc.source;

import dev.cdc.db.Db;
import dev.cdc.db.Table;
import java.util.List;

/** The database-specific half of {@code cdc produce}, which each kind of source database provides. */
public interface SourceEngine {
    /** Capture: install, find, remove, snapshot. */
    Captures captures();

    /**
     * Checks what produce needs on the source before it runs (capture installed and current, the
     * rights to read and remove its changelog); each missing piece is a {@code Failure}.
     */
    void preflight(Db source, List<Table.Name> tables);

    /** Records that the table's events are keyed for {@code partitions} from now on. */
    void acceptPartitions(Db source, String schema, String table, int partitions);

    /** Connects to the source: a session on which the changelogs of several tables are read. */
    SourceSession session(Db source);
}
