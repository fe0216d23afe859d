package dev.cdc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cdc.db.Catalog;
import dev.cdc.db.Db;
import dev.cdc.db.Table;
import dev.cdc.embedded.LocalKafka;
import dev.cdc.embedded.LocalMariaDb;
import dev.cdc.embedded.LocalPostgres;
import dev.cdc.embedded.Ports;
import dev.cdc.engine.Engines;
import dev.cdc.kafka.Kafka;
import dev.cdc.ops.Compare;
import dev.cdc.source.Captures;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Handle;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

/**
 * The real servers the integration tests run against, started once per test JVM: two PostgreSQL
 * servers (Testcontainers where a Docker engine is reachable, the embedded binaries otherwise) and
 * a Kafka broker in a child JVM. {@link #reset()} gives each test empty databases and a new topic.
 */
final class TestServers {
    private static TestServers instance;
    private static final AtomicInteger TOPICS = new AtomicInteger();

    final Db source;
    final Db target;
    final LocalKafka kafka;
    final LocalPostgres sourceServer; // null with Testcontainers
    final LocalPostgres targetServer;
    final boolean docker;

    private TestServers(Db source, Db target, LocalKafka kafka, LocalPostgres s, LocalPostgres t, boolean docker) {
        this.source = source;
        this.target = target;
        this.kafka = kafka;
        this.sourceServer = s;
        this.targetServer = t;
        this.docker = docker;
    }

    private static LocalMariaDb mariadb;

    /**
     * A MariaDB server for the tests of the MySQL engine, started once per test JVM when first
     * asked for; each test makes databases of its own ({@link LocalMariaDb#createDatabase}).
     */
    static synchronized LocalMariaDb mariadb() throws Exception {
        if (mariadb == null) {
            LocalMariaDb m = LocalMariaDb.start("cdc_tests", Path.of("target", "it-servers", "mariadb").toAbsolutePath(),
                    Ports.free(), false);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    m.close();
                } catch (Exception ignored) {
                    // exiting anyway
                }
            }));
            mariadb = m;
        }
        return mariadb;
    }

    static synchronized TestServers get() throws Exception {
        if (instance == null) {
            Path dir = Path.of("target", "it-servers").toAbsolutePath();
            LocalKafka kafka = LocalKafka.start(dir.resolve("kafka"), Ports.free());
            if (dockerAvailable()) {
                PostgreSQLContainer<?> s = new PostgreSQLContainer<>("postgres:17-alpine");
                PostgreSQLContainer<?> t = new PostgreSQLContainer<>("postgres:17-alpine");
                s.start();
                t.start();
                instance = new TestServers(new Db("source", s.getJdbcUrl(), s.getUsername(), s.getPassword()),
                        new Db("target", t.getJdbcUrl(), t.getUsername(), t.getPassword()), kafka, null, null, true);
            } else {
                LocalPostgres s = LocalPostgres.start("source", dir.resolve("source"), Ports.free(), false);
                LocalPostgres t = LocalPostgres.start("target", dir.resolve("target"), Ports.free(), false);
                instance = new TestServers(s.db("source"), t.db("target"), kafka, s, t, false);
            }
            TestServers i = instance;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    i.kafka.close();
                    if (i.sourceServer != null) {
                        i.sourceServer.close();
                        i.targetServer.close();
                    }
                } catch (Exception ignored) {
                    // exiting anyway
                }
            }));
        }
        return instance;
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable t) {
            return false;
        }
    }

    /** Empty databases (no employees, no capture) and a topic name no test used before. */
    Kafka reset() {
        for (Db db : new Db[] {source, target}) {
            try (Handle h = db.open("cdc-test")) {
                h.execute("DROP TABLE IF EXISTS public.employees CASCADE");
                h.execute("DROP TABLE IF EXISTS public.emp_cdc CASCADE");
                h.execute("DROP TABLE IF EXISTS public.emp_cdc_retained CASCADE");
                h.execute("DROP SCHEMA IF EXISTS cdc CASCADE");
            }
        }
        return new Kafka(kafka.bootstrapServers(), "it_" + ProcessHandle.current().pid() + "_" + TOPICS.incrementAndGet(),
                Map.of());
    }

    /** What the servers say of their tables (both are PostgreSQL). */
    Catalog catalog() {
        return Engines.catalog(source);
    }

    /** Capture on the source, as its engine does it. */
    Captures captures() {
        return Engines.source(source).captures();
    }

    /** The command-line options that reach the source database. */
    List<String> sourceArgs() {
        return List.of("--source", source.url(), "--source-user", source.user(), "--source-password", source.password());
    }

    /** The command-line options that reach the target database. */
    List<String> targetArgs() {
        return List.of("--target", target.url(), "--target-user", target.user(), "--target-password", target.password());
    }

    /**
     * Waits until the target's copy of the table equals the source's, running {@code check} (which
     * may fail the test) between looks; fails naming the difference after {@code millis}.
     */
    void converged(Table t, String when, long millis, Runnable check) {
        long deadline = System.currentTimeMillis() + millis;
        Object c = compare(t);
        while (!(c instanceof Compare same && same.identical()) && System.currentTimeMillis() < deadline) {
            check.run();
            Await.sleep(200);
            c = compare(t);
        }
        assertTrue(c instanceof Compare same && same.identical(), t.display() + " " + when + ": " + c);
    }

    /** The comparison, or why there is none yet (a column the target does not have yet). */
    private Object compare(Table t) {
        try {
            return Compare.of(source, target, t);
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }

    /** Events the group applied, as stored with its offsets on the target (each change counted once). */
    long applied(String group) {
        try (org.jdbi.v3.core.Handle h = target.open("test")) {
            return h.createQuery("SELECT coalesce(sum(applied), 0) FROM cdc.applied_offsets WHERE group_id = :g")
                    .bind("g", group).mapTo(Long.class).one();
        }
    }

    /** Events the producer of the demo table published since setup. */
    long published() {
        try (org.jdbi.v3.core.Handle h = source.open("test")) {
            return h.createQuery("SELECT published FROM cdc.capture").mapTo(Long.class).one();
        }
    }
}
