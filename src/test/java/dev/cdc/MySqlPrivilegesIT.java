package dev.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cdc.base.Failure;
import dev.cdc.db.Db;
import dev.cdc.embedded.LocalMariaDb;
import dev.cdc.embedded.Ports;
import dev.cdc.kafka.Kafka;
import dev.cdc.kafka.Topics;
import java.nio.file.Path;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A MySQL source as production servers run (grant tables on, a binary log written) and users with
 * only some rights: setup refuses in one line naming what is missing and installs nothing, until
 * the rights are there; a producer role gets from setup what produce needs, and produce runs as it.
 */
class MySqlPrivilegesIT extends ServerTest {
    private static LocalMariaDb server;
    private static Db admin;

    @BeforeAll
    static void start() throws Exception {
        server = LocalMariaDb.withGrants("shop", Path.of("target", "it-mariadb-grants").toAbsolutePath(), Ports.free());
        admin = server.db("shop", "cdc-test");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static List<String> as(String user) {
        return List.of("--source", server.jdbcUrl("shop"), "--source-user", user, "--source-password", "pw");
    }

    @Test
    void setup_names_the_missing_right_installs_nothing_and_a_producer_role_can_produce() throws Exception {
        try (Handle h = admin.open("cdc-test")) {
            h.execute("CREATE TABLE film (film_id INT AUTO_INCREMENT PRIMARY KEY, title VARCHAR(100) NOT NULL) ENGINE = InnoDB");
            h.execute("INSERT INTO film (title) VALUES ('ACADEMY DINOSAUR'), ('ACE GOLDFINGER')");
            h.execute("CREATE USER 'app'@'%' IDENTIFIED BY 'pw'");
            h.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON shop.* TO 'app'@'%'");
            h.execute("CREATE USER 'cdc_producer'@'%' IDENTIFIED BY 'pw'");
        }
        List<String> table = List.of("--table", "shop.film");

        // the application's user: no right to make triggers
        CliTest.Run denied = CliTest.run(CliTest.line("setup", as("app"), servers.targetArgs(), table));
        assertEquals(Failure.PRECONDITION, denied.code(), denied.out() + denied.err());
        assertTrue(denied.err().contains("TRIGGER"), denied.err());
        nothingInstalled();

        // the rights on the table's database and on cdc's, but a binary log without trust in trigger creators
        try (Handle h = admin.open("cdc-test")) {
            h.execute("GRANT CREATE, DROP, TRIGGER ON shop.* TO 'app'@'%'");
            h.execute("GRANT ALL PRIVILEGES ON cdc.* TO 'app'@'%'");
        }
        CliTest.Run binlog = CliTest.run(CliTest.line("setup", as("app"), servers.targetArgs(), table));
        assertEquals(Failure.PRECONDITION, binlog.code(), binlog.out() + binlog.err());
        assertTrue(binlog.err().contains("SET GLOBAL log_bin_trust_function_creators = 1")
                && binlog.err().contains("what setup had made was removed"), binlog.err());
        nothingInstalled();

        // a binary log in STATEMENT format, in which InnoDB refuses the READ COMMITTED writes of cdc's sessions
        try (Handle h = admin.open("cdc-test")) {
            h.execute("SET GLOBAL log_bin_trust_function_creators = 1");
            h.execute("SET GLOBAL binlog_format = 'STATEMENT'");
        }
        try {
            CliTest.Run statement = CliTest.run(CliTest.line("setup", as("app"), servers.targetArgs(), table));
            assertEquals(Failure.PRECONDITION, statement.code(), statement.out() + statement.err());
            assertTrue(statement.err().contains("binlog_format = 'MIXED'"), statement.err());
            nothingInstalled();
            try (Handle h = admin.open("cdc-test")) { // a user who may: cdc's sessions log MIXED
                assertEquals("MIXED", h.createQuery("SELECT @@session.binlog_format").mapTo(String.class).one());
            }
        } finally {
            try (Handle h = admin.open("cdc-test")) {
                h.execute("SET GLOBAL binlog_format = 'MIXED'");
            }
        }
        List<String> role = List.of("--producer-role", "cdc_producer");
        CliTest.Run noGrant = CliTest.run(CliTest.line("setup", as("app"), servers.targetArgs(), table, role));
        assertEquals(Failure.PRECONDITION, noGrant.code(), noGrant.out() + noGrant.err());
        assertTrue(noGrant.err().contains("WITH GRANT OPTION") && noGrant.err().contains("GRANT SELECT, DELETE ON `shop`.`film_cdc` "
                + "TO 'cdc_producer'"), noGrant.err());
        nothingInstalled(); // before: the capture stayed, and the table's rows were never copied once setup ran again
        try (Handle h = admin.open("cdc-test")) {
            h.execute("GRANT SELECT ON shop.* TO 'app'@'%' WITH GRANT OPTION");
            h.execute("GRANT ALL PRIVILEGES ON cdc.* TO 'app'@'%' WITH GRANT OPTION");
        }
        CliTest.Run setup = CliTest.run(CliTest.line("setup", as("app"), servers.targetArgs(), table, role));
        assertEquals(0, setup.code(), setup.out() + setup.err());
        assertTrue(setup.out().contains("cdc_producer"), setup.out());
        CliTest.Run topic = CliTest.run(CliTest.line("topic", as("app"), List.of("--bootstrap-servers",
                kafka.bootstrapServers()), table));
        assertEquals(0, topic.code(), topic.out() + topic.err());

        // produce as the producer role: the rows reach the target
        try (CdcProcess produce = CdcProcess.start("produce-role", CliTest.line("produce", as("cdc_producer"),
                List.of("--bootstrap-servers", kafka.bootstrapServers())));
             CdcProcess consume = CdcProcess.start("consume-role", CliTest.line("consume", servers.targetArgs(),
                     List.of("--bootstrap-servers", kafka.bootstrapServers(), "--group", group())))) {
            try (Handle h = admin.open("cdc-test")) {
                h.execute("INSERT INTO film (title) VALUES ('ADAPTATION HOLES')");
            }
            Await.until("the rows on the target", 60_000, () -> {
                assertTrue(produce.alive() && consume.alive(), produce.output() + consume.output());
                return TwoWayIT.count(servers.target, "true", "shop.film") == 3;
            });
            // MySQL hides the triggers from a user without the TRIGGER privilege: no false alarm about them
            assertTrue(!produce.output().contains("columns changed"), produce.output());
            CliTest.Run status = CliTest.run(CliTest.line("status", as("cdc_producer"), servers.targetArgs(),
                    List.of("--bootstrap-servers", kafka.bootstrapServers(), "--group", group())));
            assertEquals(0, status.code(), status.out() + status.err());
        }
    }

    /** A MySQL target: a consumer role gets from setup what consume needs, and consume runs as it. */
    @Test
    void a_consumer_role_on_a_mysql_target_can_consume() throws Exception {
        try (Handle h = servers.source.open("cdc-test")) {
            h.execute("DROP SCHEMA IF EXISTS crm CASCADE");
            h.execute("CREATE SCHEMA crm");
            h.execute("CREATE TABLE crm.people (id int PRIMARY KEY, name text NOT NULL)");
            h.execute("INSERT INTO crm.people VALUES (1, 'Ada'), (2, 'Grace')");
        }
        try (Handle h = admin.open("cdc-test")) {
            h.execute("CREATE USER IF NOT EXISTS 'cdc_consumer'@'%' IDENTIFIED BY 'pw'");
        }
        List<String> target = List.of("--target", server.jdbcUrl("shop"), "--target-user", LocalMariaDb.ADMIN,
                "--target-password", LocalMariaDb.ADMIN);
        List<String> broker = List.of("--bootstrap-servers", kafka.bootstrapServers());
        CliTest.Run setup = CliTest.run(CliTest.line("setup", servers.sourceArgs(), target,
                List.of("--table", "crm.people", "--consumer-role", "cdc_consumer")));
        assertEquals(0, setup.code(), setup.out() + setup.err());
        CliTest.Run topic = CliTest.run(CliTest.line("topic", servers.sourceArgs(), broker, List.of("--table", "crm.people")));
        assertEquals(0, topic.code(), topic.out() + topic.err());
        List<String> wrongDatabase = List.of("--target", server.jdbcUrl("shop"), "--target-user", "cdc_consumer",
                "--target-password", "pw");
        CliTest.Run denied = CliTest.run(CliTest.line("status", servers.sourceArgs(), wrongDatabase, broker,
                List.of("--group", group())));
        assertEquals(Failure.PRECONDITION, denied.code(), denied.out() + denied.err());
        assertTrue(denied.err().contains("may not use the database named in the URL"), denied.err());
        List<String> asConsumer = List.of("--target", server.jdbcUrl("crm"), "--target-user", "cdc_consumer",
                "--target-password", "pw");
        try (CdcProcess produce = CdcProcess.start("produce-pg", CliTest.line("produce", servers.sourceArgs(), broker));
             CdcProcess consume = CdcProcess.start("consume-role-mysql", CliTest.line("consume", asConsumer, broker,
                     List.of("--group", group())))) {
            try (Handle h = servers.source.open("cdc-test")) {
                h.execute("INSERT INTO crm.people VALUES (3, 'Barbara')");
            }
            Await.until("the rows on MariaDB", 60_000, () -> {
                assertTrue(produce.alive() && consume.alive(), produce.output() + consume.output());
                try (Handle h = admin.open("cdc-test")) {
                    return h.createQuery("SELECT COUNT(*) FROM crm.people").mapTo(Integer.class).one() == 3;
                }
            });
            CliTest.Run status = CliTest.run(CliTest.line("status", servers.sourceArgs(), asConsumer, broker,
                    List.of("--group", group())));
            assertEquals(0, status.code(), status.out() + status.err());
        }
    }

    /** Two-way sync with roles: produce and consume run on the MariaDB side as the roles setup granted. */
    @Test
    void two_way_sync_runs_on_the_mysql_side_as_the_roles_setup_granted() throws Exception {
        server.createDatabase("tw");
        try (Handle h = server.db("tw", "cdc-test").open("cdc-test")) {
            h.execute("SET GLOBAL log_bin_trust_function_creators = 1");
            h.execute("CREATE TABLE items (id INT AUTO_INCREMENT PRIMARY KEY, uid CHAR(36) NOT NULL UNIQUE, "
                    + "note VARCHAR(50)) ENGINE = InnoDB");
            h.execute("INSERT INTO items (uid, note) VALUES (UUID(), 'legacy 1'), (UUID(), 'legacy 2')");
            h.execute("CREATE USER IF NOT EXISTS 'cdc_p2'@'%' IDENTIFIED BY 'pw'");
            h.execute("CREATE USER IF NOT EXISTS 'cdc_c2'@'%' IDENTIFIED BY 'pw'");
        }
        try (Handle h = servers.target.open("cdc-test")) {
            h.execute("DROP SCHEMA IF EXISTS tw CASCADE");
            h.execute("CREATE SCHEMA tw");
            h.execute("CREATE TABLE tw.items (id bigint GENERATED ALWAYS AS IDENTITY (START WITH 1000) PRIMARY KEY, "
                    + "uid uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(), note text)");
        }
        OperationsIT.roles(servers.target, "cdc_p2", "cdc_c2");
        List<String> legacyAdmin = List.of("--source", server.jdbcUrl("tw"), "--source-user", LocalMariaDb.ADMIN,
                "--source-password", LocalMariaDb.ADMIN);
        CliTest.Run setup = CliTest.run(CliTest.line("setup", legacyAdmin, servers.targetArgs(), List.of("--two-way",
                "--table", "tw.items", "--key", "uid", "--side-names", "legacy,service", "--topic", kafka.topic(),
                "--producer-role", "cdc_p2", "--consumer-role", "cdc_c2")));
        assertEquals(0, setup.code(), setup.out() + setup.err());
        for (String side : List.of("legacy", "service")) {
            Topics.create(new Kafka(kafka.bootstrapServers(), kafka.topic() + ".from-" + side, java.util.Map.of()), 3, (short) 1);
        }
        List<String> broker = List.of("--bootstrap-servers", kafka.bootstrapServers());
        List<String> service = servers.targetArgs();
        try (CdcProcess produceLegacy = CdcProcess.start("produce-legacy-role", CliTest.line("produce", List.of("--source",
                     server.jdbcUrl("tw"), "--source-user", "cdc_p2", "--source-password", "pw"), broker));
             CdcProcess consumeLegacy = CdcProcess.start("consume-legacy-role", CliTest.line("consume", List.of("--target",
                     server.jdbcUrl("tw"), "--target-user", "cdc_c2", "--target-password", "pw"), broker,
                     List.of("--group", "g-legacy-" + kafka.topic())));
             CdcProcess produceService = CdcProcess.start("produce-service", CliTest.line("produce",
                     service.stream().map(a -> a.replace("--target", "--source")).toList(), broker));
             CdcProcess consumeService = CdcProcess.start("consume-service", CliTest.line("consume", service, broker,
                     List.of("--group", "g-service-" + kafka.topic())))) {
            try (Handle h = servers.target.open("cdc-test")) {
                h.execute("INSERT INTO tw.items (note) VALUES ('service 1')");
            }
            try (Handle h = server.db("tw", "cdc-test").open("cdc-test")) {
                h.execute("INSERT INTO items (uid, note) VALUES (UUID(), 'legacy 3')");
            }
            Await.until("four rows on both sides", 60_000, () -> {
                for (CdcProcess p : List.of(produceLegacy, consumeLegacy, produceService, consumeService)) {
                    assertTrue(p.alive(), p.output());
                }
                try (Handle h = server.db("tw", "cdc-test").open("cdc-test")) {
                    return h.createQuery("SELECT COUNT(*) FROM items").mapTo(Integer.class).one() == 4
                            && TwoWayIT.count(servers.target, "true", "tw.items") == 4;
                }
            });
        } finally { // the server is shared by this class's tests: what this one set goes
            try (Handle h = admin.open("cdc-test")) {
                h.execute("SET GLOBAL log_bin_trust_function_creators = 0");
                h.execute("DELETE FROM cdc.subscriptions WHERE table_schema = 'tw'");
                h.execute("DELETE FROM cdc.capture WHERE table_schema = 'tw'");
                h.execute("DROP DATABASE tw");
            }
        }
    }

    /** No changelog, no trigger on the source. */
    private static void nothingInstalled() {
        try (Handle h = admin.open("cdc-test")) {
            assertEquals(0, h.createQuery("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'shop' "
                    + "AND TABLE_NAME = 'film_cdc'").mapTo(Integer.class).one(), "no changelog");
            assertEquals(0, h.createQuery("SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = 'shop'")
                    .mapTo(Integer.class).one(), "no trigger");
        }
    }
}
