package dev.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cdc.base.Failure;
import dev.cdc.base.Json;
import dev.cdc.db.Db;
import dev.cdc.db.Sql;
import dev.cdc.db.Table;
import dev.cdc.event.ChangeEvent;
import dev.cdc.event.Position;
import dev.cdc.event.Source;
import dev.cdc.kafka.Kafka;
import dev.cdc.postgres.PostgresTarget;
import dev.cdc.sink.Decoded;
import dev.cdc.sink.Delivered;
import dev.cdc.source.Capture;
import dev.cdc.target.Applier;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tables other than employees: every common type, keys of every kind, key changes, names that
 * need quoting. Each table gets its capture, a target table created from the source's definition,
 * a topic, a producer and a consumer; the check compares every column's text on both sides.
 */
class AnyTableIT extends ServerTest {
    TablePipelines pipelines;

    @BeforeEach
    void servers() throws Exception {
        pipelines = new TablePipelines(servers, kafka);
        for (Db db : new Db[] {servers.source, servers.target}) {
            try (Handle h = db.open("test")) {
                h.execute("DROP SCHEMA IF EXISTS anytable CASCADE");
                h.execute("DROP SCHEMA IF EXISTS \"Sales\" CASCADE");
            }
        }
        try (Handle h = servers.target.open("test")) {
            h.execute(Sql.load("target/install.sql"));
        }
        try (Handle h = servers.source.open("test")) {
            h.execute("CREATE SCHEMA anytable");
        }
    }

    @AfterEach
    void stop() throws Exception {
        pipelines.close();
    }

    Table capture(String schema, String name) {
        return pipelines.capture(schema, name);
    }

    void converged(Table t, String when) {
        pipelines.converged(t, when);
    }

    @Test
    void every_common_type_arrives_exactly() {
        try (Handle src = servers.source.open("test")) {
            src.execute("CREATE TYPE anytable.mood AS ENUM ('sad', 'ok', 'happy 😀')");
            src.execute("""
                    CREATE TABLE anytable.types (
                        id bigint PRIMARY KEY, i2 smallint, i4 integer, i8 bigint,
                        big numeric(60, 20), free numeric, r real, d double precision, b boolean,
                        t text, v varchar(20), c char(5), bin bytea, u uuid, day date, tm time, tmz timetz,
                        ts timestamp, tstz timestamptz, iv interval, j json, jb jsonb,
                        ia integer[], ta text[], m anytable.mood, ma anytable.mood[], ip inet, net cidr)""");
        }
        Table t = capture("anytable", "types");
        try (Handle src = servers.source.open("test"); Handle dst = servers.target.open("test")) {
            // the triggers write timestamps in the writer's zone; consume and compare run in another
            src.execute("SET TimeZone = 'Pacific/Chatham'");
            src.execute("""
                    INSERT INTO anytable.types VALUES
                    (1, -32768, 2147483647, -9223372036854775808,
                     12345678901234567890123456789012345678.12345678901234567890, 1e-30, 3.4028235e38, 1.7976931348623157e308, true,
                     'Zürich "Ost" \\ tab	end 😀𝄞', 'varchar', 'ab', '\\xdeadbeef00', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
                     '2024-02-29', '23:59:59.999999', '12:34:56.789+05:30',
                     '1999-12-31 23:59:59.123456', '2024-03-31 02:30:00+02', '1 year 2 mons 3 days 04:05:06.789',
                     '{"b" : 1, "a": [1, 2.50], "a": "duplicate key kept"}', '{"z": {"y": [true, null, 1.10]}}',
                     '{1,NULL,-3}', '{"a,b","c\\"d",NULL,""}', 'happy 😀', '{sad,ok}', '192.168.0.1/24', '10.0.0.0/8'),
                    (2, NULL, NULL, NULL, NULL, 'NaN', 'NaN', 'Infinity', NULL, NULL, NULL, NULL, NULL, NULL,
                     'infinity', NULL, NULL, '-infinity', 'infinity', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
                    (3, 0, 0, 0, 0, '-Infinity', '-Infinity', '-Infinity', false, '', '', '', '\\x', '00000000-0000-0000-0000-000000000000',
                     '0001-01-01', '00:00', '00:00+00', '0001-01-01 00:00', '0001-01-01 00:00+00', '0', '""', '[]',
                     '{}', '{}', 'sad', '{}', '::1', '::/0')""");
            src.execute("INSERT INTO anytable.types (id, t) VALUES (4, repeat('long 😀 text ', 80000))");
            converged(t, "after inserts");
            assertEquals(4L, dst.createQuery("SELECT count(*) FROM anytable.types").mapTo(Long.class).one());
            assertEquals("{\"b\" : 1, \"a\": [1, 2.50], \"a\": \"duplicate key kept\"}",
                    dst.createQuery("SELECT j::text FROM anytable.types WHERE id = 1").mapTo(String.class).one(),
                    "json keeps its exact text");
            src.execute("UPDATE anytable.types SET t = NULL, big = -big, tstz = tstz + interval '1 second', "
                    + "ia = ia || 4, j = '{\"x\":1}' WHERE id IN (1, 3)");
            src.execute("UPDATE anytable.types SET t = '' WHERE id = 2");
            converged(t, "after updates");
            src.execute("DELETE FROM anytable.types WHERE id = 4");
            converged(t, "after delete");
        }
    }

    @Test
    void keys_of_every_kind_and_key_changes() {
        try (Handle src = servers.source.open("test")) {
            src.execute("CREATE TABLE anytable.k_int (id integer PRIMARY KEY, v text)");
            src.execute("CREATE TABLE anytable.k_uuid (id uuid PRIMARY KEY, v text)");
            src.execute("CREATE TABLE anytable.k_text (id text PRIMARY KEY, v text)");
            src.execute("CREATE TABLE anytable.k_composite (region text, day date, n bigint, v text, PRIMARY KEY (region, day, n))");
        }
        List<Table> tables = List.of(capture("anytable", "k_int"), capture("anytable", "k_uuid"),
                capture("anytable", "k_text"), capture("anytable", "k_composite"));
        try (Handle src = servers.source.open("test")) {
            src.execute("INSERT INTO anytable.k_int SELECT g, 'v' || g FROM generate_series(1, 500) g");
            src.execute("INSERT INTO anytable.k_uuid SELECT md5(g::text)::uuid, 'v' || g FROM generate_series(1, 500) g");
            src.execute("INSERT INTO anytable.k_text SELECT 'key ' || g || ' \"ü\"', 'v' || g FROM generate_series(1, 500) g");
            src.execute("INSERT INTO anytable.k_composite SELECT 'r' || g % 7, DATE '2024-01-01' + g % 30, g, 'v' FROM generate_series(1, 500) g");
            for (Table t : tables) {
                converged(t, "after inserts");
            }
            // key changes: the old keys disappear, the new ones appear, including a swap of two keys
            src.execute("UPDATE anytable.k_int SET id = id + 1000 WHERE id <= 100");
            src.useTransaction(tx -> { // a swap (a DEFERRABLE key, which would allow it in one statement, is refused)
                tx.execute("UPDATE anytable.k_int SET id = -200 WHERE id = 200");
                tx.execute("UPDATE anytable.k_int SET id = 200 WHERE id = 201");
                tx.execute("UPDATE anytable.k_int SET id = 201 WHERE id = -200");
            });
            src.execute("UPDATE anytable.k_text SET id = upper(id) WHERE id LIKE 'key 1%'");
            src.execute("UPDATE anytable.k_composite SET day = day + 365, v = 'moved' WHERE n % 3 = 0");
            src.execute("UPDATE anytable.k_uuid SET v = 'changed' WHERE v LIKE 'v1%'");
            // one transaction inserts, updates and deletes one row, and moves another's key twice
            src.useTransaction(tx -> {
                tx.execute("INSERT INTO anytable.k_int VALUES (5000, 'tmp')");
                tx.execute("UPDATE anytable.k_int SET v = 'tmp2' WHERE id = 5000");
                tx.execute("DELETE FROM anytable.k_int WHERE id = 5000");
                tx.execute("UPDATE anytable.k_int SET id = 6000 WHERE id = 300");
                tx.execute("UPDATE anytable.k_int SET id = 6001, v = 'twice' WHERE id = 6000");
            });
            src.execute("DELETE FROM anytable.k_composite WHERE n % 5 = 0");
            src.execute("DELETE FROM anytable.k_uuid WHERE v = 'changed'");
            for (Table t : tables) {
                converged(t, "after key changes and deletes");
            }
        }
    }

    /**
     * A timestamptz key is written in each writer's time zone: the same row changed from sessions in
     * different zones must still be one key (one partition, one row in a batch), or a delete could
     * run before the insert it follows.
     */
    @Test
    void a_timestamptz_key_is_one_key_whatever_the_writers_time_zone() throws Exception {
        try (Handle src = servers.source.open("test")) {
            src.execute("CREATE TABLE anytable.k_time (at timestamptz PRIMARY KEY, v text)");
        }
        Table t = capture("anytable", "k_time");
        try (Handle a = servers.source.open("test"); Handle b = servers.source.open("test")) {
            a.execute("SET TimeZone = 'Pacific/Chatham'");
            b.execute("SET TimeZone = 'America/Los_Angeles'");
            for (int round = 0; round < 20; round++) {
                a.execute("INSERT INTO anytable.k_time SELECT TIMESTAMPTZ '2024-01-01 00:00Z' + g * interval '1 minute', 'a' "
                        + "FROM generate_series(1, 50) g");
                b.execute("UPDATE anytable.k_time SET v = 'b'");
                b.execute("DELETE FROM anytable.k_time");
            }
            a.execute("INSERT INTO anytable.k_time VALUES ('2024-06-01 12:00Z', 'kept')");
            b.execute("UPDATE anytable.k_time SET v = 'kept, updated'");
        }
        converged(t, "after changes from two time zones");
    }

    /** cdc snapshot copies the rows a table had before capture, while writers keep changing them. */
    @Test
    void a_snapshot_under_concurrent_writers_ends_equal() throws Exception {
        try (Handle src = servers.source.open("test")) {
            src.execute("CREATE TABLE anytable.snap (region text, n int, v text, PRIMARY KEY (region, n))");
            src.execute("INSERT INTO anytable.snap SELECT 'r' || g % 5, g, 'before' FROM generate_series(1, 30000) g");
        }
        Table t = capture("anytable", "snap");
        java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            int seed = w;
            Thread th = new Thread(() -> {
                java.util.Random random = new java.util.Random(seed);
                try (Handle h = servers.source.open("writer")) {
                    while (writing.get()) {
                        int n = 1 + random.nextInt(32000);
                        String region = "r" + n % 5;
                        switch (random.nextInt(3)) {
                            case 0 -> h.execute("UPDATE anytable.snap SET v = ? WHERE region = ? AND n = ?",
                                    "w" + random.nextInt(), region, n);
                            case 1 -> h.execute("DELETE FROM anytable.snap WHERE region = ? AND n = ?", region, n);
                            default -> h.execute("INSERT INTO anytable.snap VALUES (?, ?, 'inserted') "
                                    + "ON CONFLICT (region, n) DO UPDATE SET v = 'upserted'", region, n);
                        }
                        written.incrementAndGet();
                    }
                }
            }, "writer-" + w);
            th.start();
            writers.add(th);
        }
        CliTest.Run snapshot;
        try {
            Await.until("writers under way", 10_000, () -> written.get() > 100);
            snapshot = CliTest.run(CliTest.line("snapshot", source(), List.of("--table", "anytable.snap")));
            long during = written.get();
            Await.until("more writes after the snapshot", 10_000, () -> written.get() > during + 100);
        } finally {
            writing.set(false);
            for (Thread th : writers) {
                th.join(10_000);
            }
        }
        assertEquals(0, snapshot.code(), snapshot.err());
        assertTrue(snapshot.out().contains("existing rows copied into anytable.snap_cdc"), snapshot.out());
        converged(t, "after a snapshot under " + written.get() + " concurrent writes");
    }

    /** A 1,000,000-row table is copied stretch by stretch, with progress lines, every row once. */
    @Test
    void a_million_row_table_is_snapshotted_with_progress_lines() throws Exception {
        try (Handle src = servers.source.open("test")) {
            src.execute("CREATE TABLE anytable.big (id bigint PRIMARY KEY, v text)");
            src.execute("INSERT INTO anytable.big SELECT g, 'row ' || g FROM generate_series(1, 1000000) g");
            servers.captures().install(src, Capture.of(servers.catalog().find(src, "anytable", "big").orElseThrow()));
        }
        try (CdcProcess snapshot = CdcProcess.start("snapshot-big", CliTest.line("snapshot", source(),
                List.of("--table", "anytable.big", "--progress-interval", "1")))) {
            assertEquals(0, snapshot.await(300), snapshot.output());
            assertTrue(snapshot.output().contains("1,000,000 existing rows copied into anytable.big_cdc"), snapshot.output());
            assertTrue(snapshot.output().matches("(?s).*snapshot of anytable.big: [0-9]+ rows copied \\([0-9]+/s\\).*"),
                    snapshot.output());
        }
        try (Handle src = servers.source.open("test")) {
            var r = src.createQuery("SELECT sum(n) AS changes, count(*) AS stretches, "
                    + "(SELECT count(DISTINCT (e ->> 'id')) FROM anytable.big_cdc, json_array_elements(data) e) AS distinct_rows "
                    + "FROM anytable.big_cdc").mapToMap().one();
            assertEquals(1_000_000L, ((Number) r.get("changes")).longValue());
            assertEquals(1_000_000L, ((Number) r.get("distinct_rows")).longValue(), "every row once");
            assertTrue(((Number) r.get("stretches")).longValue() >= 100, "at most 10,000 rows per stretch: " + r);
        }
    }

    /**
     * TRUNCATE empties the target table in order with the changes around it: those before it are
     * gone, those after it (in the same transaction too) stay, and so are rows only the target had.
     */
    @Test
    void truncate_empties_the_target_in_order_with_the_changes_around_it() {
        try (Handle src = servers.source.open("test")) {
            src.execute("CREATE TABLE anytable.trunc (id int PRIMARY KEY, v text)");
        }
        Table t = capture("anytable", "trunc");
        try (Handle src = servers.source.open("test"); Handle dst = servers.target.open("test")) {
            src.execute("INSERT INTO anytable.trunc SELECT g, 'first' FROM generate_series(1, 300) g");
            converged(t, "after inserts");
            dst.execute("INSERT INTO anytable.trunc SELECT g, 'only on the target' FROM generate_series(100001, 100100) g");
            src.useTransaction(tx -> {
                tx.execute("INSERT INTO anytable.trunc SELECT g, 'before' FROM generate_series(301, 400) g");
                tx.execute("UPDATE anytable.trunc SET v = 'updated before' WHERE id <= 50");
                tx.execute("TRUNCATE anytable.trunc");
                tx.execute("INSERT INTO anytable.trunc SELECT g, 'after' FROM generate_series(1, 40) g");
            });
            for (int round = 0; round < 10; round++) {
                src.execute("INSERT INTO anytable.trunc SELECT g, 'round " + round + "' FROM generate_series(41, 200) g");
                src.execute("UPDATE anytable.trunc SET v = v || ' updated' WHERE id % 3 = 0");
                src.execute("DELETE FROM anytable.trunc WHERE id > 150");
                src.execute(round % 2 == 0 ? "TRUNCATE anytable.trunc" : "DELETE FROM anytable.trunc WHERE id > 40");
            }
            src.execute("INSERT INTO anytable.trunc SELECT g, 'last' FROM generate_series(1000, 1010) g");
            converged(t, "after truncates");
            assertEquals(11L, dst.createQuery("SELECT count(*) FROM anytable.trunc").mapTo(Long.class).one());
        }
    }

    /**
     * A truncate event deletes, in each partition, the target rows whose key the producer sends to
     * that partition: the consumer recomputes the key from the target row exactly as the producer
     * wrote it (here a text and timestamptz key, the consumer's session in another time zone).
     */
    @Test
    void a_truncate_of_one_partition_deletes_exactly_the_rows_keyed_to_it() throws Exception {
        try (Handle src = servers.source.open("test")) {
            src.execute("CREATE TABLE anytable.tk (region text, at timestamptz, v text, PRIMARY KEY (region, at))");
        }
        Table t = capture("anytable", "tk");
        Kafka table = new Kafka(kafka.bootstrapServers(), kafka.topic() + "_0", kafka.overrides());
        try (Handle src = servers.source.open("test")) {
            src.execute("SET TimeZone = 'Pacific/Chatham'");
            src.execute("INSERT INTO anytable.tk SELECT 'r \"' || g % 7 || '\" ü', TIMESTAMPTZ '2024-01-01 00:00Z' "
                    + "+ g * interval '1 hour 1.5 seconds', 'v' FROM generate_series(1, 600) g");
        }
        converged(t, "after inserts");
        java.util.Map<String, Integer> partitionOf = new java.util.HashMap<>();
        TopicContents.read(table).byPartition().forEach((p, events) -> events.forEach(e -> partitionOf.put(
                json(e.key()).toString(), p)));
        assertEquals(600, partitionOf.size());
        assertEquals(3, new java.util.HashSet<>(partitionOf.values()).size());

        Applier applier = new Applier(new PostgresTarget(), "one-partition", table.topic(), false, false);
        var record = new org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>(table.topic(), 1, 0, null,
                ChangeEvent.encodeTruncate("anytable.tk", 3, new Source(null, -1, new Position("epoch", 1, 1, 0), "1", 0)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try (Handle dst = servers.target.open("test")) {
            dst.execute("SET TimeZone = 'Asia/Kolkata'");
            Delivered r = applier.apply(dst, java.util.Map.of(new org.apache.kafka.common.TopicPartition(table.topic(), 1),
                    List.of(new Decoded(record, ChangeEvent.decode(record.value())))));
            long inOne = partitionOf.values().stream().filter(p -> p == 1).count();
            assertEquals(inOne, r.rows(), "rows deleted");
            List<String> left = dst.createQuery("SELECT json_build_object('region', region, 'at', at)::text FROM anytable.tk")
                    .mapTo(String.class).list();
            dst.execute("SET TimeZone = 'UTC'");
            List<String> leftUtc = dst.createQuery("SELECT json_build_object('region', region, 'at', at)::text FROM anytable.tk")
                    .mapTo(String.class).list();
            assertEquals(600 - inOne, leftUtc.size());
            for (String k : leftUtc) {
                Integer p = partitionOf.get(json(k).toString());
                assertTrue(p != null && p != 1, k + " is keyed to partition " + p);
            }
            assertEquals(left.size(), leftUtc.size());
        }
    }

    @Test
    void names_that_need_quoting() {
        try (Handle src = servers.source.open("test")) {
            src.execute("CREATE SCHEMA \"Sales\"");
            src.execute("CREATE TABLE \"Sales\".\"Order Items\" (\"select\" int, \"Line\" int, \"from\" text, "
                    + "\"a\"\"quote\" text, PRIMARY KEY (\"select\", \"Line\"))");
        }
        Table t = capture("Sales", "Order Items");
        try (Handle src = servers.source.open("test")) {
            src.execute("INSERT INTO \"Sales\".\"Order Items\" SELECT g, g % 3, 'x' || g, 'q' FROM generate_series(1, 50) g");
            src.execute("UPDATE \"Sales\".\"Order Items\" SET \"from\" = 'updated', \"Line\" = \"Line\" + 10 WHERE \"select\" < 10");
            src.execute("DELETE FROM \"Sales\".\"Order Items\" WHERE \"select\" > 40");
            converged(t, "after changes");
        }
    }

    List<String> source() {
        return servers.sourceArgs();
    }

    List<String> target() {
        return servers.targetArgs();
    }

    List<String> broker() {
        return List.of("--bootstrap-servers", kafka.bootstrapServers());
    }

    @Test
    void the_command_line_captures_several_tables_with_one_produce_and_one_consume() throws Exception {
        String sfx = kafka.topic();
        String a = "anytable.a_" + sfx;
        String b = "anytable.b_" + sfx;
        try (Handle src = servers.source.open("test"); Handle dst = servers.target.open("test")) {
            src.execute("CREATE TABLE " + a + " (id int PRIMARY KEY, v text NOT NULL, n numeric(10, 2))");
            src.execute("CREATE TABLE " + b + " (k text, d date, v jsonb, PRIMARY KEY (k, d))");
            src.execute("CREATE TABLE anytable.c (id int PRIMARY KEY, v text)");
            dst.execute("CREATE SCHEMA anytable");
            dst.execute("CREATE TABLE anytable.c (id bigint PRIMARY KEY, w text)");
        }
        try (Handle src = servers.source.open("test")) { // rows from before capture: setup copies them
            src.execute("INSERT INTO " + a + " SELECT g, 'existing ' || g, g FROM generate_series(1001, 1025) g");
        }
        setUpThroughTheCommandLine(a, b);
        streamThroughTheCommandLine(a, b, sfx);
        addColumnsOnTheSource(a, sfx);
        tearDownThroughTheCommandLine(a, sfx);
    }

    /** setup copies existing rows, a second run keeps everything, a target of another shape installs nothing. */
    private void setUpThroughTheCommandLine(String a, String b) {
        CliTest.Run setup = CliTest.run(CliTest.line("setup", source(), target(), List.of("--table", a + "," + b)));
        assertEquals(0, setup.code(), setup.err());
        assertTrue(setup.out().contains("created from the source's definition"), setup.out());
        assertTrue(setup.out().contains("topic " + a + " feeds " + a), setup.out());
        assertTrue(setup.out().contains("snapshot of " + a + ": 25 existing rows copied"), setup.out());
        CliTest.Run again = CliTest.run(CliTest.line("setup", source(), target(), List.of("--table", a, "--table", b)));
        assertEquals(0, again.code(), again.err());
        assertFalse(again.out().contains("snapshot"), "a table captured already is not copied again: " + again.out());
        assertTrue(again.out().contains("compatible shape, kept as is"), again.out());
        CliTest.Run other = CliTest.run(CliTest.line("setup", source(), target(), List.of("--table", "anytable.c")));
        assertEquals(Failure.PRECONDITION, other.code(), other.out());
        assertTrue(other.err().contains("column id is bigint on the target, integer on the source"), other.err());
        try (Handle src = servers.source.open("test")) {
            assertTrue(servers.catalog().find(src, "anytable", "c_cdc").isEmpty(), "nothing installed on the source when the target is wrong");
        }
        for (String t : new String[] {a, b}) {
            CliTest.Run topic = CliTest.run(CliTest.line("topic", source(), broker(), List.of("--table", t)));
            assertEquals(0, topic.code(), topic.err());
        }
        CliTest.Run oneTopic = CliTest.run(CliTest.line("produce", source(), broker(), List.of("--topic", "x")));
        assertEquals(Failure.USAGE, oneTopic.code(), oneTopic.err());
    }

    /** One produce and one consume for both tables. */
    private void streamThroughTheCommandLine(String a, String b, String sfx) throws Exception {
        Table ta;
        Table tb;
        try (Handle src = servers.source.open("test")) {
            ta = servers.catalog().find(src, "anytable", "a_" + sfx).orElseThrow();
            tb = servers.catalog().find(src, "anytable", "b_" + sfx).orElseThrow();
        }
        try (CdcProcess produce = CdcProcess.start("produce-tables", CliTest.line("produce", source(), broker()));
             CdcProcess consume = CdcProcess.start("consume-tables", CliTest.line("consume", target(), broker(), List.of("--group", "g-tables-" + sfx)))) {
            try (Handle src = servers.source.open("test")) {
                src.execute("INSERT INTO " + a + " SELECT g, 'v' || g, g / 3.0 FROM generate_series(1, 300) g");
                src.execute("INSERT INTO " + b + " SELECT 'k' || g % 10, DATE '2025-01-01' + g, jsonb_build_object('g', g) "
                        + "FROM generate_series(1, 300) g");
                src.execute("UPDATE " + a + " SET v = 'updated' WHERE id % 2 = 0");
                src.execute("DELETE FROM " + b + " WHERE k = 'k3'");
            }
            converged(ta, "through the command line");
            converged(tb, "through the command line");
            assertEquals(0, produce.terminate(), produce.output());
            assertEquals(0, consume.terminate(), consume.output());
        }
    }

    /**
     * Columns added on the source reach the target by themselves. While nothing runs: changes
     * from before the columns existed, then the columns (a default, a NOT NULL one, a new enum
     * type), then changes that set them; the rows from before get the value the source gave them.
     */
    private void addColumnsOnTheSource(String a, String sfx) throws Exception {
        Table ta;
        try (Handle src = servers.source.open("test")) {
            src.execute("INSERT INTO " + a + " SELECT g, 'before the column', g FROM generate_series(2001, 2010) g");
            src.execute("UPDATE " + a + " SET v = 'updated before the column' WHERE id BETWEEN 1 AND 5");
            src.execute("CREATE TYPE anytable.stage AS ENUM ('new', 'done')");
            src.execute("ALTER TABLE " + a + " ADD COLUMN added timestamptz NOT NULL DEFAULT '2020-02-02 02:02:02+02', "
                    + "ADD COLUMN stage anytable.stage DEFAULT 'new', ADD COLUMN plain text");
            src.execute("UPDATE " + a + " SET added = now(), stage = 'done', plain = 'set' WHERE id = 7");
            src.execute("INSERT INTO " + a + " (id, v, n, stage) VALUES (3001, 'after the column', 1, 'done')");
        }
        try (CdcProcess produce = CdcProcess.start("produce-added", CliTest.line("produce", source(), broker()));
             CdcProcess consume = CdcProcess.start("consume-added", CliTest.line("consume", target(), broker(),
                     List.of("--group", "g-tables-" + sfx, "--generated-expressions")))) {
            try (Handle src = servers.source.open("test")) {
                ta = servers.catalog().find(src, "anytable", "a_" + sfx).orElseThrow();
                converged(ta, "after columns were added on the source");
                // while running: a generated column (the table is rewritten) and a dropped one
                src.execute("ALTER TABLE " + a + " ADD COLUMN twice numeric GENERATED ALWAYS AS (n * 2) STORED");
                src.execute("ALTER TABLE " + a + " DROP COLUMN plain");
                src.execute("UPDATE " + a + " SET n = 99 WHERE id = 8");
                ta = servers.catalog().find(src, "anytable", "a_" + sfx).orElseThrow();
                converged(ta, "after a generated column was added and a column dropped");
            }
            try (Handle dst = servers.target.open("test")) {
                assertEquals("set", dst.createQuery("SELECT plain FROM " + a + " WHERE id = 7").mapTo(String.class).one(),
                        "a column dropped on the source stays on the target as it was");
            }
            assertEquals(0, consume.terminate(), consume.output());
            assertEquals(0, produce.terminate(), produce.output());
            assertTrue(consume.output().contains("added column added timestamp with time zone"), consume.output());
        }
    }

    /** teardown removes capture and leaves the table and its rows. */
    private void tearDownThroughTheCommandLine(String a, String sfx) {
        CliTest.Run down = CliTest.run(CliTest.line("teardown", source(), List.of("--table", a)));
        assertEquals(0, down.code(), down.err());
        try (Handle src = servers.source.open("test")) {
            assertTrue(servers.catalog().find(src, "anytable", "a_" + sfx + "_cdc").isEmpty(), "changelog dropped");
            src.execute("INSERT INTO " + a + " VALUES (1000, 'after teardown', 1)");
            assertEquals(337L, src.createQuery("SELECT count(*) FROM " + a).mapTo(Long.class).one(), "rows untouched");
            assertEquals(0L, src.createQuery("SELECT count(*) FROM pg_trigger WHERE tgrelid = CAST(:t AS regclass)")
                    .bind("t", a).mapTo(Long.class).one(), "no trigger left");
        }
        CliTest.Run gone = CliTest.run(CliTest.line("produce", source(), broker(), List.of("--table", a)));
        assertEquals(Failure.PRECONDITION, gone.code(), gone.err());
    }

    private static com.fasterxml.jackson.databind.JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
