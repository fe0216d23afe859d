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
                5000, 1000, progressMillis, null, null));
        consumer = new EventConsumer(new EventConsumer.Config(target, kafka, group, progressMillis));
    }

    /** Installs the employees table and its capture on the source, the table and bookkeeping on the target. */
    public static List<String> setup(Db source, Db target) {
        return setup(source, target, List.of(), null, null, true, Roles.NONE, null);
    }

    /** Roles to grant what cdc produce (on the source) and cdc consume (on the target) need. */
    public record Roles(List<String> producers, List<String> consumers) {
        public static final Roles NONE = new Roles(List.of(), List.of());
    }

    /**
     * Installs capture for the named tables ("schema.table"; none: the employees demo, table
     * included) on the source, and on the target the tables (created from the source's definition
     * when missing), the bookkeeping, and which topic feeds which table. A null changelog or topic
     * takes the default name; a name can only be given for one table. With {@code snapshot}, the
     * rows a newly captured table already has are copied into its changelog, last. With
     * {@code consolidateInto} ("schema.table"), the target gets that one table instead, for the rows
     * of every source (see {@link Table#consolidated}).
     */
    public static List<String> setup(Db source, Db target, List<String> tables, String changelog, String topic,
                                     boolean snapshot, Roles roles, String consolidateInto) {
        boolean demo = tables.isEmpty();
        if (tables.size() > 1 && (changelog != null || topic != null)) {
            throw Failure.usage("--changelog and --topic name one table's changelog and topic; give one --table with them");
        }
        List<String> done = new ArrayList<>();
        List<Capture> captures = new ArrayList<>();
        List<Capture> fresh = new ArrayList<>();
        try (Handle h = source.open("cdc-setup")) {
            if (demo) {
                done.add("source: " + createEmployees(h));
            }
            List<Table> found = new ArrayList<>();
            for (String name : demo ? List.of("public." + EMPLOYEES) : tables) {
                String[] n = Table.parseName(name);
                found.add(Table.find(h, n[0], n[1]).orElseThrow(() -> Failure.precondition(
                        "table " + n[0] + "." + n[1] + " does not exist on the " + source.where())));
            }
            if (consolidateInto != null && found.size() > 1) {
                throw Failure.usage("--consolidate-into names the table of one captured table's rows; give one --table with it");
            }
            if (!demo || consolidateInto != null) { // a target table of another shape stops setup before anything is installed
                checkTargets(target, found.stream().map(t -> targetShape(t, consolidateInto)).toList());
            }
            for (Table t : found) {
                String installed = installedChangelog(h, t, changelog);
                Capture c = Capture.of(t, installed, topic);
                c.install(h).forEach(s -> done.add("source: " + s));
                for (String role : roles.producers()) {
                    c.grantProducer(h, role);
                    done.add("source: role " + role + " may produce and read the status of " + c.table().display());
                }
                captures.add(c);
                if (installed == null) {
                    fresh.add(c);
                }
            }
        } catch (Failure f) {
            throw f;
        } catch (RuntimeException e) {
            throw source.failed("setup", e);
        }
        try (Handle h = target.open("cdc-setup")) {
            boolean had = h.createQuery("SELECT to_regclass('cdc.subscriptions') IS NOT NULL").mapTo(Boolean.class).one();
            h.execute(Sql.load("target/install.sql"));
            for (Capture c : captures) {
                Table into = targetShape(c.table(), consolidateInto);
                done.add("target: " + (demo && consolidateInto == null ? createEmployees(h) : TargetTable.ensure(h, into)));
                subscribe(h, c.topic(), into, consolidateInto != null, null, null);
                done.add("target: topic " + c.topic() + " feeds " + into.display() + (consolidateInto == null ? ""
                        : ", one row per source and key (" + String.join(", ", into.key())
                        + "; each producer names its source with --source-name)"));
                for (String role : roles.consumers()) {
                    TargetTable.grantConsumer(h, into, role);
                    done.add("target: role " + role + " may consume into " + into.display());
                }
            }
            done.add("target: " + (had ? "bookkeeping tables cdc.applied_offsets and cdc.subscriptions already there, kept"
                    : "bookkeeping tables cdc.applied_offsets and cdc.subscriptions created"));
        } catch (Failure f) {
            throw f;
        } catch (RuntimeException e) {
            throw target.failed("setup", e);
        }
        if (snapshot && !fresh.isEmpty()) {
            done.addAll(snapshot(source, fresh, 5000));
        }
        return done;
    }

    /**
     * Records on the target that {@code topic} feeds {@code table} (subscribe.sql); for the other
     * side of a two-way sync, with the table of versions and the key columns (JSON), else nulls.
     */
    static void subscribe(Handle h, String topic, Table table, boolean consolidated, String versions, String keyColumns) {
        h.createUpdate(Sql.load("target/subscribe.sql")).bind("topic", topic).bind("schema", table.schema())
                .bind("table", table.name()).bind("consolidated", consolidated).bind("versions", versions)
                .bind("key_columns", keyColumns).execute();
    }

    /** Copies the rows the tables already have into their changelogs; one line per table. */
    public static List<String> snapshot(Db source, List<Capture> captures, long progressMillis) {
        List<String> done = new ArrayList<>();
        try (Handle h = source.open("cdc-snapshot")) {
            for (Capture c : captures) {
                long rows = Snapshot.run(h, c, progressMillis);
                done.add("source: snapshot of " + c.table().display() + ": " + String.format("%,d", rows)
                        + " existing rows copied into " + c.changelogDisplay() + " (cdc produce publishes them)");
            }
        } catch (Failure f) {
            throw f;
        } catch (RuntimeException e) {
            throw source.failed("snapshot", e);
        }
        return done;
    }

    /** The target table the rows of a source table go to: its copy, or the consolidated table. */
    private static Table targetShape(Table source, String consolidateInto) {
        return consolidateInto == null ? source : source.consolidated(Table.parseName(consolidateInto));
    }

    private static void checkTargets(Db target, List<Table> tables) {
        try (Handle h = target.open("cdc-setup")) {
            tables.forEach(t -> TargetTable.check(h, t));
        } catch (Failure f) {
            throw f;
        } catch (RuntimeException e) {
            throw target.failed("setup", e);
        }
    }

    /** A table captured already keeps its changelog; asking for another one is an error. */
    private static String installedChangelog(Handle h, Table t, String asked) {
        String have = Capture.find(h, t.schema(), t.name()).map(Capture::changelogName).orElse(null);
        if (have != null && asked != null && !asked.equals(have)) {
            throw Failure.usage(t.display() + " is captured already, into changelog " + have
                    + "; to use another one, remove capture first (cdc teardown --table " + t.display() + ")");
        }
        return have != null ? have : asked;
    }

    private static String createEmployees(Handle h) {
        boolean had = Table.find(h, "public", EMPLOYEES).isPresent();
        h.execute(Sql.load("employees.sql"));
        return had ? "table public.employees already exists, kept as is" : "table public.employees created";
    }

    /**
     * Creates the topic; returns what it did. An existing topic of another shape is a {@link Failure}.
     * A null replication factor is the default: 3, or the number of brokers when fewer; from 3 on,
     * the topic gets min.insync.replicas=2, so that an acknowledged event is on two brokers at least.
     */
    public static String createTopic(Kafka kafka, int partitions, Short replication) {
        try (Admin admin = kafka.admin()) {
            var existing = kafka.findTopic(admin);
            if (existing.isPresent()) {
                var d = existing.get();
                int rf = d.partitions().get(0).replicas().size();
                if (d.partitions().size() != partitions || replication != null && rf != replication) {
                    throw Failure.precondition("topic '" + kafka.topic() + "' already exists with " + d.partitions().size()
                            + " partitions and replication factor " + rf + ", not " + partitions + " and " + replication
                            + " as asked (use it as it is with matching options, or delete it with: cdc topic --delete)");
                }
                return "topic " + kafka.topic() + " already exists with " + partitions + " partitions, replication factor "
                        + rf + ": kept";
            }
            String chosen = "";
            if (replication == null) {
                int brokers = kafka.await(admin.describeCluster().nodes()).size();
                replication = (short) Math.min(3, brokers);
                chosen = " (the default: min(3, brokers), " + brokers + " broker" + (brokers == 1 ? "" : "s") + ")";
            }
            var config = Kafka.topicConfig();
            if (replication >= 3) {
                config.put("min.insync.replicas", "2");
                chosen += ", min.insync.replicas 2";
            }
            try {
                admin.createTopics(List.of(new NewTopic(kafka.topic(), partitions, replication).configs(config)))
                        .all().get(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof org.apache.kafka.common.errors.InvalidReplicationFactorException) {
                    throw Failure.precondition("cannot create topic '" + kafka.topic() + "': " + e.getCause().getMessage());
                }
                throw kafka.unreachable(e.getCause());
            } catch (Exception e) {
                throw kafka.unreachable(e);
            }
            return "topic " + kafka.topic() + " created with " + partitions + " partitions, replication factor " + replication + chosen;
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
