package dev.cdc;


import dev.cdc.consume.EventConsumer;
import dev.cdc.db.Table;
import dev.cdc.engine.Engines;
import dev.cdc.kafka.Kafka;
import dev.cdc.kafka.Topics;
import dev.cdc.source.Capture;
import dev.cdc.source.ChangelogPublisher;
import dev.cdc.target.TargetEngine;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * Pipelines for tables of a test, run in this JVM: for each captured table its capture, a target
 * table created from the source's definition, a topic of its own, a producer and a consumer;
 * {@link #converged} waits until the target holds what the source does.
 */
final class TablePipelines implements AutoCloseable {
    final TestServers servers;
    final Kafka base;
    private final List<Runnable> stops = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final Map<String, Kafka> topicOf = new HashMap<>();
    private int topics;

    TablePipelines(TestServers servers, Kafka base) {
        this.servers = servers;
        this.base = base;
    }

    /** Capture, target table, topic, produce and consume for one source table. */
    Table capture(String schema, String name) {
        Table t;
        Kafka kafka = topic();
        try (Handle src = servers.source.open("test"); Handle dst = servers.target.open("test")) {
            t = servers.catalog().find(src, schema, name).orElseThrow();
            servers.captures().install(src, Capture.of(t));
            TargetEngine engine = Engines.target(servers.target);
            engine.ensureTable(dst, t);
            engine.subscribe(dst, kafka.topic(), t, false, null);
        }
        Topics.create(kafka, 3, (short) 1);
        topicOf.put(t.display(), kafka);
        run(name, new ChangelogPublisher(Engines.source(servers.source), new ChangelogPublisher.Config(servers.source, kafka, schema, name, 5000, 1000, 0, null, null)));
        run(name, new EventConsumer(new EventConsumer.Config(servers.target, kafka, "g-" + kafka.topic(), 0)));
        return t;
    }

    /** The topic of a table {@link #capture} captured. */
    Kafka topicOf(Table t) {
        return topicOf.get(t.display());
    }

    /** The next topic of this test's own. */
    Kafka topic() {
        return new Kafka(base.bootstrapServers(), base.topic() + "_" + topics++, base.overrides());
    }

    /** Runs a producer or a consumer until {@link #close}. */
    void run(String name, Runnable r) {
        Thread th = new Thread(r, "it-" + name);
        th.setDaemon(true);
        th.start();
        threads.add(th);
        stops.add(r instanceof ChangelogPublisher p ? p::stop : ((EventConsumer) r)::stop);
    }

    void converged(Table t, String when) {
        servers.converged(t, when, 30_000, () -> { });
    }


    @Override
    public void close() throws InterruptedException {
        stops.forEach(Runnable::run);
        for (Thread t : threads) {
            t.join(20_000);
        }
    }
}
