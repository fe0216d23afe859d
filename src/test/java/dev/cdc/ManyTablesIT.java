package dev.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cdc.base.Failure;
import dev.cdc.db.Table;
import dev.cdc.ops.Compare;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Whole schemas (issue 18): tables selected by schema and pattern, those without a primary key
 * reported, tables added later picked up by running setup again, topics for every captured table
 * from one command, and teardown by pattern, all as a user types them.
 */
class ManyTablesIT extends ServerTest {
    private static final int TABLES = 24;

    @BeforeEach
    void schema() {
        for (String schema : List.of("many", "other")) {
            for (var db : List.of(servers.source, servers.target)) {
                try (Handle h = db.open("cdc-test")) {
                    h.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                }
            }
        }
        try (Handle h = servers.source.open("cdc-test")) {
            h.execute("CREATE SCHEMA many");
            for (int i = 1; i <= TABLES; i++) {
                h.execute(String.format("CREATE TABLE many.t%02d (id int PRIMARY KEY, v text)", i));
            }
            h.execute("CREATE TABLE many.no_key (at timestamptz, line text)");
            h.execute("CREATE TABLE many.tmp_load (id int PRIMARY KEY)");
        }
    }

    private CliTest.Run cdc(String command, List<String>... parts) {
        return CliTest.run(CliTest.line(command, parts));
    }

    private List<String> broker() {
        return List.of("--bootstrap-servers", kafka.bootstrapServers());
    }

    @Test
    void a_schema_is_captured_with_one_setup_one_topic_command_one_produce_and_one_consume() throws Exception {
        CliTest.Run setup = cdc("setup", servers.sourceArgs(), servers.targetArgs(),
                List.of("--schema", "many", "--exclude", "many.tmp_*"));
        assertEquals(0, setup.code(), setup.out() + setup.err());
        assertTrue(setup.out().contains("many.no_key not captured: it has no primary key"), setup.out());
        assertFalse(setup.out().contains("tmp_load"), "excluded: " + setup.out());
        assertEquals(TABLES, captured().size(), setup.out());

        CliTest.Run topics = cdc("topic", servers.sourceArgs(), broker(), List.of("--partitions", "1"));
        assertEquals(0, topics.code(), topics.out() + topics.err());
        assertEquals(TABLES, topics.out().lines().filter(l -> l.contains("many.t")).count(), topics.out());
        CliTest.Run again = cdc("topic", servers.sourceArgs(), broker(), List.of("--partitions", "1", "--table", "many.t0*"));
        assertEquals(0, again.code(), "existing topics of the same shape are fine: " + again.err());

        try (Handle h = servers.source.open("cdc-test")) {
            h.execute("CREATE TABLE many.t99 (id int PRIMARY KEY, v text)"); // added after the first setup
        }
        CliTest.Run rerun = cdc("setup", servers.sourceArgs(), servers.targetArgs(),
                List.of("--schema", "many", "--exclude", "many.tmp_*"));
        assertEquals(0, rerun.code(), rerun.out() + rerun.err());
        assertEquals(TABLES + 1, captured().size(), rerun.out());
        assertTrue(rerun.out().contains("snapshot of many.t99"), "the new table is copied, the others are not: " + rerun.out());
        assertEquals(1, rerun.out().lines().filter(l -> l.contains("snapshot of")).count(), rerun.out());
        assertEquals(0, cdc("topic", servers.sourceArgs(), broker(), List.of("--partitions", "1", "--table", "many.t99")).code());

        stream();
        status();

        CliTest.Run down = cdc("teardown", servers.sourceArgs(), List.of("--table", "many.t1*"));
        assertEquals(0, down.code(), down.out() + down.err());
        assertEquals(10, down.out().lines().filter(l -> l.startsWith("capture of many.t1")).count(), down.out());
        assertEquals(TABLES + 1 - 10, captured().size());
    }

    /** One produce and one consume for every captured table: writes to many of them reach the target. */
    private void stream() throws Exception {
        try (CdcProcess produce = CdcProcess.start("produce-many", CliTest.line("produce", servers.sourceArgs(), broker()));
             CdcProcess consume = CdcProcess.start("consume-many", CliTest.line("consume", servers.targetArgs(), broker(),
                     List.of("--group", group())))) {
            try (Handle h = servers.source.open("cdc-test")) {
                for (String t : captured()) {
                    h.execute("INSERT INTO " + t + " SELECT g, 'v' || g FROM generate_series(1, 20) g");
                    h.execute("UPDATE " + t + " SET v = 'u' WHERE id % 3 = 0");
                    h.execute("DELETE FROM " + t + " WHERE id % 5 = 0");
                }
            }
            for (String t : captured()) {
                Table table;
                try (Handle h = servers.source.open("cdc-test")) {
                    String[] n = Table.parseName(t);
                    table = servers.catalog().find(h, n[0], n[1]).orElseThrow();
                }
                Await.until(t + " on the target", 60_000, () -> {
                    assertTrue(produce.alive() && consume.alive(), produce.output() + consume.output());
                    try {
                        return Compare.of(servers.source, servers.target, table).identical();
                    } catch (RuntimeException e) {
                        return false;
                    }
                });
            }
            assertEquals(0, produce.terminate(), produce.output());
            assertEquals(0, consume.terminate(), consume.output());
        }
    }

    /** Status stays readable for many tables: one summary line, then the furthest behind. */
    private void status() {
        CliTest.Run all = cdc("status", servers.sourceArgs(), servers.targetArgs(), broker(), List.of("--group", group(), "--top", "5"));
        assertEquals(0, all.code(), all.out() + all.err());
        List<String> lines = all.out().lines().toList();
        assertTrue(lines.get(0).startsWith((TABLES + 1) + " tables: backlog 0 changes, 0 not yet applied in all (0 tables behind"),
                all.out());
        assertTrue(lines.contains("the 5 furthest behind:"), all.out());
        int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("TABLE")).findFirst().orElseThrow());
        assertEquals(5, lines.subList(header + 1, lines.size()).stream().takeWhile(l -> !l.isBlank()).count(), all.out());
        CliTest.Run json = cdc("status", servers.sourceArgs(), servers.targetArgs(), broker(), List.of("--group", group(), "--json"));
        assertEquals(0, json.code(), json.err());
        assertEquals(TABLES + 1, json.out().split("\"changelog\"", -1).length - 1, "every table in --json");
    }

    @Test
    void a_pattern_that_matches_nothing_is_an_error_naming_it() {
        CliTest.Run setup = cdc("setup", servers.sourceArgs(), servers.targetArgs(), List.of("--table", "nowhere.*"));
        assertEquals(Failure.USAGE, setup.code(), setup.out() + setup.err());
        assertTrue(setup.err().contains("nowhere.* matches no table"), setup.err());
        CliTest.Run schema = cdc("setup", servers.sourceArgs(), servers.targetArgs(), List.of("--schema", "other"));
        assertEquals(Failure.USAGE, schema.code(), schema.out() + schema.err());
        assertTrue(schema.err().contains("--schema other matches no table"), schema.err());
        CliTest.Run exclude = cdc("setup", servers.sourceArgs(), servers.targetArgs(), List.of("--exclude", "many.*"));
        assertEquals(Failure.USAGE, exclude.code(), exclude.out() + exclude.err());
        try (Handle h = servers.source.open("cdc-test")) {
            assertFalse(dev.cdc.db.Db.relationExists(h, "cdc.capture"), "nothing installed");
        }
    }

    /** The captured tables, "schema.table", in name order. */
    private List<String> captured() {
        try (Handle h = servers.source.open("cdc-test")) {
            if (!dev.cdc.db.Db.relationExists(h, "cdc.capture")) {
                return new ArrayList<>();
            }
            return h.createQuery("SELECT table_schema || '.' || table_name FROM cdc.capture ORDER BY 1").mapTo(String.class).list();
        }
    }
}
