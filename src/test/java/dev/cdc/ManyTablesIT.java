package dev.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cdc.base.Failure;
import dev.cdc.db.Table;
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
    void schema() throws Exception {
        deleteTopics("many.");
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

    @Test
    void a_schema_is_captured_with_one_setup_one_topic_command_one_produce_and_one_consume() throws Exception {
        CliTest.Run setup = cdc("setup", servers.sourceArgs(), servers.targetArgs(),
                List.of("--schema", "many", "--exclude", "many.tmp_*"));
        assertEquals(0, setup.code(), setup.out() + setup.err());
        assertTrue(setup.out().contains("many.no_key not captured: it has no primary key"), setup.out());
        assertFalse(setup.out().contains("tmp_load"), "excluded: " + setup.out());
        assertEquals(TABLES, captured().size(), setup.out());

        CliTest.Run topics = cdc("topic", servers.sourceArgs(), bootstrap(), List.of("--partitions", "1"));
        assertEquals(0, topics.code(), topics.out() + topics.err());
        assertEquals(TABLES, topics.out().lines().filter(l -> l.contains("many.t")).count(), topics.out());
        CliTest.Run again = cdc("topic", servers.sourceArgs(), bootstrap(), List.of("--partitions", "1", "--table", "many.t0*"));
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
        assertEquals(0, cdc("topic", servers.sourceArgs(), bootstrap(), List.of("--partitions", "1", "--table", "many.t99")).code());

        stream();
        status();

        CliTest.Run down = cdc("teardown", servers.sourceArgs(), List.of("--table", "many.t1*"));
        assertEquals(0, down.code(), down.out() + down.err());
        assertEquals(10, down.out().lines().filter(l -> l.startsWith("capture of many.t1")).count(), down.out());
        assertEquals(TABLES + 1 - 10, captured().size());
    }

    /**
     * One produce and one consume for every captured table: writes to many of them at once reach the
     * target, through produce killed (-9) while a second one stands by, which takes every table over;
     * produce holds its one connection.
     */
    private void stream() throws Exception {
        List<String> produceArgs = List.of(CliTest.line("produce", servers.sourceArgs(), bootstrap()));
        CdcProcess produce = CdcProcess.start("produce-many", produceArgs.toArray(String[]::new));
        try (CdcProcess consume = CdcProcess.start("consume-many", CliTest.line("consume", servers.targetArgs(), bootstrap(),
                List.of("--group", group())))) {
            write(1, 400, "first");
            CdcProcess first = produce;
            Await.until("produce publishing", 60_000, () -> published() > 2000 || !first.alive());
            assertTrue(connections("cdc-produce") <= 1, "produce takes one connection by default: " + connections("cdc-produce"));
            CdcProcess standby = CdcProcess.start("produce-many-standby", produceArgs.toArray(String[]::new));
            Await.until("the second produce standing by for every table", 60_000,
                    () -> standby.output().split("standing by to take over", -1).length - 1 == TABLES + 1 || !standby.alive());
            produce.kill9();
            produce.close();
            produce = standby; // takes every table over, its locks tried in one statement a second
            write(401, 800, "after the kill");
            CdcProcess p = produce;
            for (String t : captured()) {
                Table table;
                try (Handle h = servers.source.open("cdc-test")) {
                    String[] n = Table.parseName(t);
                    table = servers.catalog().find(h, n[0], n[1]).orElseThrow();
                }
                servers.converged(table, "on the target", 60_000,
                        () -> assertTrue(p.alive() && consume.alive(), p.output() + consume.output()));
            }
            assertTrue(connections("cdc-produce") <= 1, "produce takes one connection");
            assertEquals(0, produce.terminate(), produce.output());
            assertEquals(0, consume.terminate(), consume.output());
        } finally {
            produce.close();
        }
    }

    /** Inserts rows {@code from..to} into every captured table, then updates and deletes some of them, each statement its own transaction. */
    private void write(int from, int to, String v) {
        try (Handle h = servers.source.open("cdc-test")) {
            for (String t : captured()) {
                h.execute("INSERT INTO " + t + " SELECT g, ? || g FROM generate_series(?, ?) g", v, from, to);
                h.execute("UPDATE " + t + " SET v = 'u' WHERE id % 3 = 0 AND id BETWEEN ? AND ?", from, to);
                h.execute("DELETE FROM " + t + " WHERE id % 5 = 0 AND id BETWEEN ? AND ?", from, to);
            }
        }
    }

    private long published() {
        try (Handle h = servers.source.open("cdc-test")) {
            return h.createQuery("SELECT coalesce(sum(published), 0) FROM cdc.capture").mapTo(Long.class).one();
        }
    }

    /** The sessions an application has open on the source. */
    private long connections(String application) {
        try (Handle h = servers.source.open("cdc-test")) {
            return h.createQuery("SELECT count(*) FROM pg_stat_activity WHERE application_name = :a")
                    .bind("a", application).mapTo(Long.class).one();
        }
    }

    /** Status stays readable for many tables: one summary line, then the furthest behind. */
    private void status() {
        CliTest.Run all = cdc("status", servers.sourceArgs(), servers.targetArgs(), bootstrap(), List.of("--group", group(), "--top", "5"));
        assertEquals(0, all.code(), all.out() + all.err());
        List<String> lines = all.out().lines().toList();
        assertTrue(lines.get(0).startsWith((TABLES + 1) + " tables: backlog 0 changes, 0 not yet applied in all (0 tables behind"),
                all.out());
        assertTrue(lines.contains("the 5 furthest behind:"), all.out());
        int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("TABLE")).findFirst().orElseThrow());
        assertEquals(5, lines.subList(header + 1, lines.size()).stream().takeWhile(l -> !l.isBlank()).count(), all.out());
        CliTest.Run json = cdc("status", servers.sourceArgs(), servers.targetArgs(), bootstrap(), List.of("--group", group(), "--json"));
        assertEquals(0, json.code(), json.err());
        assertEquals(TABLES + 1, json.out().split("\"changelog\"", -1).length - 1, "every table in --json");
    }

    /**
     * Two tables on one connection: while a backlog of 200,000 changes of one is published in small
     * pages, a change to the other reaches the target long before that backlog is through.
     */
    @Test
    void a_busy_table_does_not_hold_up_the_others_on_its_connection() throws Exception {
        CliTest.Run setup = cdc("setup", servers.sourceArgs(), servers.targetArgs(), List.of("--table", "many.t01,many.t02"));
        assertEquals(0, setup.code(), setup.out() + setup.err());
        assertEquals(0, cdc("topic", servers.sourceArgs(), bootstrap(), List.of("--partitions", "1")).code());
        try (Handle h = servers.source.open("cdc-test")) {
            h.execute("DO $$ BEGIN FOR i IN 0..1999 LOOP " // 2,000 statements of 100 rows: pages of 200 changes
                    + "INSERT INTO many.t01 SELECT g, 'busy' FROM generate_series(i * 100 + 1, i * 100 + 100) g; END LOOP; END $$");
        }
        try (CdcProcess produce = CdcProcess.start("produce-two", CliTest.line("produce", servers.sourceArgs(), bootstrap(),
                     List.of("--connections", "1", "--batch-size", "200")));
             CdcProcess consume = CdcProcess.start("consume-two", CliTest.line("consume", servers.targetArgs(), bootstrap(),
                     List.of("--group", group())))) {
            Await.until("the busy table publishing", 60_000, () -> publishedOf("t01") > 0 || !produce.alive());
            try (Handle h = servers.source.open("cdc-test")) {
                h.execute("INSERT INTO many.t02 VALUES (1, 'quiet')");
            }
            Await.until("the quiet table's change on the target", 60_000, () -> {
                assertTrue(produce.alive() && consume.alive(), produce.output() + consume.output());
                try (Handle h = servers.target.open("cdc-test")) {
                    return h.createQuery("SELECT count(*) FROM many.t02").mapTo(Long.class).one() == 1;
                }
            });
            long busy = publishedOf("t01");
            assertTrue(busy < 200_000, "the busy table's backlog was not through yet: " + busy + " published");
            assertEquals(0, produce.terminate(), produce.output());
            assertEquals(0, consume.terminate(), consume.output());
        }
    }

    /**
     * Changes whose wake-up was not sent (a busy producer's wake lock held: the triggers then send
     * none) are found by the sweep, which looks at the changelogs of 150 tables in parts: a table of
     * the first part and one of the last are both published.
     */
    @Test
    void changes_without_a_wake_up_are_found_by_the_sweep_in_every_part_of_it() throws Exception {
        deleteTopics("swept.");
        try (Handle h = servers.source.open("cdc-test"); Handle t = servers.target.open("cdc-test")) {
            h.execute("DROP SCHEMA IF EXISTS swept CASCADE");
            t.execute("DROP SCHEMA IF EXISTS swept CASCADE");
            h.execute("CREATE SCHEMA swept");
            h.execute("DO $$ BEGIN FOR i IN 1..150 LOOP "
                    + "EXECUTE format('CREATE TABLE swept.t%s (id int PRIMARY KEY)', lpad(i::text, 3, '0')); END LOOP; END $$");
        }
        CliTest.Run setup = cdc("setup", servers.sourceArgs(), servers.targetArgs(), List.of("--schema", "swept", "--topic", "swept.all"));
        assertEquals(0, setup.code(), setup.out() + setup.err());
        assertEquals(0, cdc("topic", servers.sourceArgs(), bootstrap(), List.of("--table", "swept.t001", "--partitions", "1")).code());
        try (CdcProcess produce = CdcProcess.start("produce-swept", CliTest.line("produce", servers.sourceArgs(), bootstrap(),
                     List.of("--table", "swept.*", "--poll-interval", "300")));
             CdcProcess consume = CdcProcess.start("consume-swept", CliTest.line("consume", servers.targetArgs(), bootstrap(),
                     List.of("--group", group())));
             Handle holder = servers.source.open("cdc-test")) {
            Await.until("produce publishing every table", 60_000,
                    () -> produce.output().contains("publishing swept.t150_cdc") || !produce.alive());
            Await.sleep(3_000); // past the first 2 s, in which a table just taken is looked at every 10 ms
            for (String t : List.of("t001", "t150")) { // their triggers find the wake lock taken: no NOTIFY
                holder.createQuery("SELECT pg_advisory_lock(" + 0x0cdd + ", lock_id) FROM cdc.capture "
                        + "WHERE table_schema = 'swept' AND table_name = :t").bind("t", t).mapToMap().list();
            }
            try (Handle w = servers.source.open("cdc-test")) {
                w.execute("INSERT INTO swept.t001 VALUES (1)");
                w.execute("INSERT INTO swept.t150 VALUES (150)");
            }
            Await.until("both changes on the target", 30_000, () -> {
                assertTrue(produce.alive() && consume.alive(), produce.output() + consume.output());
                try (Handle t = servers.target.open("cdc-test")) {
                    return t.createQuery("SELECT (SELECT count(*) FROM swept.t001) + (SELECT count(*) FROM swept.t150)")
                            .mapTo(Long.class).one() == 2;
                }
            });
            assertEquals(0, produce.terminate(), produce.output());
            assertEquals(0, consume.terminate(), consume.output());
        } finally { // 150 tables less for the tests after this one
            cdc("teardown", servers.sourceArgs(), List.of("--schema", "swept"));
            try (Handle h = servers.source.open("cdc-test"); Handle t = servers.target.open("cdc-test")) {
                h.execute("DROP SCHEMA IF EXISTS swept CASCADE");
                t.execute("DROP SCHEMA IF EXISTS swept CASCADE");
            }
        }
    }

    private long publishedOf(String table) {
        try (Handle h = servers.source.open("cdc-test")) {
            return h.createQuery("SELECT published FROM cdc.capture WHERE table_schema = 'many' AND table_name = :t")
                    .bind("t", table).mapTo(Long.class).one();
        }
    }

    /**
     * A table without a primary key: refused with the way out named, then captured by the unique,
     * NOT NULL columns given with --key; the target gets them as its primary key, changes (a key
     * change too) arrive, and setup run again by schema keeps the table keyed as it was.
     */
    @Test
    void a_table_without_a_primary_key_is_captured_by_the_unique_columns_named_with_key() throws Exception {
        try (Handle h = servers.source.open("cdc-test")) {
            h.execute("CREATE TABLE many.readings (station text NOT NULL, at int NOT NULL, value numeric, note text)");
            h.execute("INSERT INTO many.readings SELECT 'st' || (g % 7), g, g * 1.5, NULL FROM generate_series(1, 300) g");
        }
        CliTest.Run refused = cdc("setup", servers.sourceArgs(), servers.targetArgs(), List.of("--table", "many.readings"));
        assertEquals(Failure.PRECONDITION, refused.code(), refused.out() + refused.err());
        assertTrue(refused.err().contains("has no primary key") && refused.err().contains("--key"), refused.err());
        CliTest.Run notUnique = cdc("setup", servers.sourceArgs(), servers.targetArgs(),
                List.of("--table", "many.readings", "--key", "station,at"));
        assertEquals(Failure.PRECONDITION, notUnique.code(), notUnique.out() + notUnique.err());
        assertTrue(notUnique.err().contains("no unique index on (station, at)"), notUnique.err());
        CliTest.Run hasKey = cdc("setup", servers.sourceArgs(), servers.targetArgs(), List.of("--table", "many.t01", "--key", "v"));
        assertEquals(Failure.USAGE, hasKey.code(), hasKey.out() + hasKey.err());
        assertTrue(hasKey.err().contains("many.t01 has a primary key"), hasKey.err());
        CliTest.Run nullable = cdc("setup", servers.sourceArgs(), servers.targetArgs(),
                List.of("--table", "many.readings", "--key", "station,note"));
        assertEquals(Failure.PRECONDITION, nullable.code(), nullable.out() + nullable.err());
        assertTrue(nullable.err().contains("column note of many.readings") && nullable.err().contains("may be NULL"), nullable.err());

        try (Handle h = servers.source.open("cdc-test")) {
            h.execute("CREATE UNIQUE INDEX ON many.readings (station, at)");
        }
        CliTest.Run setup = cdc("setup", servers.sourceArgs(), servers.targetArgs(),
                List.of("--table", "many.readings", "--key", "at,station")); // kept in the unique index's order
        assertEquals(0, setup.code(), setup.out() + setup.err());
        try (Handle h = servers.source.open("cdc-test")) { // the same columns in the other order: the key keeps its order
            h.execute("CREATE UNIQUE INDEX readings_by_time ON many.readings (at, station)");
        }
        CliTest.Run again = cdc("setup", servers.sourceArgs(), servers.targetArgs(), List.of("--schema", "many"));
        assertEquals(0, again.code(), again.out() + again.err());
        assertFalse(again.out().contains("readings not captured"), "captured before, kept with its key: " + again.out());
        assertTrue(again.out().contains("many.no_key not captured: it has no primary key"), again.out());
        assertTrue(again.out().contains("--key"), "the way out is named: " + again.out());
        Table keyed;
        try (Handle src = servers.source.open("cdc-test"); Handle dst = servers.target.open("cdc-test")) {
            assertEquals(List.of("station", "at"), servers.catalog().find(dst, "many", "readings").orElseThrow().key(),
                    "the target's primary key");
            keyed = servers.catalog().find(src, "many", "readings").orElseThrow().keyedBy(List.of("station", "at"));
        }
        assertEquals(0, cdc("topic", servers.sourceArgs(), bootstrap(), List.of("--partitions", "1")).code());
        try (CdcProcess produce = CdcProcess.start("produce-keyless", CliTest.line("produce", servers.sourceArgs(), bootstrap()));
             CdcProcess consume = CdcProcess.start("consume-keyless", CliTest.line("consume", servers.targetArgs(), bootstrap(),
                     List.of("--group", group())))) {
            try (Handle h = servers.source.open("cdc-test")) {
                h.execute("INSERT INTO many.readings SELECT 'new', g, g, 'n' FROM generate_series(1, 50) g");
                h.execute("UPDATE many.readings SET value = -1, note = 'u' WHERE at % 3 = 0");
                h.execute("UPDATE many.readings SET station = 'moved' WHERE station = 'st1'"); // a key change
                h.execute("DELETE FROM many.readings WHERE at % 5 = 0");
            }
            servers.converged(keyed, "on the target", 60_000,
                    () -> assertTrue(produce.alive() && consume.alive(), produce.output() + consume.output()));
            assertEquals(0, produce.terminate(), produce.output());
            assertEquals(0, consume.terminate(), consume.output());
        }
        CliTest.Run other = cdc("setup", servers.sourceArgs(), servers.targetArgs(),
                List.of("--table", "many.readings", "--key", "station"));
        assertEquals(Failure.USAGE, other.code(), other.out() + other.err());
        assertTrue(other.err().contains("keyed by (station, at)"), other.err());
        try (Handle h = servers.source.open("cdc-test")) {
            h.execute("ALTER TABLE many.readings ADD COLUMN id serial PRIMARY KEY"); // its target is keyed by (station, at)
        }
        CliTest.Run added = cdc("setup", servers.sourceArgs(), servers.targetArgs(), List.of("--table", "many.readings"));
        assertEquals(Failure.PRECONDITION, added.code(), added.out() + added.err());
        assertTrue(added.err().contains("keyed by (station, at), and its primary key is now (id)"), added.err());
    }

    /**
     * A source whose every capture was removed (cdc.capture there, empty) takes a setup by schema
     * again, as a source that never had one does.
     */
    @Test
    void a_schema_is_captured_again_after_every_capture_was_removed() throws Exception {
        try (Handle h = servers.source.open("cdc-test")) {
            h.execute("DROP DATABASE IF EXISTS emptied");
            h.execute("CREATE DATABASE emptied");
        }
        String url = servers.source.url().replaceFirst("/[^/?]+(\\?|$)", "/emptied$1");
        List<String> emptied = List.of("--source", url, "--source-user", servers.source.user(), "--source-password",
                servers.source.password());
        try (Handle h = new dev.cdc.db.Db("source", url, servers.source.user(), servers.source.password()).open("cdc-test")) {
            h.execute("CREATE SCHEMA shop");
            h.execute("CREATE TABLE shop.orders (id int PRIMARY KEY)");
        }
        for (String command : List.of("setup", "teardown", "setup")) {
            CliTest.Run run = cdc(command, emptied, command.equals("setup") ? List.of("--schema", "shop", "--no-target")
                    : List.of("--schema", "shop"));
            assertEquals(0, run.code(), command + ": " + run.out() + run.err());
        }
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
