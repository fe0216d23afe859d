package dev.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cdc.db.Db;
import dev.cdc.kafka.Kafka;
import dev.cdc.kafka.Topics;
import dev.cdc.setup.Setup;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every integration test stands on: the real servers ({@link TestServers}, started once per
 * test JVM and shared by every class), reset before each test to empty databases and a topic name
 * no test used before, and the starting points several tests share.
 */
abstract class ServerTest {
    TestServers servers;
    /** The broker, with this test's own topic name. */
    Kafka kafka;

    @BeforeEach
    final void resetServers() throws Exception {
        servers = TestServers.get();
        kafka = servers.reset();
    }

    /** A database of the MariaDB server the MySQL tests share (created when missing). */
    static Db mariadb(String database, String role) throws Exception {
        TestServers.mariadb().createDatabase(database);
        return TestServers.mariadb().db(database, role);
    }

    /** The arguments that name a database of the shared MariaDB server as {@code side} ("source" or "target"). */
    static List<String> mariadbArgs(String side, String database) throws Exception {
        return List.of("--" + side, TestServers.mariadb().jdbcUrl(database), "--" + side + "-user", "root",
                "--" + side + "-password", "unused");
    }

    /** A consumer group no other test used. */
    final String group() {
        return "g-" + kafka.topic();
    }

    /** The demo's employees table captured on the source and created on the target by the library, and its topic. */
    final void demoSetUp() throws Exception {
        Setup.demo(servers.source, servers.target);
        Topics.create(kafka, 3, (short) 1);
    }

    /** The same as a user types it: {@code cdc setup --topic T}, then the topic. */
    final void demoSetUpByCommand() throws Exception {
        CliTest.Run setup = CliTest.run(CliTest.line("setup", servers.sourceArgs(), servers.targetArgs(),
                List.of("--topic", kafka.topic())));
        assertEquals(0, setup.code(), setup.err());
        Topics.create(kafka, 3, (short) 1);
    }

    /** A cdc command run in this JVM as a user types it, from a command and lists of arguments. */
    @SafeVarargs
    final CliTest.Run cdc(String command, List<String>... parts) {
        return CliTest.run(CliTest.line(command, parts));
    }

    /** The broker's address as an argument, without a topic (commands then use each table's own). */
    final List<String> bootstrap() {
        return List.of("--bootstrap-servers", kafka.bootstrapServers());
    }

    /** Deletes the topics whose names start with {@code prefix} (named by table, they outlive a test) and waits until they are gone. */
    final void deleteTopics(String prefix) throws Exception {
        try (var admin = kafka.admin()) {
            var old = admin.listTopics().names().get().stream().filter(t -> t.startsWith(prefix)).toList();
            admin.deleteTopics(old).all().get();
            Await.until("the old topics deleted", 60_000, () -> {
                try {
                    return admin.listTopics().names().get().stream().noneMatch(t -> t.startsWith(prefix));
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    /** The schema emptied on both servers: dropped with everything in it, then created anew. */
    final void freshSchema(String schema) {
        for (Db db : new Db[] {servers.source, servers.target}) {
            try (Handle h = db.open("cdc-test")) {
                h.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                h.execute("CREATE SCHEMA " + schema);
            }
        }
    }

    /**
     * Waits until each of the tables ("schema.name", plain names) is equal on the target, failing at
     * once if produce or consume died.
     */
    final void converged(List<String> tables, CdcProcess produce, CdcProcess consume) {
        for (String name : tables) {
            String[] n = name.split("\\.", 2);
            dev.cdc.db.Table table;
            try (Handle h = servers.source.open("cdc-test")) {
                table = servers.catalog().find(h, n[0], n[1]).orElseThrow();
            }
            servers.converged(table, "on the target", 120_000,
                    () -> org.junit.jupiter.api.Assertions.assertTrue(produce.alive() && consume.alive(),
                            produce.output() + consume.output()));
        }
    }
}
