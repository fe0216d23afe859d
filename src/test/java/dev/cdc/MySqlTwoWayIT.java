package dev.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cdc.db.Db;
import dev.cdc.kafka.Kafka;
import dev.cdc.kafka.Topics;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

/**
 * Two-way sync between MariaDB and PostgreSQL, the legacy-monolith case: a legacy {@code film}
 * table numbered by AUTO_INCREMENT, with a UUID column, kept in sync with a service's
 * {@code catalogue} table on PostgreSQL numbered by its own identity, rows related by the UUID.
 * Writers on both sides, every process killed -9 once, no echo, and conflicts resolved the same
 * way on both engines.
 */
class MySqlTwoWayIT extends ServerTest {
    private static final String T = "films.film";
    /** The service's table, on PostgreSQL: the same rows under another name (cdc setup --target-table). */
    private static final String S = "catalog.catalogue";
    private Db legacy;

    /** The tables each batch's --on-flush command was told of (CDC_FLUSH_TABLES) on one side, a line per batch. */
    private static java.nio.file.Path flushed(boolean onLegacy) {
        return java.nio.file.Path.of("target", "mysql-two-way-flushed-" + (onLegacy ? "legacy" : "service") + ".txt");
    }

    @Test
    void a_mariadb_table_and_a_postgresql_table_stay_in_sync_both_ways() throws Exception {
        setUpBothSides();
        Procs p = new Procs();
        MariaDbWriter onLegacy = new MariaDbWriter(legacy);
        TwoWayIT.Writer onService = new TwoWayIT.Writer(servers.target, "service", S, "uuid");
        try {
            Await.until("legacy's existing rows copied to the service", 60_000, () -> {
                p.check();
                return TwoWayIT.count(servers.target, "home = 'legacy'", S) == 100;
            });
            onLegacy.start();
            onService.start();
            Await.until("both sides applying", 60_000, () -> TwoWayIT.count(servers.target, "home = 'legacy'", S) > 200
                    && legacyCount("home = 'service'") > 200);
            p.killAll(); // every process, mid-stream
            p.startAll();
            Await.sleep(2000);
            onLegacy.close();
            onService.close();
            converge(p);

            // no echo: with legacy's producer stopped, the service's burst reaches legacy and leaves nothing to send back
            assertEquals(0, p.produceLegacy.terminate(), p.produceLegacy.output());
            try (Handle h = servers.target.open("cdc-test")) {
                h.execute("INSERT INTO " + S + " (home, note) SELECT 'service', 'burst' FROM generate_series(1, 500)");
                h.execute("UPDATE " + S + " SET n = n + 1 WHERE note = 'burst'");
            }
            Await.until("the burst on legacy", 60_000, () -> legacyCount("note = 'burst' AND n = 1") == 500);
            assertEquals(0, legacyCount("TRUE", "films.film_cdc"), "legacy captured what it applied");
            p.produceLegacy = p.produce(true);

            conflicts(p);
            assertEquals(0, legacyCount("id >= 1000000"), "legacy numbers every row itself");
            assertEquals(0, TwoWayIT.count(servers.target, "id < 1000000", S), "the service numbers every row itself");
            p.terminateAll();
            assertEquals(java.util.Set.of(T), java.util.Set.copyOf(java.nio.file.Files.readAllLines(flushed(true))),
                    "legacy's --on-flush names legacy's table");
            assertEquals(java.util.Set.of(S), java.util.Set.copyOf(java.nio.file.Files.readAllLines(flushed(false))),
                    "the service's --on-flush names the service's table");
        } finally {
            onLegacy.stop();
            onService.stop();
            p.closeAll();
        }
    }

    /**
     * One new key inserted on both sides at once, legacy's insert not yet committed when its
     * consume applies the service's: the apply waits for it and compares versions instead of
     * overwriting it unseen; the later insert (legacy's) wins on both sides, one conflict, on legacy.
     */
    @Test
    void one_new_key_inserted_on_both_sides_at_once_converges_with_one_conflict() throws Exception {
        setUpBothSides();
        Procs p = new Procs();
        String key = "5f0c7a52-2a4e-4c39-9d0e-9b1f3c2b7a10";
        try {
            converge(p);
            assertEquals(0, p.consumeLegacy.terminate(), p.consumeLegacy.output());
            try (Handle h = servers.target.open("cdc-test")) {
                h.execute("INSERT INTO " + S + " (uuid, home, note) VALUES (CAST(? AS uuid), 'service', 'from service')", key);
            }
            try (var writer = legacy.connect("cdc-test-writer")) {
                writer.setAutoCommit(false);
                try (var s = writer.prepareStatement("INSERT INTO " + T + " (uuid, home, note) VALUES (?, 'legacy', 'from legacy')")) {
                    s.setString(1, key);
                    s.executeUpdate();
                }
                p.consumeLegacy = p.consume(true);
                Await.until("legacy's consume waiting for that insert", 60_000, () -> {
                    p.check();
                    return legacyCount("trx_state = 'LOCK WAIT'", "information_schema.INNODB_TRX") == 1;
                });
                writer.commit();
            }
            converge(p);
            assertEquals(1, legacyCount("note = 'from legacy'"), "the later insert wins");
            Await.until("the conflict recorded", 60_000, () -> {
                p.check();
                return legacyCount("topic = '" + kafka.topic() + ".from-service'", "cdc.conflicts") == 1;
            });

            // Rows copied by a snapshot keep their version: legacy's clock an hour ahead, a row copied
            // again (cdc snapshot) with its version; the service's next change of it is later, and wins on both sides
            try (Handle h = legacy.open("cdc-test")) {
                h.execute("INSERT INTO " + T + " (uuid, home, note) VALUES (UUID(), 'legacy', 'ahead')");
            }
            converge(p);
            long ahead;
            try (Handle h = legacy.open("cdc-test")) {
                h.execute("UPDATE films.film_cdc_versions v JOIN " + T + " f ON f.uuid = v.uuid "
                        + "SET v.cdc_version = v.cdc_version + 3600000000 WHERE f.note = 'ahead'");
                ahead = h.createQuery("SELECT v.cdc_version FROM films.film_cdc_versions v JOIN " + T + " f "
                        + "ON f.uuid = v.uuid WHERE f.note = 'ahead'").mapTo(Long.class).one();
            }
            CliTest.Run snapshot = CliTest.run(CliTest.line("snapshot", mariadbArgs("source", "films"), List.of("--table", T)));
            assertEquals(0, snapshot.code(), snapshot.out() + snapshot.err());
            Await.until("the service knowing the copied row's version", 60_000, () -> TwoWayIT.count(servers.target,
                    "cdc_version = " + ahead, "catalog.catalogue_cdc_versions") == 1);
            try (Handle h = servers.target.open("cdc-test")) {
                h.execute("UPDATE " + S + " SET note = 'changed on the service after the copy' WHERE note = 'ahead'");
            }
            converge(p);
            assertEquals(1, legacyCount("note = 'changed on the service after the copy'"), "the later change wins");

            // a column added on the service reaches legacy, and legacy's changes of it come back
            try (Handle h = servers.target.open("cdc-test")) {
                h.execute("ALTER TABLE " + S + " ADD COLUMN rating text");
                h.execute("UPDATE " + S + " SET rating = 'PG' WHERE note = 'from legacy'");
            }
            Await.until("the new column on legacy", 60_000, () -> {
                p.check();
                return legacyCount("COLUMN_NAME = 'rating' AND TABLE_SCHEMA = 'films'", "information_schema.COLUMNS") == 1
                        && legacyCount("uuid = '" + key + "' AND rating = 'PG'") == 1;
            });
            try (Handle h = legacy.open("cdc-test")) {
                h.execute("UPDATE " + T + " SET rating = 'R' WHERE note = 'before' LIMIT 5");
            }
            Await.until("legacy's change of the new column on the service", 60_000, () -> {
                p.check();
                return TwoWayIT.count(servers.target, "rating = 'R'", S) == 5;
            });

            // An application transaction on REPEATABLE READ (MySQL's default) whose snapshot is older than
            // a version written meanwhile (as consume writes the other side's): its change is still later
            long written;
            try (var app = legacy.connect("cdc-test-app"); Handle other = legacy.open("cdc-test")) {
                try (var s = app.createStatement()) {
                    s.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
                    app.setAutoCommit(false);
                    s.executeQuery("SELECT COUNT(*) FROM films.film_cdc_versions").close(); // the snapshot
                    written = other.createQuery("SELECT MAX(cdc_version) + 3600000000 FROM films.film_cdc_versions")
                            .mapTo(Long.class).one();
                    other.execute("UPDATE films.film_cdc_versions SET cdc_version = ? WHERE uuid = ?", written, key);
                    s.executeUpdate("UPDATE " + T + " SET n = n + 1 WHERE uuid = '" + key + "'");
                    app.commit();
                }
                long after = other.createQuery("SELECT cdc_version FROM films.film_cdc_versions WHERE uuid = ?")
                        .bind(0, key).mapTo(Long.class).one();
                assertTrue(after > written, "the change's version " + after + " is later than " + written);
            }
            converge(p);
            p.terminateAll();
            assertEquals(0, TwoWayIT.conflicts(servers.target), "recorded once, on the side whose change won");
        } finally {
            p.closeAll();
        }
    }

    /**
     * Both consumers stopped, the same rows changed on both sides: the later change wins on both,
     * each conflict recorded once, where the local change won.
     */
    private void conflicts(Procs p) throws Exception {
        assertEquals(0, p.consumeLegacy.terminate(), p.consumeLegacy.output());
        assertEquals(0, p.consumeService.terminate(), p.consumeService.output());
        List<String> uuids;
        try (Handle h = legacy.open("cdc-test")) {
            uuids = h.createQuery("SELECT uuid FROM " + T + " WHERE note = 'before' ORDER BY uuid LIMIT 9")
                    .mapTo(String.class).list();
        }
        assertEquals(9, uuids.size());
        updateLegacy(uuids.subList(0, 3), "legacy-first"); // then the service: the service wins
        updateService(uuids.subList(0, 3), "service-later");
        updateService(uuids.subList(3, 6), "service-first"); // then legacy: legacy wins
        updateLegacy(uuids.subList(3, 6), "legacy-later");
        try (Handle h = legacy.open("cdc-test")) { // deleted on legacy, then updated on the service
            for (String u : uuids.subList(6, 9)) {
                h.execute("DELETE FROM " + T + " WHERE uuid = ?", u);
            }
        }
        updateService(uuids.subList(6, 9), "service-after-delete");
        p.consumeLegacy = p.consume(true);
        p.consumeService = p.consume(false);
        converge(p);
        assertEquals(3, legacyCount("note = 'service-later'"));
        assertEquals(3, legacyCount("note = 'legacy-later'"));
        assertEquals(3, legacyCount("note = 'service-after-delete'"), "the later update wins over the delete");
        Await.until("9 conflicts recorded", 60_000, () -> {
            p.check();
            return legacyCount("topic = '" + kafka.topic() + ".from-service'", "cdc.conflicts") + TwoWayIT.conflicts(servers.target) >= 9;
        });
        p.terminateAll();
        assertEquals(3, legacyCount("topic = '" + kafka.topic() + ".from-service'", "cdc.conflicts"), "legacy's 3 wins recorded on legacy");
        assertEquals(6, TwoWayIT.conflicts(servers.target), "the service's 3 wins and the 3 deletes it outlived");
        try (Handle h = legacy.open("cdc-test")) {
            Map<String, Object> c = h.createQuery("SELECT local_origin, local_row, incoming_origin, incoming_row "
                    + "FROM cdc.conflicts WHERE topic = ? ORDER BY id LIMIT 1").bind(0, kafka.topic() + ".from-service")
                    .mapToMap().one();
            assertEquals("legacy", c.get("local_origin"));
            assertEquals("service", c.get("incoming_origin"));
            assertTrue(((String) c.get("local_row")).contains("legacy-later")
                    && ((String) c.get("incoming_row")).contains("service-first"), c.toString());
        }
    }

    /** The film table on both sides, 100 rows on legacy, two-way sync set up by the command, the topics, the processes. */
    private void setUpBothSides() throws Exception {
        java.nio.file.Files.deleteIfExists(flushed(true));
        java.nio.file.Files.deleteIfExists(flushed(false));
        legacy = mariadb("films", "cdc-test");
        try (Handle h = legacy.open("cdc-test")) {
            h.execute("DROP TABLE IF EXISTS films.film, films.film_cdc, films.film_cdc_versions");
            // the MariaDB server is shared: what an earlier test set up for the table goes too (as cdc teardown does)
            boolean bookkeeping = h.createQuery("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'cdc' "
                    + "AND TABLE_NAME IN ('capture', 'subscriptions')").mapTo(Integer.class).one() == 2;
            if (bookkeeping) {
                h.execute("DELETE FROM cdc.capture WHERE table_schema = 'films'");
                h.execute("DELETE FROM cdc.subscriptions WHERE table_schema = 'films'");
            }
            h.execute("CREATE TABLE " + T + " (id INT AUTO_INCREMENT PRIMARY KEY, uuid CHAR(36) NOT NULL, "
                    + "title VARCHAR(200) NOT NULL DEFAULT 'untitled', rate DECIMAL(4,2), home VARCHAR(20) NOT NULL, "
                    + "n INT NOT NULL DEFAULT 0, note TEXT) ENGINE = InnoDB");
            for (int i = 0; i < 100; i++) {
                h.execute("INSERT INTO " + T + " (uuid, title, rate, home, note) VALUES (UUID(), ?, 4.99, 'legacy', 'before')",
                        "Film " + i);
            }
        }
        try (Handle h = servers.target.open("cdc-test")) {
            h.execute("DROP SCHEMA IF EXISTS catalog CASCADE");
            h.execute("CREATE SCHEMA catalog");
            h.execute("CREATE TABLE " + S + " (id bigint GENERATED ALWAYS AS IDENTITY (START WITH 1000000) PRIMARY KEY, "
                    + "uuid uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(), title text NOT NULL DEFAULT 'untitled', "
                    + "rate numeric(4,2), home text NOT NULL, n integer NOT NULL DEFAULT 0, note text)");
        }
        List<String> args = List.of("--two-way", "--table", T, "--target-table", S, "--key", "uuid", "--side-names",
                "legacy,service", "--topic", kafka.topic());
        CliTest.Run refused = CliTest.run(CliTest.line("setup", mariadbArgs("source", "films"), servers.targetArgs(), args));
        assertEquals(dev.cdc.base.Failure.PRECONDITION, refused.code(), refused.out() + refused.err());
        assertTrue(refused.err().contains("no unique index on (uuid)"), refused.err());
        try (Handle h = legacy.open("cdc-test")) {
            h.execute("CREATE UNIQUE INDEX film_uuid ON " + T + " (uuid)");
        }
        CliTest.Run setup = CliTest.run(CliTest.line("setup", mariadbArgs("source", "films"), servers.targetArgs(), args));
        assertEquals(0, setup.code(), setup.out() + setup.err());
        assertTrue(setup.out().contains("rows are related by (uuid), id is this side's own"), setup.out());
        // set up again with another topic: the new topic
        CliTest.Run again = CliTest.run(CliTest.line("setup", mariadbArgs("source", "films"), servers.targetArgs(),
                List.of("--two-way", "--table", T, "--target-table", S, "--key", "uuid", "--side-names", "legacy,service",
                        "--topic", "other")));
        assertEquals(0, again.code(), again.out() + again.err());
        setup = CliTest.run(CliTest.line("setup", mariadbArgs("source", "films"), servers.targetArgs(), args));
        assertEquals(0, setup.code(), setup.out() + setup.err());
        assertEquals(1, legacyCount("table_name = 'film' AND topic = '" + kafka.topic() + ".from-legacy'", "cdc.capture"));
        try (Handle h = legacy.open("cdc-test")) {
            h.execute("DELETE FROM cdc.subscriptions WHERE topic = 'other.from-service'");
        }
        try (Handle h = servers.target.open("cdc-test")) {
            h.execute("DELETE FROM cdc.subscriptions WHERE topic = 'other.from-legacy'");
        }
        for (String side : List.of("legacy", "service")) {
            Topics.create(new Kafka(kafka.bootstrapServers(), kafka.topic() + ".from-" + side, Map.of()), 3, (short) 1);
        }
    }

    /** Waits until both sides hold the same rows, each side's own ids left out. */
    private void converge(Procs p) {
        try {
            Await.until("both sides identical but for their ids", 120_000, () -> {
                p.check();
                return legacyRows().equals(serviceRows());
            });
        } catch (AssertionError e) {
            List<String> onLegacy = new ArrayList<>(legacyRows());
            List<String> onService = new ArrayList<>(serviceRows());
            List<String> legacyOnly = onLegacy.stream().filter(r -> !onService.contains(r)).limit(5).toList();
            List<String> serviceOnly = onService.stream().filter(r -> !onLegacy.contains(r)).limit(5).toList();
            throw new AssertionError(e.getMessage() + ": " + onLegacy.size() + " rows on legacy, " + onService.size()
                    + " on the service; only on legacy " + legacyOnly + ", only on the service " + serviceOnly, e);
        }
    }

    private List<String> legacyRows() {
        try (Handle h = legacy.open("cdc-test")) {
            return h.createQuery("SELECT CONCAT_WS('|', uuid, title, rate, home, n, note) FROM " + T)
                    .mapTo(String.class).list().stream().sorted().toList();
        }
    }

    private List<String> serviceRows() {
        try (Handle h = servers.target.open("cdc-test")) {
            return h.createQuery("SELECT concat_ws('|', uuid, title, rate, home, n, note) FROM " + S)
                    .mapTo(String.class).list().stream().sorted().toList();
        }
    }

    private long legacyCount(String where) {
        return legacyCount(where, T);
    }

    private long legacyCount(String where, String table) {
        try (Handle h = legacy.open("cdc-test")) {
            return h.createQuery("SELECT COUNT(*) FROM " + table + " WHERE " + where).mapTo(Long.class).one();
        }
    }

    private void updateLegacy(List<String> uuids, String note) {
        try (Handle h = legacy.open("cdc-test")) {
            for (String u : uuids) {
                h.execute("UPDATE " + T + " SET note = ?, n = n + 1 WHERE uuid = ?", note, u);
            }
        }
    }

    private void updateService(List<String> uuids, String note) {
        try (Handle h = servers.target.open("cdc-test")) {
            h.execute("UPDATE " + S + " SET note = ?, n = n + 1 WHERE uuid = ANY(CAST(? AS uuid[]))", note,
                    TwoWayIT.array(uuids));
        }
    }

    /** A producer and a consumer on each side. */
    final class Procs implements CdcProcesses {
        CdcProcess produceLegacy;
        CdcProcess produceService;
        CdcProcess consumeLegacy;
        CdcProcess consumeService;

        Procs() throws Exception {
            startAll();
        }

        CdcProcess produce(boolean onLegacy) throws Exception {
            return CdcProcess.start("produce-" + (onLegacy ? "legacy" : "service"), CliTest.line("produce",
                    onLegacy ? mariadbArgs("source", "films") : servers.targetArgs().stream()
                            .map(a -> a.replace("--target", "--source")).toList(), broker()));
        }

        CdcProcess consume(boolean intoLegacy) throws Exception {
            return CdcProcess.start("consume-into-" + (intoLegacy ? "legacy" : "service"), CliTest.line("consume",
                    intoLegacy ? mariadbArgs("target", "films") : servers.targetArgs(), broker(),
                    List.of("--table", intoLegacy ? T : S, "--group", "g-" + (intoLegacy ? "legacy" : "service") + "-"
                            + kafka.topic(), "--on-flush",
                            "echo \"$CDC_FLUSH_TABLES\" >> " + flushed(intoLegacy).toAbsolutePath())));
        }

        List<String> broker() {
            return List.of("--bootstrap-servers", kafka.bootstrapServers(), "--progress-interval", "1");
        }

        void startAll() throws Exception {
            produceLegacy = produce(true);
            produceService = produce(false);
            consumeLegacy = consume(true);
            consumeService = consume(false);
        }

        @Override
        public List<CdcProcess> all() {
            return java.util.stream.Stream.of(produceLegacy, produceService, consumeLegacy, consumeService)
                    .filter(java.util.Objects::nonNull).toList();
        }
    }

    /**
     * Writes legacy's own rows on MariaDB, as the legacy application would: inserts with a new
     * UUID, updates and deletes by key, in small transactions. A deadlock between two of the
     * application's own statements is retried, as an application does; any other failure fails the test.
     */
    static final class MariaDbWriter {
        final Db db;
        final AtomicBoolean stopping = new AtomicBoolean();
        final AtomicReference<Exception> failure = new AtomicReference<>();
        Thread thread;

        MariaDbWriter(Db db) {
            this.db = db;
        }

        void start() {
            thread = new Thread(() -> {
                Random rnd = new Random(7);
                try (var c = db.connect("cdc-test-writer")) {
                    c.setAutoCommit(false);
                    while (!stopping.get()) {
                        try (var s = c.createStatement()) {
                            for (int i = 1 + rnd.nextInt(3); i > 0; i--) {
                                s.executeUpdate("INSERT INTO " + T + " (uuid, title, rate, home, note) "
                                        + "VALUES (UUID(), 'new', 2.50, 'legacy', 'w')");
                            }
                            List<String> some = new ArrayList<>();
                            try (var rs = s.executeQuery("SELECT uuid FROM " + T + " WHERE home = 'legacy' AND note = 'w' "
                                    + "ORDER BY RAND() LIMIT 3")) {
                                while (rs.next()) {
                                    some.add(rs.getString(1));
                                }
                            }
                            for (String u : some) {
                                s.executeUpdate("UPDATE " + T + " SET n = n + 1 WHERE uuid = '" + u + "'");
                            }
                            if (rnd.nextInt(4) == 0 && !some.isEmpty()) {
                                s.executeUpdate("DELETE FROM " + T + " WHERE uuid = '" + some.get(0) + "'");
                            }
                            c.commit();
                        } catch (SQLException e) {
                            c.rollback();
                            if (e.getErrorCode() != 1213) {
                                throw e;
                            }
                        }
                        Thread.sleep(5);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Exception e) {
                    failure.set(e);
                }
            }, "writer-legacy");
            thread.start();
        }

        void close() throws Exception {
            stop();
            if (failure.get() != null) {
                throw failure.get();
            }
        }

        void stop() {
            stopping.set(true);
            if (thread != null) {
                try {
                    thread.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
