package dev.cdc.target;

import dev.cdc.db.Db;
import org.jdbi.v3.core.Handle;

/**
 * One connection to the target database, shared by the topics that one consume thread applies:
 * opened when first needed, dropped after a failure and opened again on the next use. Every
 * opening is counted, so that what a topic remembers of the target (table definitions, its
 * subscription) is read again after a reconnect.
 */
public final class TargetConnection implements AutoCloseable {
    private final Db target;
    private Handle handle;
    private long openings;

    public TargetConnection(Db target) {
        this.target = target;
    }

    public Db target() {
        return target;
    }

    /** The open connection, opening one if there is none. */
    public Handle handle() {
        if (handle == null) {
            handle = target.open("cdc-consume");
            openings++;
        }
        return handle;
    }

    /** How many times a connection was opened: a change means the target may have changed meanwhile. */
    public long openings() {
        return openings;
    }

    /** Drops the connection (it failed, or consume ends); the next use opens another. */
    @Override
    public void close() {
        if (handle != null) {
            try {
                handle.close();
            } catch (RuntimeException ignored) {
                // gone already
            }
            handle = null;
        }
    }
}
