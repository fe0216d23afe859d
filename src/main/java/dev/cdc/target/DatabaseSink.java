package dev.cdc.target;

import dev.cdc.base.Failure;
import dev.cdc.db.Db;
import dev.cdc.sink.Decoded;
import dev.cdc.sink.Delivered;
import dev.cdc.sink.Sink;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.jdbi.v3.core.Handle;

/**
 * The target database as a sink for one topic: each batch is applied in one transaction with its
 * offsets (see {@link Applier}), so the target's offsets are the truth and a batch is never applied
 * twice. The connection may be shared with other topics' sinks on the same thread.
 */
public final class DatabaseSink implements Sink {
    private final Db target;
    private final Applier applier;
    private final TargetConnection connection;
    /** {@link TargetConnection#openings()} when this sink last used it. */
    private long seenOpenings;

    public DatabaseSink(TargetConnection connection, Applier applier) {
        this.target = connection.target();
        this.connection = connection;
        this.applier = applier;
    }

    @Override
    public Delivered deliver(Map<TopicPartition, List<Decoded>> batch) {
        try {
            return applier.apply(handle(), batch);
        } catch (RuntimeException e) {
            // away (retried), or a right the consumer lacks: not the events' fault, no dead-letter topic
            RuntimeException explained = e instanceof Failure ? e : target.explain(e);
            if (explained instanceof Failure f) {
                if (f.exitCode() == Failure.UNREACHABLE) {
                    close();
                }
                throw f;
            }
            throw Failure.badEvent("the " + target.where() + " rejected a batch of " + Sink.describe(batch)
                    + ": " + Db.rootMessage(e), e);
        }
    }

    @Override
    public Map<Integer, Long> storedOffsets() {
        try {
            return applier.storedOffsets(handle());
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public void topicIs(String topicId) {
        applier.topicIs(topicId);
    }

    private Handle handle() {
        Handle h = connection.handle();
        if (connection.openings() != seenOpenings) {
            applier.forgetTables(); // a new connection: the target may have changed meanwhile
            seenOpenings = connection.openings();
        }
        return h;
    }

    @Override
    public String where() {
        return "the " + target.where();
    }

    /** Drops the connection (shared: the other topics on it open another on their next batch). */
    @Override
    public void close() {
        connection.close();
    }
}
