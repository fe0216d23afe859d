package dev.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cdc.base.Failure;
import dev.cdc.db.Db;
import dev.cdc.db.Sql;
import dev.cdc.db.Table;
import dev.cdc.postgres.TargetTable;
import dev.cdc.source.Capture;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Schemas as production databases have them (issue 16): names of any legal length, tables whose
 * producer locks used to collide, partitioned tables written through their partitions.
 */
class RealSchemasIT extends ServerTest {
    TablePipelines pipelines;

    @BeforeEach
    void servers() throws Exception {
        pipelines = new TablePipelines(servers, kafka);
        freshSchema("real");
        try (Handle h = servers.target.open("test")) {
            h.execute(Sql.load("target/install.sql"));
        }
    }

    @AfterEach
    void stop() throws Exception {
        pipelines.close();
    }

    private void source(String... statements) {
        try (Handle h = servers.source.open("test")) {
            for (String s : statements) {
                h.execute(s);
            }
        }
    }

    /**
     * Before: the NOTIFY channel of a 60-character table was 64 bytes or more and pg_notify made the
     * application's INSERT fail; two such tables sharing a prefix got one changelog.
     */
    @Test
    void long_table_names_never_fail_a_write_and_each_gets_names_of_its_own() {
        String a = "t_" + "x".repeat(55) + "_one";
        String b = "t_" + "x".repeat(55) + "_two";
        String c = "ü".repeat(31); // 62 bytes
        for (String t : List.of(a, b, c)) {
            source("CREATE TABLE real." + Sql.ident(t) + " (id int PRIMARY KEY, v text)");
        }
        List<Table> tables = List.of(pipelines.capture("real", a), pipelines.capture("real", b), pipelines.capture("real", c));
        for (Table t : tables) { // the producers are idle: the triggers notify
            source("INSERT INTO " + t.sqlName() + " SELECT g, 'v' || g FROM generate_series(1, 50) g",
                    "UPDATE " + t.sqlName() + " SET v = 'u' WHERE id % 3 = 0", "DELETE FROM " + t.sqlName() + " WHERE id % 7 = 0");
        }
        try (Handle h = servers.source.open("test")) {
            List<Capture> captures = tables.stream().map(t -> servers.captures().find(h, "real", t.name()).orElseThrow()).toList();
            assertEquals(3, captures.stream().map(Capture::changelogName).distinct().count(), "a changelog each");
            assertEquals(3, captures.stream().map(Capture::channel).distinct().count(), "a channel each");
            for (Capture cap : captures) {
                for (String name : List.of(cap.changelogName(), cap.retainedName(), cap.channel())) {
                    assertTrue(Sql.bytes(name) <= Sql.NAME_BYTES, name);
                }
                assertTrue(servers.catalog().find(h, "real", cap.retainedName()).isPresent(), cap.retainedName());
            }
            assertEquals(9L, h.createQuery("SELECT count(DISTINCT g.tgfoid) FROM pg_trigger g "
                    + "JOIN pg_class c ON c.oid = g.tgrelid WHERE g.tgname LIKE 'cdc_capture_%' "
                    + "AND c.relnamespace = 'real'::regnamespace").mapTo(Long.class).one(), "a write, a delete and a truncate function per table, none shared");
        }
        for (Table t : tables) {
            pipelines.converged(t, "after writes");
        }
    }

    /** Before: the producer lock was a 32-bit hash of the name: the second table's producer stood by forever. */
    @Test
    void tables_whose_name_hashes_collide_each_get_a_producer() {
        List<Integer> pair;
        try (Handle h = servers.source.open("test")) {
            pair = h.createQuery("SELECT min(i) AS a, max(i) AS b FROM (SELECT i, hashtext('real.c' || i) AS k "
                    + "FROM generate_series(1, 400000) i) s GROUP BY k HAVING count(*) > 1 LIMIT 1")
                    .map((rs, ctx) -> List.of(rs.getInt("a"), rs.getInt("b"))).one();
        }
        List<Table> tables = pair.stream().map(i -> {
            source("CREATE TABLE real.c" + i + " (id int PRIMARY KEY, v text)");
            return pipelines.capture("real", "c" + i);
        }).toList();
        for (Table t : tables) {
            source("INSERT INTO " + t.sqlName() + " SELECT g, 'v' FROM generate_series(1, 20) g");
        }
        for (Table t : tables) {
            pipelines.converged(t, "with a name whose hash is another captured table's");
        }
    }

    /**
     * Before: writes naming a partition fired no trigger of the partitioned table and were lost.
     * Writes through the table, a partition and a sub-partition, a row moved across partitions,
     * partitions created and attached later (the attached one's rows come along), TRUNCATE of a
     * partition and of two at once, then DETACH: its rows stay on the target, its later writes are
     * not the table's.
     */
    @Test
    void a_partitioned_table_is_captured_whichever_partition_a_statement_names() {
        source("CREATE TABLE real.meas (id int, d date, v text, PRIMARY KEY (id, d)) PARTITION BY RANGE (d)",
                "CREATE TABLE real.meas_2025 PARTITION OF real.meas FOR VALUES FROM ('2025-01-01') TO ('2026-01-01') PARTITION BY HASH (id)",
                "CREATE TABLE real.meas_2025_0 PARTITION OF real.meas_2025 FOR VALUES WITH (modulus 2, remainder 0)",
                "CREATE TABLE real.meas_2025_1 PARTITION OF real.meas_2025 FOR VALUES WITH (modulus 2, remainder 1)",
                "CREATE TABLE real.meas_2026 PARTITION OF real.meas FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
                "INSERT INTO real.meas SELECT g, '2025-02-01', 'before capture' FROM generate_series(1, 10) g");
        Table t = pipelines.capture("real", "meas");
        try (Handle h = servers.source.open("test")) {
            assertEquals(10, servers.captures().snapshot(h, servers.captures().find(h, "real", "meas").orElseThrow(), 0));
        }
        source("INSERT INTO real.meas SELECT g, '2026-03-01', 'parent' FROM generate_series(1, 10) g",
                "INSERT INTO real.meas_2025 SELECT g, '2025-04-01', 'mid' FROM generate_series(11, 20) g",
                "INSERT INTO real.meas_2025_0 SELECT g, '2025-05-01', 'leaf' FROM generate_series(100, 200) g "
                        + "WHERE satisfies_hash_partition('real.meas_2025'::regclass, 2, 0, g)",
                "UPDATE real.meas SET d = '2026-06-01' WHERE id = 1 AND d = '2025-02-01'",
                "UPDATE real.meas_2026 SET v = 'updated in a partition' WHERE id = 2",
                "DELETE FROM real.meas_2025_1 WHERE id IN (SELECT id FROM real.meas_2025_1 LIMIT 3)");
        pipelines.converged(t, "after writes naming the table, a partition and a sub-partition");
        source("CREATE TABLE real.meas_2027 PARTITION OF real.meas FOR VALUES FROM ('2027-01-01') TO ('2028-01-01')",
                "INSERT INTO real.meas_2027 SELECT g, '2027-01-05', 'new partition' FROM generate_series(1, 5) g",
                "CREATE TABLE real.meas_2028 (id int NOT NULL, d date NOT NULL, v text)",
                "INSERT INTO real.meas_2028 SELECT g, '2028-01-05', 'before attach' FROM generate_series(1, 5) g",
                "ALTER TABLE real.meas ATTACH PARTITION real.meas_2028 FOR VALUES FROM ('2028-01-01') TO ('2029-01-01')",
                "INSERT INTO real.meas_2028 VALUES (6, '2028-01-05', 'after attach')");
        pipelines.converged(t, "after a partition was created and one attached");
        source("BEGIN", "TRUNCATE real.meas_2025_0", "INSERT INTO real.meas_2025 VALUES (102, '2025-07-07', 'after truncate')", "COMMIT",
                "BEGIN", "TRUNCATE real.meas_2025_1, real.meas_2026", "INSERT INTO real.meas VALUES (5, '2026-07-07', 'after truncate')",
                "COMMIT");
        pipelines.converged(t, "after partitions were truncated");
        long detached;
        try (Handle h = servers.source.open("test")) {
            detached = h.createQuery("SELECT count(*) FROM real.meas_2027").mapTo(Long.class).one();
        }
        source("ALTER TABLE real.meas DETACH PARTITION real.meas_2027",
                "INSERT INTO real.meas_2027 VALUES (99, '2027-02-02', 'not the table''s')",
                "UPDATE real.meas_2027 SET v = 'not the table''s either'",
                "INSERT INTO real.meas VALUES (7, '2026-08-08', 'after detach')");
        try (Handle dst = servers.target.open("test"); Handle src = servers.source.open("test")) {
            Await.until("the write after the detach applied", 30_000,
                    () -> dst.createQuery("SELECT count(*) FROM real.meas WHERE v = 'after detach'").mapTo(Long.class).one() == 1);
            assertEquals(detached, dst.createQuery("SELECT count(*) FROM real.meas WHERE v = 'new partition'").mapTo(Long.class).one(),
                    "the detached partition's rows stay on the target, as they were");
            assertEquals(src.createQuery("SELECT count(*) FROM real.meas").mapTo(Long.class).one() + detached,
                    dst.createQuery("SELECT count(*) FROM real.meas").mapTo(Long.class).one());
            assertEquals(0L, src.createQuery("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'real.meas_2027'::regclass")
                    .mapTo(Long.class).one(), "the detached table lost the capture triggers");
        }
        try (Handle dst = servers.target.open("test")) {
            dst.execute("DELETE FROM real.meas WHERE d >= '2027-01-01' AND d < '2028-01-01'");
        }
        pipelines.converged(t, "but for the detached partition's rows");
        try (Handle src = servers.source.open("test")) {
            assertNotEquals(0L, src.createQuery("SELECT count(*) FROM real.meas").mapTo(Long.class).one());
        }
    }

    /** Before: a DEFERRABLE key was captured, and two transactions could write one key out of order. */
    /**
     * Before: the columns a primary key INCLUDEs (stored in its index, not part of the key) were read
     * as key columns: events were keyed by them too, an update of one was sent as a delete and an
     * insert, and the target's primary key took them in.
     */
    @Test
    void a_primary_key_with_included_columns_is_keyed_by_its_key_columns_only() {
        source("CREATE TABLE real.covered (id int, v text NOT NULL, PRIMARY KEY (id) INCLUDE (v))");
        Table t = pipelines.capture("real", "covered");
        assertEquals(List.of("id"), t.key());
        source("INSERT INTO real.covered SELECT g, 'v' || g FROM generate_series(1, 20) g",
                "UPDATE real.covered SET v = 'changed' WHERE id <= 5", "DELETE FROM real.covered WHERE id > 18");
        pipelines.converged(t, "after updates of the included column");
        try (Handle h = servers.target.open("test")) {
            assertEquals(List.of("id"), servers.catalog().find(h, "real", "covered").orElseThrow().key(), "the target's key");
        }
    }

    @Test
    void a_deferrable_key_is_refused_with_the_reason() {
        source("CREATE TABLE real.deferred (id int PRIMARY KEY DEFERRABLE INITIALLY DEFERRED, v text)");
        try (Handle h = servers.source.open("test")) {
            Failure f = org.junit.jupiter.api.Assertions.assertThrows(Failure.class,
                    () -> servers.captures().install(h, Capture.of(servers.catalog().find(h, "real", "deferred").orElseThrow())));
            assertEquals(Failure.PRECONDITION, f.exitCode());
            assertTrue(f.getMessage().contains("DEFERRABLE primary key (deferred_pkey)") && f.getMessage().contains("NOT DEFERRABLE"),
                    f.getMessage());
            assertTrue(servers.captures().find(h, "real", "deferred").isEmpty(), "nothing installed");
        }
    }

    /**
     * Before: a writer's extra_float_digits, IntervalStyle or DateStyle changed the row's text, and the
     * target read another value: floats rounded, "-1 2:00:00" (sql_standard: minus a day and two
     * hours) read as minus a day plus two hours, a daterange's dates read month first.
     */
    @Test
    void the_writers_session_settings_change_nothing_on_the_target() {
        source("CREATE TABLE real.settings (id int PRIMARY KEY, r real, d double precision, ra real[], i interval, "
                + "dr daterange, tr tstzrange, m money, ts timestamptz)");
        Table t = pipelines.capture("real", "settings");
        // (set inside the statement: the JDBC driver refuses a session whose DateStyle is not ISO, psql does not)
        String[] sessions = {"extra_float_digits = -3", "IntervalStyle = sql_standard", "DateStyle = 'SQL, DMY', TimeZone = 'Asia/Kathmandu'",
                "extra_float_digits = -15, IntervalStyle = iso_8601, DateStyle = German"};
        for (int w = 0; w < sessions.length; w++) {
            StringBuilder set = new StringBuilder();
            for (String s : sessions[w].split(", (?=[A-Za-z_]+ =)")) {
                String[] nv = s.split(" = ", 2);
                set.append("PERFORM set_config('").append(nv[0]).append("', ").append(Sql.literal(nv[1].replace("'", ""))).append(", true); ");
            }
            source("DO $$ BEGIN " + set + "INSERT INTO real.settings VALUES (" + w + ", 1.2345678, 3.141592653589793, "
                    + "'{0.1234567, 98765.43}', '-1 days -2 hours -3.5 seconds', daterange('2024-01-02', '2024-03-04'), "
                    + "tstzrange('2024-01-02 10:00+00', '2024-03-04 11:30+00'), 1234.5, '2024-05-06 07:08:09.123456+00'); "
                    + "UPDATE real.settings SET i = i + interval '1 year -2 months', r = r * 3 WHERE id = " + w + "; END $$");
        }
        pipelines.converged(t, "after writers with unusual session settings");
        try (Handle dst = servers.target.open("test")) {
            assertEquals(List.of("-1 days -02:00:03.5"), dst.createQuery("SELECT DISTINCT (i - interval '1 year -2 months')::text "
                    + "FROM real.settings").mapTo(String.class).list());
            assertEquals(List.of("[2024-01-02,2024-03-04)"), dst.createQuery("SELECT DISTINCT dr::text FROM real.settings")
                    .mapTo(String.class).list());
            assertEquals(List.of(true), dst.createQuery("SELECT DISTINCT d = 3.141592653589793 FROM real.settings")
                    .mapTo(Boolean.class).list(), "floats not rounded");
        }
    }

    /** Before: a bulk loader or replication worker (session_replication_role = replica) wrote past the triggers. */
    @Test
    void writers_with_session_replication_role_replica_are_captured() {
        source("CREATE TABLE real.loaded (id int PRIMARY KEY, v text)");
        Table t = pipelines.capture("real", "loaded");
        try (Handle h = servers.source.open("test")) {
            h.execute("SET session_replication_role = replica");
            h.execute("INSERT INTO real.loaded SELECT g, 'bulk' FROM generate_series(1, 500) g");
            h.execute("UPDATE real.loaded SET v = 'fixed' WHERE id % 5 = 0");
            h.execute("DELETE FROM real.loaded WHERE id % 7 = 0");
        }
        pipelines.converged(t, "after writes as a replica");
        try (Handle h = servers.source.open("test")) {
            h.execute("SET session_replication_role = replica");
            h.execute("TRUNCATE real.loaded");
            h.execute("INSERT INTO real.loaded VALUES (1, 'after truncate')");
        }
        pipelines.converged(t, "after a truncate as a replica");
    }

    /**
     * Before: a consumer that had read the target table's columns kept them: a column added on the
     * target by someone else (cdc setup run again, another consumer of the group) before the schema
     * event came made every event that has it rejected.
     */
    @Test
    void a_column_another_process_added_to_the_target_is_seen() {
        source("CREATE TABLE real.grows (id int PRIMARY KEY, v text)");
        Table t = pipelines.capture("real", "grows");
        source("INSERT INTO real.grows SELECT g, 'v' FROM generate_series(1, 30) g");
        pipelines.converged(t, "before the column");
        source("ALTER TABLE real.grows ADD COLUMN added text");
        try (Handle src = servers.source.open("test"); Handle dst = servers.target.open("test")) { // as cdc setup would
            TargetTable.addColumns(dst, servers.catalog().find(dst, "real", "grows").orElseThrow(),
                    servers.catalog().find(src, "real", "grows").orElseThrow().definition());
        }
        source("INSERT INTO real.grows SELECT g, 'v', 'new' FROM generate_series(31, 60) g", "UPDATE real.grows SET added = 'set'");
        try (Handle src = servers.source.open("test")) {
            pipelines.converged(servers.catalog().find(src, "real", "grows").orElseThrow(), "after a column the target got by another way");
        }
    }

    /** Before: a label added to an enum while produce ran was unknown on the target, and consume stopped. */
    @Test
    void a_new_enum_label_reaches_the_target_in_its_place() {
        source("CREATE TYPE \"real\".stage AS ENUM ('new', 'done')",
                "CREATE TABLE real.tasks (id int PRIMARY KEY, s \"real\".stage, ss \"real\".stage[])");
        Table t = pipelines.capture("real", "tasks");
        source("INSERT INTO real.tasks SELECT g, 'new', '{new,done}' FROM generate_series(1, 10) g");
        pipelines.converged(t, "before the label");
        source("ALTER TYPE \"real\".stage ADD VALUE 'started' BEFORE 'done'", "ALTER TYPE \"real\".stage ADD VALUE 'archived'");
        source("UPDATE real.tasks SET s = 'started' WHERE id <= 5", "UPDATE real.tasks SET ss = '{archived,started}' WHERE id = 6");
        pipelines.converged(t, "after labels were added");
        try (Handle dst = servers.target.open("test")) {
            assertEquals(List.of("new", "started", "done", "archived"), dst.createQuery(
                    "SELECT enumlabel FROM pg_enum WHERE enumtypid = '\"real\".stage'::regtype ORDER BY enumsortorder")
                    .mapTo(String.class).list(), "in the source's order");
        }
    }

    /**
     * Every cdc session asks the server for TCP keepalives (a producer whose network vanished without
     * a reset then loses its session, and its lock, in about 25 s, not two hours), and fixes the
     * settings values are read and written with, whatever the server's defaults.
     */
    @Test
    void every_session_asks_for_keepalives_and_fixes_the_value_settings() {
        for (Db db : new Db[] {servers.source, servers.target}) {
            try (Handle h = db.open("test")) {
                assertEquals(List.of("10", "5", "3", "postgres", "ISO, MDY", "C"), h.createQuery("SELECT unnest(ARRAY["
                        + "current_setting('tcp_keepalives_idle'), current_setting('tcp_keepalives_interval'), "
                        + "current_setting('tcp_keepalives_count'), current_setting('IntervalStyle'), "
                        + "current_setting('DateStyle'), current_setting('lc_monetary')])").mapTo(String.class).list());
            }
        }
    }
}
