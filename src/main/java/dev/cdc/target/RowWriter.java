package dev.cdc.target;

import dev.cdc.db.Table;
import dev.cdc.event.ChangeEvent;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Writes a batch's changes into the target tables: the truncates first, then all deletes as one
 * statement and all upserts as another per table (one per set of columns: a row image sets the
 * columns it has, and leaves the others as they are).
 */
public interface RowWriter {
    /**
     * The target table an event names ("schema.table"), keyed as applied; {@code reread}: read the
     * catalog again (another process may have added a column). A missing one is a {@code Failure}.
     */
    Table table(Handle h, String qualified, boolean reread);

    /** Deletes the target rows of the truncated partitions; returns the number of rows deleted. */
    int truncate(Handle tx, List<ApplyPlan.Truncate> truncates);

    /** Deletes, then upserts, per table (and set of columns); returns the number of rows written. */
    int write(Handle tx, List<ChangeEvent> changes);

    /**
     * Adds the columns a schema event announces and the table lacks, outside the batch's
     * transaction (a new enum label can only be used once committed); adding is idempotent.
     */
    void addColumns(Handle h, String qualified, List<Table.Column> announced);

    /** Forgets table definitions (after a reconnect, in case the target changed). */
    void forget();
}
