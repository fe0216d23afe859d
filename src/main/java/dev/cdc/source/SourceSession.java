package dev.cdc.source;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One connection to the source on which the changelogs of several captured tables are read, one
 * at a time, by one thread: it holds their producer locks and their wake-ups. Closing it ends
 * them all (a standby elsewhere then takes the tables over).
 */
public interface SourceSession extends AutoCloseable {
    /**
     * The table's changelog, with its producer lock taken in this session; empty while another
     * producer holds it (the caller tries again later, as a standby).
     */
    Optional<Changelog> attach(ChangelogPublisher.Config cfg);

    /** Which of these changelogs hold changes, looked at together (one round trip): their indexes in the list. */
    List<Integer> withChanges(List<Changelog> changelogs);

    /**
     * Runs the work's statements on this connection as one transaction, one commit: the work of
     * several changelogs (opening their windows, moving their cursors) at the cost of one.
     */
    void inTransaction(Runnable work);

    /** Waits for wake-ups, at most {@code millis} (0: takes those already there, without waiting); the channels woken. */
    Set<String> waitForChanges(long millis);

    @Override
    void close();
}
