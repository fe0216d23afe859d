package dev.cdc;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.jdbi.v3.core.Handle;

/**
 * Setup, topic, produce and consume for the employees table, in this process: what
 * {@code cdc demo}, {@code cdc selftest --embedded} and the tests run. Produce and consume run on
 * threads of their own; {@link #check()} rethrows what either of them died of.
 */
public final class Pipeline implements AutoCloseable {
    public static final String EMPLOYEES = "employees";

    private final ChangelogPublisher publisher;
    private final EventConsumer consumer;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    public Pipeline(Db source, Db target, Kafka kafka, String group, long progressMillis) {
        publisher = new ChangelogPublisher(new ChangelogPublisher.Config(source, kafka, "public", EMPLOYEES,
                5000, 1000, progressMillis));
        consumer = new EventConsumer(new EventConsumer.Config(target, kafka, group, progressMillis));
    }

    /** Installs the employees table and its capture on the source, the table and bookkeeping on the target. */
    public static List<String> setup(Db source, Db target) {
        List<String> done = new ArrayList<>();
        try (Handle h = source.open("cdc-setup")) {
            done.add("source: " + createEmployees(h));
            Table t = Table.find(h, "public", EMPLOYEES).orElseThrow();
            Capture.of(t).install(h).forEach(s -> done.add("source: " + s));
        } catch (Failure f) {
            throw f;
        } catch (RuntimeException e) {
            throw source.failed("setup", e);
        }
        try (Handle h = target.open("cdc-setup")) {
            done.add("target: " + createEmployees(h));
            boolean had = h.createQuery("SELECT to_regclass('cdc.applied_offsets') IS NOT NULL").mapTo(Boolean.class).one();
            h.execute(Sql.load("target/install.sql"));
            done.add("target: " + (had ? "bookkeeping table cdc.applied_offsets already there, kept"
                    : "bookkeeping table cdc.applied_offsets created"));
        } catch (Failure f) {
            throw f;
        } catch (RuntimeException e) {
            throw target.failed("setup", e);
        }
        return done;
    }

    private static String createEmployees(Handle h) {
        boolean had = Table.find(h, "public", EMPLOYEES).isPresent();
        h.execute(Sql.load("employees.sql"));
        return had ? "table public.employees already exists, kept as is" : "table public.employees created";
    }

    /** Creates the topic; returns what it did. An existing topic of another shape is a {@link Failure}. */
    public static String createTopic(Kafka kafka, int partitions, short replication) {
        try (Admin admin = kafka.admin()) {
            var existing = kafka.findTopic(admin);
            if (existing.isPresent()) {
                var d = existing.get();
                int rf = d.partitions().get(0).replicas().size();
                if (d.partitions().size() != partitions || rf != replication) {
                    throw Failure.precondition("topic '" + kafka.topic() + "' already exists with " + d.partitions().size()
                            + " partitions and replication factor " + rf + ", not " + partitions + " and " + replication
                            + " as asked (use it as it is with matching options, or delete it with: cdc topic --delete)");
                }
                return "topic " + kafka.topic() + " already exists with " + partitions + " partitions, replication factor "
                        + rf + ": kept";
            }
            try {
                admin.createTopics(List.of(new NewTopic(kafka.topic(), partitions, replication).configs(Kafka.topicConfig())))
                        .all().get(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof org.apache.kafka.common.errors.InvalidReplicationFactorException) {
                    throw Failure.precondition("cannot create topic '" + kafka.topic() + "': " + e.getCause().getMessage());
                }
                throw kafka.unreachable(e.getCause());
            } catch (Exception e) {
                throw kafka.unreachable(e);
            }
            return "topic " + kafka.topic() + " created with " + partitions + " partitions, replication factor " + replication;
        }
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
