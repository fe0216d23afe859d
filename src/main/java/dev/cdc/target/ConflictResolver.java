package dev.cdc.target;

import dev.cdc.event.ChangeEvent;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Two-way sync: decides which incoming changes win against the local versions of their rows, and
 * keeps the versions of the changes applied. A change made on the same side as the local version
 * follows it (events of a side come in order); one from the other side wins when its version is
 * later, or equal and its side's name sorts first. A change that loses is a conflict, recorded
 * with both versions and logged.
 */
public interface ConflictResolver {
    /** The changes that win, in order; the losing ones are recorded as conflicts. */
    List<ChangeEvent> resolve(Handle tx, List<ChangeEvent> changes);

    /** Stores the versions of the changes applied (key, version, side). */
    void recordVersions(Handle tx, List<ChangeEvent> applied);
}
