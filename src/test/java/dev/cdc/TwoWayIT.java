package dev.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cdc.base.Failure;
import dev.cdc.db.Db;
import dev.cdc.kafka.Kafka;
import dev.cdc.kafka.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

/**
 * Two-way sync between the source ("legacy") and the target ("service") database, each running
 * its own cdc produce and cdc consume: writers on both sides at once, every process killed (-9)
 * and restarted mid-stream, no echo, and conflicts made on purpose.
 */
class TwoWayIT extends ServerTest {
    static final String TABLE = "twoway.accounts";

    @Test
    void both_sides_converge_without_echo_and_conflicts_are_counted() throws Exception {
        accounts();
        Procs p = new Procs();
        List<Writer> writers = new ArrayList<>();
        try {
            p.startAll();
            writers.add(new Writer(servers.source, "legacy", TABLE, "id").start());
            writers.add(new Writer(servers.target, "service", TABLE, "id").start());
            Await.until("both sides applying", 60_000, () -> count(servers.target, "home = 'legacy'") > 200
                    && count(servers.source, "home = 'service'") > 200);
            p.killAll(); // every process, mid-stream
            p.startAll();
            Await.sleep(3000);
            for (Writer w : writers) {
                w.close();
            }
            converge(p);

            noEchoAndNoTruncate(p);
            conflictsResolveAndAreRecordedOnce(p);
        } finally {
            writers.forEach(Writer::stop);
            p.closeAll();
        }
    }

    /**
     * No echo: with the service's producer stopped, a burst on legacy reaches the service and leaves
     * nothing in the service's changelog. TRUNCATE is refused (no trace of the rows for the conflict rule).
     */
    private void noEchoAndNoTruncate(Procs p) throws Exception {
        assertEquals(0, p.produceB.terminate(), p.produceB.output());
        try (Handle h = servers.source.open("cdc-test")) {
            h.execute("INSERT INTO " + TABLE + " (home, note) SELECT 'legacy', 'burst' FROM generate_series(1, 2000)");
            h.execute("UPDATE " + TABLE + " SET n = n + 1 WHERE note = 'burst'");
        }
        Await.until("the burst on the service side", 60_000, () -> count(servers.target, "note = 'burst' AND n = 1") == 2000);
        assertEquals(0, count(servers.target, "true", "twoway.accounts_cdc"), "the service captured what it applied");
        p.produceB = p.produce(servers.target, "service");
        try (Handle h = servers.source.open("cdc-test")) { // no trace of the rows: cannot follow the conflict rule
            var refused = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                    () -> h.execute("TRUNCATE " + TABLE));
            assertEquals("0A000", Db.sqlState(refused));
            assertTrue(Db.rootMessage(refused).contains("two-way sync"), Db.rootMessage(refused));
        }
    }

    /** Conflicts: both consumers stopped, the same rows changed on both sides; the later change wins, recorded once. */
    private void conflictsResolveAndAreRecordedOnce(Procs p) throws Exception {
        assertEquals(0, p.consumeA.terminate(), p.consumeA.output());
        assertEquals(0, p.consumeB.terminate(), p.consumeB.output());
        List<String> ids;
        try (Handle h = servers.source.open("cdc-test")) {
            ids = h.createQuery("SELECT id::text FROM " + TABLE + " WHERE note <> 'burst' ORDER BY id LIMIT 35")
                    .mapTo(String.class).list();
        }
        assertEquals(35, ids.size());
        update(servers.source, ids.subList(0, 20), "legacy-first"); // then the service: the service wins
        update(servers.target, ids.subList(0, 20), "service-later");
        update(servers.target, ids.subList(20, 30), "service-first"); // then legacy: legacy wins
        update(servers.source, ids.subList(20, 30), "legacy-later");
        try (Handle h = servers.source.open("cdc-test")) { // deleted on legacy, then updated on the service
            h.execute("DELETE FROM " + TABLE + " WHERE id = ANY(CAST(? AS uuid[]))", array(ids.subList(30, 35)));
        }
        update(servers.target, ids.subList(30, 35), "service-after-delete");
        p.consumeA = p.consume(servers.source, "legacy");
        p.consumeB = p.consume(servers.target, "service");
        converge(p);
        for (Db db : sides()) {
            assertEquals(20, count(db, "note = 'service-later'"));
            assertEquals(10, count(db, "note = 'legacy-later'"));
            assertEquals(5, count(db, "note = 'service-after-delete'"), "the later update wins over the delete");
        }
        // the sides converge as soon as the winning changes are applied; the losing ones may come later
        awaitConflicts(p, 35);
        p.terminateAll();
        long onLegacy = conflicts(servers.source);
        long onService = conflicts(servers.target);
        assertEquals(35, onLegacy + onService, "each conflict recorded once: " + onLegacy + " + " + onService);
        // recorded where the local change won: legacy's 10; the service's 20 and the 5 deletes it outlived
        assertEquals(10, onLegacy, "conflicts recorded on legacy");
        try (Handle h = servers.target.open("cdc-test")) {
            Map<String, Object> c = h.createQuery("SELECT local_origin, local_row::text AS l, incoming_origin, "
                    + "incoming_row::text AS i FROM cdc.conflicts ORDER BY id LIMIT 1").mapToMap().one();
            assertEquals("service", c.get("local_origin"));
            assertEquals("legacy", c.get("incoming_origin"));
            assertTrue(((String) c.get("l")).contains("service-later") && ((String) c.get("i")).contains("legacy-first"),
                    c.toString());
        }
    }

    /**
     * The customers table on both sides (legacy a serial id, the service an identity from
     * 1,000,000), both with the processes' roles; setup refuses the key until it is unique and the
     * table exists on the target, then sets up, and the two topics are made.
     */
    private void customersSetUpWithTheKey(String t) throws Exception {
        for (Db db : sides()) {
            try (Handle h = db.open("cdc-test")) {
                h.execute("DROP SCHEMA IF EXISTS twoway CASCADE");
                h.execute("CREATE SCHEMA twoway");
            }
            OperationsIT.roles(db, "tw_producer", "tw_consumer");
        }
        try (Handle h = servers.source.open("cdc-test")) {
            h.execute("CREATE TABLE " + t + " (id serial PRIMARY KEY, uid uuid NOT NULL DEFAULT gen_random_uuid(), "
                    + "home text NOT NULL, n integer NOT NULL DEFAULT 0, note text)");
            h.execute("INSERT INTO " + t + " (home, note) SELECT 'legacy', 'before' FROM generate_series(1, 100)");
        }
        List<String> setupArgs = List.of("--two-way", "--table", t, "--key", "uid", "--side-names", "legacy,service",
                "--topic", kafka.topic(), "--producer-role", "tw_producer", "--consumer-role", "tw_consumer");
        CliTest.Run missing = CliTest.run(CliTest.line("setup", servers.sourceArgs(), servers.targetArgs(), setupArgs));
        assertEquals(Failure.PRECONDITION, missing.code(), missing.out() + missing.err());
        assertTrue(missing.err().contains("no unique index on (uid)"), missing.err());
        try (Handle h = servers.source.open("cdc-test")) {
            h.execute("CREATE UNIQUE INDEX ON " + t + " (uid)");
        }
        missing = CliTest.run(CliTest.line("setup", servers.sourceArgs(), servers.targetArgs(), setupArgs));
        assertEquals(Failure.PRECONDITION, missing.code(), missing.out() + missing.err());
        assertTrue(missing.err().contains("does not exist on the target database"), missing.err());
        try (Handle h = servers.target.open("cdc-test")) {
            h.execute("CREATE TABLE " + t + " (id bigint GENERATED ALWAYS AS IDENTITY (START WITH 1000000) PRIMARY KEY, "
                    + "uid uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(), home text NOT NULL, n integer NOT NULL DEFAULT 0, "
                    + "note text)");
        }
        CliTest.Run setup = CliTest.run(CliTest.line("setup", servers.sourceArgs(), servers.targetArgs(), setupArgs));
        assertEquals(0, setup.code(), setup.out() + setup.err());
        assertTrue(setup.out().contains("rows are related by (uid), id is this side's own"), setup.out());
        for (String side : List.of("legacy", "service")) {
            Topics.create(new Kafka(kafka.bootstrapServers(), kafka.topic() + ".from-" + side, Map.of()), 3, (short) 1);
        }
    }

    /**
     * --key: rows related by a UUID both sides share, while each side numbers its rows itself (legacy
     * a serial integer, the service a bigint identity from 1,000,000): every row keeps its side's
     * own id, applied rows get the receiving side's. The processes run as roles with only what
     * setup granted them on both sides. Setup refuses a key that is not unique, or a table missing
     * on the other side.
     */
    @Test
    void rows_related_by_a_shared_key_keep_each_sides_own_ids() throws Exception {
        String t = "twoway.customers";
        customersSetUpWithTheKey(t);
        Procs p = new Procs("tw_producer", "tw_consumer");
        List<Writer> writers = new ArrayList<>();
        try {
            p.startAll();
            writers.add(new Writer(servers.source, "legacy", t, "uid").start());
            writers.add(new Writer(servers.target, "service", t, "uid").start());
            Await.until("both sides applying", 60_000, () -> count(servers.target, "home = 'legacy'", t) > 200
                    && count(servers.source, "home = 'service'", t) > 200);
            p.killAll();
            p.startAll();
            Await.sleep(2000);
            for (Writer w : writers) {
                w.close();
            }
            convergeShared(p, t);

            // conflicts on purpose: both consumers stopped, the same rows changed on both sides
            assertEquals(0, p.consumeA.terminate(), p.consumeA.output());
            assertEquals(0, p.consumeB.terminate(), p.consumeB.output());
            List<String> uids;
            try (Handle h = servers.source.open("cdc-test")) {
                uids = h.createQuery("SELECT uid::text FROM " + t + " WHERE note = 'before' ORDER BY uid LIMIT 6")
                        .mapTo(String.class).list();
            }
            assertEquals(6, uids.size());
            for (Db db : sides()) {
                try (Handle h = db.open("cdc-test")) {
                    h.execute("UPDATE " + t + " SET note = ? WHERE uid = ANY(CAST(? AS uuid[]))",
                            db == servers.source ? "legacy-first" : "service-later", array(uids));
                }
            }
            p.consumeA = p.consume(servers.source, "legacy");
            p.consumeB = p.consume(servers.target, "service");
            convergeShared(p, t);
            for (Db db : sides()) {
                assertEquals(6, count(db, "note = 'service-later'", t));
            }
            awaitConflicts(p, 6);
            p.terminateAll();
            assertEquals(6, conflicts(servers.source) + conflicts(servers.target), "each conflict recorded once");
            assertEquals(0, count(servers.source, "id >= 1000000", t), "legacy numbers every row itself");
            assertEquals(0, count(servers.target, "id < 1000000", t), "the service numbers every row itself");
            assertTrue(count(servers.target, "true", t) > 300, "rows from both sides");

            // without the right to skip the triggers, consume would send back what it applies: it refuses to start
            try (Handle h = servers.target.open("cdc-test")) {
                h.execute("REVOKE SET ON PARAMETER session_replication_role FROM tw_consumer");
            }
            CliTest.Run denied = CliTest.run(CliTest.line("consume", List.of("--target", servers.target.url(),
                    "--target-user", "tw_consumer"), p.broker(), List.of("--group", "g-service-" + kafka.topic())));
            assertEquals(Failure.PRECONDITION, denied.code(), denied.out() + denied.err());
            assertTrue(denied.err().contains("session_replication_role") && denied.err().contains("--consumer-role"),
                    denied.err());
        } finally {
            writers.forEach(Writer::stop);
            p.closeAll();
        }
    }

    /**
     * Before: one new key inserted on both sides at once, the service's insert not yet committed
     * when its consume applied legacy's: the apply waited for it, then overwrote it unseen, and the
     * sides parted (legacy took the service's later row, the service kept legacy's).
     */
    @Test
    void one_new_key_inserted_on_both_sides_at_once_converges_with_one_conflict() throws Exception {
        accounts();
        String key = "5f0c7a52-2a4e-4c39-9d0e-9b1f3c2b7a10";
        Procs p = new Procs();
        try {
            p.produceA = p.produce(servers.source, "legacy");
            p.produceB = p.produce(servers.target, "service");
            p.consumeA = p.consume(servers.source, "legacy"); // the service's consume starts later
            try (Handle h = servers.source.open("cdc-test")) {
                h.execute("INSERT INTO " + TABLE + " (id, home, note) VALUES (CAST(? AS uuid), 'legacy', 'from legacy')", key);
            }
            Await.until("legacy's insert published", 30_000, () -> count(servers.source, "published > 0", "cdc.capture") == 1);
            try (Handle service = servers.target.open("cdc-test")) {
                service.begin(); // the service's insert of the same key, later, not committed yet
                service.execute("INSERT INTO " + TABLE + " (id, home, note) VALUES (CAST(? AS uuid), 'service', 'from service')", key);
                p.consumeB = p.consume(servers.target, "service");
                Await.until("the service's consume waiting for that insert", 60_000, () -> count(servers.target,
                        "application_name = 'cdc-consume' AND wait_event_type = 'Lock'", "pg_stat_activity") == 1);
                service.commit();
            }
            converge(p);
            awaitConflicts(p, 1);
            for (Db db : sides()) {
                assertEquals(1, count(db, "note = 'from service'"), "the later insert wins on both sides");
            }

            // Rows copied by a snapshot keep their version. Legacy's clock an hour ahead: a row's
            // version there is in the service's future. Copied again (cdc snapshot) with its version,
            // the service's next change of it gets a later one; copied without, it would get the
            // service's clock, be taken as older on legacy, and the sides would part.
            try (Handle h = servers.source.open("cdc-test")) {
                h.execute("INSERT INTO " + TABLE + " (id, home, note) VALUES (gen_random_uuid(), 'legacy', 'ahead')");
            }
            converge(p);
            long ahead;
            try (Handle h = servers.source.open("cdc-test")) {
                ahead = h.createQuery("UPDATE twoway.accounts_cdc_versions v SET cdc_version = cdc_version + 3600000000 "
                        + "FROM " + TABLE + " a WHERE a.id = v.id AND a.note = 'ahead' RETURNING v.cdc_version")
                        .mapTo(Long.class).one();
            }
            CliTest.Run snapshot = CliTest.run(CliTest.line("snapshot", servers.sourceArgs(), List.of("--table", TABLE)));
            assertEquals(0, snapshot.code(), snapshot.out() + snapshot.err());
            Await.until("the service knowing the copied row's version", 60_000, () -> count(servers.target,
                    "cdc_version = " + ahead, "twoway.accounts_cdc_versions") == 1);
            try (Handle h = servers.target.open("cdc-test")) {
                h.execute("UPDATE " + TABLE + " SET note = 'changed on the service after the copy' WHERE note = 'ahead'");
            }
            converge(p);
            for (Db db : sides()) {
                assertEquals(1, count(db, "note = 'changed on the service after the copy'"), "the later change wins");
            }
            p.terminateAll();
            assertEquals(1, conflicts(servers.source) + conflicts(servers.target), "one conflict, recorded once");
            assertEquals(1, conflicts(servers.target), "on the side whose change won");
        } finally {
            p.closeAll();
        }
    }

    /** The accounts table on both sides, set up for two-way sync, and its two topics. */
    void accounts() throws Exception {
        for (Db db : sides()) {
            try (Handle h = db.open("cdc-test")) {
                h.execute("DROP SCHEMA IF EXISTS twoway CASCADE");
                h.execute("CREATE SCHEMA twoway");
                h.execute("CREATE TABLE " + TABLE + " (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), home text NOT NULL, "
                        + "n integer NOT NULL DEFAULT 0, note text)");
            }
        }
        CliTest.Run setup = CliTest.run(CliTest.line("setup", servers.sourceArgs(), servers.targetArgs(),
                List.of("--two-way", "--table", TABLE, "--side-names", "legacy,service", "--topic", kafka.topic())));
        assertEquals(0, setup.code(), setup.out() + setup.err());
        for (String side : List.of("legacy", "service")) {
            Topics.create(new Kafka(kafka.bootstrapServers(), kafka.topic() + ".from-" + side, Map.of()), 3, (short) 1);
        }
    }

    /** Waits until both sides together recorded at least {@code n} conflicts. */
    void awaitConflicts(Procs p, long n) {
        Await.until(n + " conflicts recorded", 60_000, () -> {
            p.check();
            return conflicts(servers.source) + conflicts(servers.target) >= n;
        });
    }

    /** Waits until both sides hold the same rows, each side's own ids left out. */
    void convergeShared(Procs p, String table) {
        Await.until("both sides identical but for their ids", 120_000, () -> {
            p.check();
            return shared(servers.source, table).equals(shared(servers.target, table));
        });
    }

    static String shared(Db db, String table) {
        try (Handle h = db.open("cdc-test")) {
            return h.createQuery("SELECT coalesce(jsonb_agg(to_jsonb(a) - 'id' ORDER BY uid), '[]')::text FROM " + table + " a")
                    .mapTo(String.class).one();
        }
    }

    List<Db> sides() {
        return List.of(servers.source, servers.target);
    }

    void converge(Procs p) {
        Await.until("both sides identical", 120_000, () -> {
            p.check();
            return rows(servers.source).equals(rows(servers.target));
        });
    }

    static String rows(Db db) {
        try (Handle h = db.open("cdc-test")) {
            return h.createQuery("SELECT coalesce(jsonb_agg(to_jsonb(a) ORDER BY id), '[]')::text FROM " + TABLE + " a")
                    .mapTo(String.class).one();
        }
    }

    static long count(Db db, String where) {
        return count(db, where, TABLE);
    }

    static long count(Db db, String where, String table) {
        try (Handle h = db.open("cdc-test")) {
            return h.createQuery("SELECT count(*) FROM " + table + " WHERE " + where).mapTo(Long.class).one();
        }
    }

    static long conflicts(Db db) {
        return count(db, "true", "cdc.conflicts");
    }

    static void update(Db db, List<String> ids, String note) {
        try (Handle h = db.open("cdc-test")) {
            h.execute("UPDATE " + TABLE + " SET note = ?, n = n + 1 WHERE id = ANY(CAST(? AS uuid[]))", note, array(ids));
        }
    }

    /** An array literal of the ids, as text. */
    static String array(List<String> ids) {
        return "{" + String.join(",", ids) + "}";
    }

    /** The four processes: a producer and a consumer on each side (as these roles; null: the servers' user). */
    final class Procs implements CdcProcesses {
        final String producer;
        final String consumer;
        CdcProcess produceA;
        CdcProcess produceB;
        CdcProcess consumeA;
        CdcProcess consumeB;

        Procs() {
            this(null, null);
        }

        Procs(String producer, String consumer) {
            this.producer = producer;
            this.consumer = consumer;
        }

        CdcProcess produce(Db db, String side) throws Exception {
            return CdcProcess.start("produce-" + side, CliTest.line("produce", List.of("--source", db.url(),
                    "--source-user", producer != null ? producer : db.user(), "--source-password", db.password()), broker()));
        }

        CdcProcess consume(Db db, String side) throws Exception {
            return CdcProcess.start("consume-into-" + side, CliTest.line("consume", List.of("--target", db.url(),
                    "--target-user", consumer != null ? consumer : db.user(), "--target-password", db.password()), broker(),
                    List.of("--group", "g-" + side + "-" + kafka.topic())));
        }

        List<String> broker() {
            return List.of("--bootstrap-servers", kafka.bootstrapServers(), "--progress-interval", "1");
        }

        void startAll() throws Exception {
            produceA = produce(servers.source, "legacy");
            produceB = produce(servers.target, "service");
            consumeA = consume(servers.source, "legacy");
            consumeB = consume(servers.target, "service");
        }

        @Override
        public List<CdcProcess> all() {
            return java.util.stream.Stream.of(produceA, produceB, consumeA, consumeB)
                    .filter(java.util.Objects::nonNull).toList();
        }
    }

    /**
     * Writes on one side, only the rows that side created (home), so that nothing conflicts:
     * inserts, updates and deletes in small transactions.
     */
    static final class Writer {
        final Db db;
        final String home;
        final String table;
        final String key;
        final AtomicBoolean stopping = new AtomicBoolean();
        final AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Thread thread;

        /** Writes the rows of {@code home} in {@code table}, choosing them by {@code key}. */
        Writer(Db db, String home, String table, String key) {
            this.db = db;
            this.home = home;
            this.table = table;
            this.key = key;
        }

        Writer start() {
            thread = new Thread(() -> {
                Random rnd = new Random(home.hashCode());
                try (Handle h = db.open("cdc-test-writer")) {
                    while (!stopping.get()) {
                        h.useTransaction(tx -> {
                            tx.execute("INSERT INTO " + table + " (home, note) SELECT ?, 'w' FROM generate_series(1, ?)",
                                    home, 1 + rnd.nextInt(5));
                            tx.execute("UPDATE " + table + " SET n = n + 1 WHERE " + key + " IN (SELECT " + key + " FROM "
                                    + table + " WHERE home = ? ORDER BY random() LIMIT 3)", home);
                            if (rnd.nextInt(4) == 0) {
                                tx.execute("DELETE FROM " + table + " WHERE " + key + " IN (SELECT " + key + " FROM "
                                        + table + " WHERE home = ? ORDER BY random() LIMIT 1)", home);
                            }
                        });
                        Thread.sleep(5);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    failure.set(e);
                }
            }, "writer-" + home);
            thread.start();
            return this;
        }

        void close() throws InterruptedException {
            stop();
            RuntimeException f = failure.get();
            if (f != null) {
                throw f;
            }
        }

        void stop() {
            stopping.set(true);
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
