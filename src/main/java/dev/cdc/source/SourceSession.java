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

    /**
     * Of these tables, which this session may attach now, looked at together: their indexes. An
     * engine may take their producer locks here in one statement ({@link #attach} then takes them
     * again, which the lock allows); by default every table (each attach tries its own lock).
     */
    default List<Integer> free(List<ChangelogPublisher.Config> tables) {
        return java.util.stream.IntStream.range(0, tables.size()).boxed().toList();
    }

    /** Which of these changelogs hold changes, looked at together (one round trip): their indexes in the list. */
    List<Integer> withChanges(List<Changelog> changelogs);

    /**
     * Opens a window of each of these changelogs that holds unpublished rows (see
     * {@link Changelog#openWindow}); returns their indexes in the list. An engine may open them all
     * with one statement.
     */
    default List<Integer> openWindows(List<Changelog> changelogs) {
        List<Integer> opened = new java.util.ArrayList<>();
        for (int i = 0; i < changelogs.size(); i++) {
            if (changelogs.get(i).openWindow()) {
                opened.add(i);
            }
        }
        return opened;
    }

    /**
     * Runs the work's statements on this connection as one transaction, one commit: the work of
     * several changelogs (opening their windows, and what follows an opening) at the cost of one.
     */
    void inTransaction(Runnable work);

    /**
     * Runs the reads of a round's pages ({@link Changelog#readPage}) together: on PostgreSQL in one
     * transaction, one commit for all of them instead of one each.
     */
    void reading(Runnable work);

    /** A page Kafka acknowledged: its changelog, the columns announced with it (null: none), the partitions it was keyed for. */
    record Finish(Changelog log, Page page, String announced, Integer keyedFor) {
    }

    /**
     * Removes a round's pages from their changelogs and moves their cursors ({@link Changelog#finishPage})
     * in one transaction, whose commit need not wait for the disk where the engine can say so: a
     * crash that loses it makes the producer publish those pages again with the same positions,
     * which the consumer skips. An engine may do it with one statement.
     */
    void finishPages(List<Finish> pages);

    /** Waits for wake-ups, at most {@code millis} (0: takes those already there, without waiting); the channels woken. */
    Set<String> waitForChanges(long millis);

    @Override
    void close();
}
