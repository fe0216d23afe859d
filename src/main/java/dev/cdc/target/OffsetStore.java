package dev.cdc.target;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * Where a consumer group's place in a topic is kept on the target, in the transaction that
 * applies the rows: per partition the next offset, and per source and capture epoch the last
 * position applied. Because
 * both are stored with the rows, a crash at any instant neither skips nor repeats a change.
 */
public interface OffsetStore {
    /**
     * The topic's id as Kafka gives it now (null: unknown). A topic deleted and created again under
     * the same name has another id: the offsets stored for the old one are no offsets in it, so it is
     * read from its start (the source positions stored with them still recognize events applied).
     */
    void topicIs(String id);

    /** The stored next offset of every partition of the topic that has one. */
    Map<Integer, Long> storedOffsets(Handle h);

    /**
     * Locks the partitions' stored state until the transaction ends (creating it for a partition's
     * first batch), with the positions of the given origins (those of the batch's events).
     */
    Map<Integer, ApplyPlan.Stored> lock(Handle tx, List<Integer> partitions, Set<ApplyPlan.Origin> origins);

    /** Stores the state of the partitions the batch read. */
    void save(Handle tx, Map<Integer, ApplyPlan.Stored> stored);
}
