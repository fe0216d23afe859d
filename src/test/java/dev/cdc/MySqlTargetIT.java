package dev.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cdc.base.Json;
import dev.cdc.db.Db;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A MariaDB target (issue 19) through the commands a user types: a PostgreSQL table of many types
 * set up into MariaDB (database and table created from its definition), writers inserting,
 * updating, deleting and truncating while consume is killed (-9) and started again: the MariaDB
 * table ends equal to the PostgreSQL one, and each change was applied once although Kafka
 * delivered some twice.
 */
class MySqlTargetIT extends ServerTest {
    private static final String TABLE = "mt.items";
    private static Db warehouse;

    @BeforeAll
    static void start() throws Exception {
        warehouse = mariadb("warehouse", "target");
    }

    private static List<String> target() throws Exception {
        return mariadbArgs("target", "warehouse");
    }

    @Test
    void a_postgresql_table_reaches_mariadb_through_a_consume_killed_mid_stream() throws Exception {
        try (Handle h = servers.source.open("cdc-test")) {
            h.execute("DROP SCHEMA IF EXISTS mt CASCADE");
            h.execute("CREATE SCHEMA mt");
            h.execute("CREATE TABLE mt.items (id bigint PRIMARY KEY, name text NOT NULL, price numeric(12,3), ok boolean, "
                    + "at timestamptz, day date, raw bytea, doc jsonb, tags text[], u uuid, qty integer, big numeric, "
                    + "t time(3), code varchar(8))");
            h.execute("INSERT INTO mt.items VALUES (1, 'caf\u00e9 \uD83D\uDE00 it''s \\ \"q\"', 12.5, true, "
                    + "'2024-02-29 23:59:59.123456+02', '1999-12-31', '\\x00ff10', '{\"a\": [1, 2.50], \"b\": null}', "
                    + "'{x,\"y z\"}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', -7, 12345678901234567890.5, '10:11:12.345', 'abc'), "
                    + "(2, '', NULL, false, NULL, NULL, '', NULL, '{}', NULL, NULL, NULL, NULL, NULL)");
            h.execute("CREATE TABLE mt.spans (id int PRIMARY KEY, d interval)");
            // keys PostgreSQL tells apart, which a case- or pad-insensitive collation would merge
            h.execute("CREATE TABLE mt.tags (name text PRIMARY KEY, n int)");
            h.execute("INSERT INTO mt.tags VALUES ('abc', 1), ('ABC', 2), ('a', 3), ('a ', 4), ('é', 5), ('e', 6)");
        }
        try (Handle h = warehouse.open("cdc-test")) {
            h.execute("DROP DATABASE IF EXISTS mt");
            h.execute("DROP DATABASE IF EXISTS cdc");
        }
        CliTest.Run refused = cdc("setup", servers.sourceArgs(), target(), List.of("--table", "mt.spans"));
        assertEquals(2, refused.code(), refused.out() + refused.err());
        assertTrue(refused.err().contains("column d is of type interval, which cdc does not write to a MySQL"), refused.err());
        try (Handle h = servers.source.open("cdc-test")) {
            assertEquals(0L, h.createQuery("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'mt.spans'::regclass")
                    .mapTo(Long.class).one(), "nothing installed on the source for a table the target cannot take");
        }

        CliTest.Run setup = cdc("setup", servers.sourceArgs(), target(), List.of("--table", TABLE, "--table", "mt.tags", "--topic", kafka.topic()));
        assertEquals(0, setup.code(), setup.out() + setup.err());
        assertTrue(setup.out().contains("table mt.items created from the source's definition"), setup.out());
        // bookkeeping an older cdc installed (cdc.subscriptions without other_table): consume asks for setup, which upgrades it
        try (Handle h = warehouse.open("cdc-test")) {
            h.execute("ALTER TABLE cdc.subscriptions DROP COLUMN other_table");
        }
        CliTest.Run older = cdc("consume", target(), bootstrap(), List.of("--group", group()));
        assertEquals(3, older.code(), older.out() + older.err());
        assertTrue(older.err().contains("has the bookkeeping of an older cdc (run: cdc setup)"), older.err());
        setup = cdc("setup", servers.sourceArgs(), target(), List.of("--table", TABLE, "--table", "mt.tags", "--topic", kafka.topic()));
        assertEquals(0, setup.code(), setup.out() + setup.err());
        CliTest.Run topic = cdc("topic", servers.sourceArgs(), bootstrap(), List.of("--table", TABLE, "--partitions", "3"));
        assertEquals(0, topic.code(), topic.out() + topic.err());

        String[] consumeArgs = CliTest.line("consume", target(), bootstrap(), List.of("--group", group()));
        try (CdcProcess produce = CdcProcess.start("produce-to-mariadb", CliTest.line("produce", servers.sourceArgs(), bootstrap()))) {
            CdcProcess consume = CdcProcess.start("consume-mariadb", consumeArgs);
            try {
                Thread writing = new Thread(() -> write(0, 300));
                writing.start();
                CdcProcess first = consume;
                Await.until("consume applying", 60_000, () -> applied() > 300 || !first.alive());
                consume.kill9(); // mid-stream: the writers go on
                writing.join();
                try (Handle h = servers.source.open("cdc-test")) {
                    h.execute("TRUNCATE mt.items");
                    // JSON scalars: a string (not JSON text itself) and a boolean
                    h.execute("INSERT INTO mt.items (id, name, doc) VALUES (1001, 's', '\"a string\"'), (1002, 'b', 'true'), "
                            + "(1003, 'n', '12.50')");
                    h.execute("UPDATE mt.tags SET n = n + 10 WHERE name IN ('a', 'ABC')");
                }
                write(1, 150);
                consume = CdcProcess.start("consume-mariadb-2", consumeArgs);
                CdcProcess c = consume;
                Await.until("the MariaDB table equal to the PostgreSQL one", 90_000, () -> {
                    assertTrue(produce.alive() && c.alive(), produce.output() + c.output());
                    return pgRows().equals(mariaRows()) && tags(servers.source).equals(tags(warehouse));
                });
                assertEquals(List.of("ABC|12", "a |4", "abc|1", "a|13", "e|6", "\u00e9|5"), tags(warehouse));
                TopicContents onTopic = TopicContents.read(kafka);
                Await.until("every event applied", 30_000, () -> applied() >= onTopic.distinctPerPartition());
                assertEquals(onTopic.distinctPerPartition(), applied(), "each change applied once (a truncate once per "
                        + "partition); the topic had " + onTopic.records() + " records for " + onTopic.distinctEvents() + " changes");
                CliTest.Run status = cdc("status", servers.sourceArgs(), target(), bootstrap(), List.of("--group", group()));
                assertEquals(0, status.code(), status.out() + status.err());
                assertTrue(status.out().contains("mt.items"), status.out());
                assertEquals(0, consume.terminate(), consume.output());
                assertEquals(0, produce.terminate(), produce.output());
            } finally {
                consume.close();
            }
        }
        assertTrue(mariaRows().size() > 50, "rows: " + mariaRows().size());
    }

    /**
     * MariaDB to MariaDB: a table of one database feeds a consolidated table of another (the types
     * go through the events' names and back), while its producer is killed (-9) once.
     */
    @Test
    void a_mariadb_table_feeds_a_consolidated_mariadb_table() throws Exception {
        Db legacy = mariadb("legacy", "source");
        try (Handle h = legacy.open("cdc-test"); Handle w = warehouse.open("cdc-test")) {
            w.execute("DROP DATABASE IF EXISTS reports");
            h.execute("DROP TABLE IF EXISTS people");
            h.execute("CREATE TABLE people (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, born DATE, score DECIMAL(8,3), "
                    + "seen DATETIME(6), flag TINYINT, note TEXT, raw VARBINARY(8), big BIGINT UNSIGNED) ENGINE = InnoDB");
            h.execute("INSERT INTO people VALUES (1, 'caf\u00e9', '1970-01-02', 1.5, '2024-02-29 23:59:59.123456', 1, "
                    + "'it''s \\\\', X'00ff', 18446744073709551615), (2, 'b', NULL, NULL, NULL, NULL, NULL, NULL, NULL)");
        }
        List<String> src = mariadbArgs("source", "legacy");
        CliTest.Run setup = cdc("setup", src, target(), List.of("--table", "legacy.people", "--topic", kafka.topic(),
                "--consolidate-into", "reports.all_people"));
        assertEquals(0, setup.code(), setup.out() + setup.err());
        CliTest.Run topic = cdc("topic", src, bootstrap(), List.of("--table", "legacy.people", "--partitions", "2"));
        assertEquals(0, topic.code(), topic.out() + topic.err());
        String[] produceArgs = CliTest.line("produce", src, bootstrap(), List.of("--source-name", "old"));
        CdcProcess produce = CdcProcess.start("produce-legacy", produceArgs);
        try (CdcProcess consume = CdcProcess.start("consume-reports", CliTest.line("consume", target(), bootstrap(),
                List.of("--group", group())))) {
            for (int i = 3; i < 300; i++) {
                try (Handle h = legacy.open("cdc-test")) {
                    h.execute("INSERT INTO people (id, name, born, score, seen, flag, note, raw, big) VALUES (?, ?, "
                            + "CURRENT_DATE, ? / 1000, NOW(6), ? % 2, 'n', UNHEX(HEX(?)), ?) ON DUPLICATE KEY UPDATE "
                            + "name = VALUES(name), score = VALUES(score)", i % 97, "p" + i, i, i, i, i * 1000L);
                    if (i % 11 == 0) {
                        h.execute("DELETE FROM people WHERE id = ?", i % 13);
                    }
                }
                if (i == 150) {
                    produce.kill9();
                    produce = CdcProcess.start("produce-legacy-2", produceArgs);
                }
            }
            CdcProcess p = produce;
            String cols = "id, name, CAST(born AS CHAR), CAST(score AS CHAR), DATE_FORMAT(seen, '%Y-%m-%d %H:%i:%s.%f'), "
                    + "flag, note, LOWER(HEX(raw)), CAST(big AS CHAR)";
            Await.until("the consolidated MariaDB table equal to the MariaDB source", 90_000, () -> {
                assertTrue(p.alive() && consume.alive(), p.output() + consume.output());
                return rows(legacy, "SELECT " + cols + " FROM legacy.people ORDER BY id")
                        .equals(rows(warehouse, "SELECT " + cols + " FROM reports.all_people WHERE source_name = 'old' ORDER BY id"));
            });
            assertTrue(rows(warehouse, "SELECT " + cols + " FROM reports.all_people").size() > 50);
            assertEquals(0, consume.terminate(), consume.output());
        } finally {
            produce.close();
        }
    }

    private static List<String> rows(Db db, String sql) {
        try (Handle h = db.open("cdc-test")) {
            return h.createQuery(sql).map((rs, ctx) -> {
                List<String> v = new ArrayList<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    v.add(rs.getString(i));
                }
                return String.join("|", v);
            }).list();
        }
    }

    /** mt.tags, sorted by Java (not by either engine's collation). */
    private static List<String> tags(Db db) {
        try (Handle h = db.open("cdc-test")) {
            return h.createQuery("SELECT name, n FROM mt.tags").map((rs, ctx) -> rs.getString(1) + "|" + rs.getInt(2)).list()
                    .stream().sorted().toList();
        }
    }

    /** The changes applied, as the MariaDB bookkeeping counts them. */
    private long applied() {
        try (Handle h = warehouse.open("cdc-test")) {
            return h.createQuery("SELECT COALESCE(SUM(applied), 0) FROM cdc.applied_offsets WHERE group_id = :g")
                    .bind("g", group()).mapTo(Long.class).one();
        }
    }

    private List<String> pgRows() {
        try (Handle h = servers.source.open("cdc-test")) {
            return rows(h, "SELECT id, name, price::text, ok::int, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), "
                    + "day::text, encode(raw, 'hex'), doc::text, array_to_json(tags)::text, u::text, qty, big::text, "
                    + "to_char('2000-01-01'::date + t, 'HH24:MI:SS.MS'), code FROM mt.items ORDER BY id");
        }
    }

    private static List<String> mariaRows() {
        try (Handle h = warehouse.open("cdc-test")) {
            return rows(h, "SELECT id, name, CAST(price AS CHAR), ok, DATE_FORMAT(at, '%Y-%m-%d %H:%i:%s.%f'), CAST(day AS CHAR), "
                    + "LOWER(HEX(raw)), doc, tags, u, qty, CAST(big AS CHAR), DATE_FORMAT(t, '%H:%i:%s.%f'), code "
                    + "FROM mt.items ORDER BY id");
        }
    }

    /** Each row as text, JSON and numbers compared by value (jsonb's spacing, DECIMAL's zeros aside). */
    private static List<String> rows(Handle h, String sql) {
        return h.createQuery(sql).map((rs, ctx) -> {
            List<String> v = new ArrayList<>();
            for (int i = 1; i <= 14; i++) {
                String s = rs.getString(i);
                if (s != null && (i == 8 || i == 9)) {
                    try {
                        JsonNode j = Json.MAPPER.readTree(s);
                        s = j.toString();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                } else if (s != null && i == 12) {
                    s = new BigDecimal(s).stripTrailingZeros().toPlainString();
                } else if (s != null && i == 13) {
                    s = s.substring(0, Math.min(12, s.length()));
                }
                v.add(s);
            }
            return String.join("|", v);
        }).list();
    }

    /** Two writers, each {@code count} transactions of upserts and deletes on ids 3..300, one in ten rolled back. */
    private void write(int round, int count) {
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            int seed = round * 10 + w;
            writers.add(new Thread(() -> {
                Random rnd = new Random(seed);
                try (Connection c = servers.source.connect("writer")) {
                    c.setAutoCommit(false);
                    for (int i = 0; i < count; i++) {
                        int id = 3 + rnd.nextInt(298);
                        if (rnd.nextInt(5) == 0) {
                            exec(c, "DELETE FROM mt.items WHERE id = ?", id);
                        } else {
                            exec(c, "INSERT INTO mt.items (id, name, price, ok, at, day, raw, doc, tags, u, qty, big, t, code) "
                                    + "VALUES (?, ?, ?, ?, now(), current_date - ?, decode(?, 'hex'), CAST(? AS jsonb), "
                                    + "ARRAY[?, 'x'], gen_random_uuid(), ?, ?, localtime(3), ?) ON CONFLICT (id) DO UPDATE SET "
                                    + "name = EXCLUDED.name, price = EXCLUDED.price, ok = NOT mt.items.ok, doc = EXCLUDED.doc, "
                                    + "qty = mt.items.qty + 1", id, "w" + seed + "-" + i + " \u00e9", new BigDecimal(rnd.nextInt(100000)).movePointLeft(3),
                                    rnd.nextBoolean(), rnd.nextInt(3000), String.format("%04x", rnd.nextInt(65536)),
                                    "{\"n\": " + i + ", \"s\": \"\\u00e9\"}", "t" + i, rnd.nextInt(1000),
                                    new BigDecimal(rnd.nextLong()).movePointLeft(rnd.nextInt(20)), "c" + rnd.nextInt(999));
                        }
                        if (rnd.nextInt(10) == 0) {
                            c.rollback();
                        } else {
                            c.commit();
                        }
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        writers.forEach(Thread::start);
        for (Thread t : writers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void exec(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            s.executeUpdate();
        }
    }
}
