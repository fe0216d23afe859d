package dev.cdc.source;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One captured table's changelog on a connected source, read window by window: the database-
 * specific half of {@code cdc produce} ({@link ChangelogPublisher} is the other). A window is the
 * set of changes committed between two points the engine can tell apart without ever skipping a
 * late commit (PostgreSQL: two transaction snapshots); it is read in pages in changelog order, and
 * each page is removed and the cursor moved in one transaction once Kafka acknowledged it.
 * Holding an open changelog means holding the table's producer lock; it is read on a
 * {@link SourceSession}, shared with other tables' changelogs.
 */
public interface Changelog {
    /** The capture as last read (its table's definition included). */
    Capture capture();

    /** The epoch of the cursor: it changes when capture is reinstalled and positions restart. */
    String epoch();

    /** The open window's number (or the last one's). */
    long windowId();

    /** The seq of the last row published in the open window (0: none). */
    long lastSeq();

    /** Whether a window is open. */
    boolean windowOpen();

    /** The topic's partitions the events were keyed for, as stored when opened (null: none yet). */
    Integer keyedFor();

    /** The columns as last announced on the topic, as stored when opened (null: never, or unreadable). */
    JsonNode announced();

    /** Keeps the changelog small: expired retained rows deleted, the table vacuumed. */
    void maintain();

    /** Opens a window when the changelog has unpublished rows; false when it has none. */
    boolean openWindow();

    /** Reads the open window's next rows, until they hold {@code pageSize} events or the window ends. */
    Page readPage(int pageSize);

    /**
     * Removes the page's rows and moves the cursor past them, recording the columns announced
     * (null: none) and the partitions the events were keyed for, in one transaction.
     */
    void finishPage(Page page, String announcedColumns, Integer keyedFor);

    /** Whether the table's definition changed since it was read (checked when its types can change under it). */
    boolean definitionChanged();

    /** Reads the capture and its table's definition again; a table that no longer exists is a {@code Failure}. */
    Capture reload();

    /** Busy: the writers need not wake the producer; idle: they do. */
    void markBusy(boolean busy);

    /** The channel on which writers wake its producer ({@link SourceSession#waitForChanges}). */
    String channel();

    /** The changes not yet published. */
    long backlog();
}
