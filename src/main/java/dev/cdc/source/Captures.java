package dev.cdc.source;

import dev.cdc.db.Db;
import dev.cdc.db.Table;
import dev.cdc.db.TableSelector;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Capture on a source database, as its engine does it: installing a table's changelog and
 * triggers, finding the captures installed, granting a producer role, copying the rows a table
 * already has, and removing capture.
 */
public interface Captures {
    /**
     * Where a captured table's publishing stands: its window, the events published and when last
     * (null where the engine does not record it), the source's clock now, and the producer that
     * holds its lock (null: none; its connection id, address and since when, as far as known).
     */
    record Cursor(String schema, String table, long windowId, long published, Instant publishedAt, Instant now,
                  Integer producerPid, String producerHost, Instant producerSince) {
        public String display() {
            return schema + "." + table;
        }
    }

    /** The cursor of every captured table, in order of schema and name. */
    List<Cursor> cursors(Handle h);

    /**
     * Installs (or refreshes) the changelog, the triggers and the cursor row, in one transaction.
     * Returns what it did, one line per step.
     */
    List<String> install(Handle h, Capture capture);

    /** Two-way sync: the quoted name of the capture's table of row versions (where consume keeps them too). */
    String versions(Capture capture);

    /** Grants a role what cdc produce and cdc status need on the table's capture. */
    void grantProducer(Handle h, Capture capture, String role);

    /** Removes the triggers, functions, changelog and cursor; the table and its rows stay. */
    void uninstall(Handle h, Capture capture);

    /** The capture of a table, as installed on the source, if it is. */
    Optional<Capture> find(Handle h, String schema, String name);

    /** The capture of a table, as installed on the source; a missing one is a {@code Failure}. */
    Capture load(Handle h, Db source, String schema, String name);

    /** The captures of the named tables ("schema.table"); one not captured is a {@code Failure}. */
    default List<Capture> load(Handle h, Db source, List<String> names) {
        List<Capture> captures = new ArrayList<>();
        for (String name : names) {
            String[] n = Table.parseName(name);
            captures.add(load(h, source, n[0], n[1]));
        }
        return captures;
    }

    /**
     * The captures of the tables a selector names: exact names must be captured (else a
     * {@code Failure}), patterns and schemas pick among the captured tables; an empty selector
     * names them all.
     */
    default List<Capture> select(Handle h, Db source, TableSelector selector) {
        if (selector.isEmpty()) {
            return all(h, source);
        }
        List<Capture> candidates = selector.exact() ? load(h, source, selector.tables()) : all(h, source);
        List<Table.Name> names = selector.resolve(candidates.stream().map(c -> c.table().qualifiedName()).toList());
        return candidates.stream().filter(c -> names.contains(c.table().qualifiedName())).toList();
    }

    /** Every table captured on the source; a source without capture is a {@code Failure}. */
    List<Capture> all(Handle h, Db source);

    /** Every table captured on the source; none (or capture not installed): an empty list. */
    List<Capture> captured(Handle h, Db source);

    /** The changes not yet published. */
    Backlog backlog(Handle h, Capture capture);

    /**
     * Copies the rows the table already has into its changelog, so that they reach the target like
     * any change; returns how many, with a progress line every {@code progressMillis}.
     */
    long snapshot(Handle h, Capture capture, long progressMillis);
}
