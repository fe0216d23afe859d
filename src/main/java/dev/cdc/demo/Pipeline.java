package dev.cdc.demo;

import dev.cdc.consume.EventConsumer;
import dev.cdc.db.Db;
import dev.cdc.engine.Engines;
import dev.cdc.kafka.Kafka;
import dev.cdc.setup.Setup;
import dev.cdc.source.ChangelogPublisher;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Setup, topic, produce and consume for the employees table, in this process: what
 * {@code cdc demo}, {@code cdc selftest --embedded} and the tests run. Produce and consume run on
 * threads of their own; {@link #check()} rethrows what either of them died of.
 */
public final class Pipeline implements AutoCloseable {

    private final ChangelogPublisher publisher;
    private final EventConsumer consumer;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    public Pipeline(Db source, Db target, Kafka kafka, String group, long progressMillis) {
        publisher = new ChangelogPublisher(Engines.source(source), new ChangelogPublisher.Config(source, kafka, "public", Setup.EMPLOYEES,
                5000, 1000, progressMillis, null, null));
        consumer = new EventConsumer(new EventConsumer.Config(target, kafka, group, progressMillis));
    }

    public Pipeline start() {
        publisher.preflight();
        consumer.preflight();
        threads.add(run("cdc-produce", publisher));
        threads.add(run("cdc-consume", consumer));
        return this;
    }

    private Thread run(String name, Runnable r) {
        Thread t = new Thread(() -> {
            try {
                r.run();
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Rethrows the failure of produce or consume, if either failed. */
    public void check() {
        Throwable t = failure.get();
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t != null) {
            throw new IllegalStateException(t);
        }
    }

    public long published() {
        return publisher.published();
    }

    public long applied() {
        return consumer.applied();
    }

    @Override
    public void close() {
        publisher.stop();
        consumer.stop();
        for (Thread t : threads) {
            try {
                t.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        publisher.abort();
    }
}
