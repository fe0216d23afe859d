package dev.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cdc.base.Failure;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

/**
 * Many tables sharing one topic (issue 18, {@code cdc setup --schema S --topic T}): the topic made
 * by {@code cdc topic}, one produce and one consume by command, writers on random tables; produce
 * killed -9 twice while publishing, so that it republishes pages of some tables among the events of
 * others, and consume killed -9 once. Every table ends equal, and each change was applied once
 * although the topic holds some twice (positions are kept per table, by its capture's epoch).
 */
class SharedTopicIT extends ServerTest {
    private static final int TABLES = 40;

    @Test
    void tables_sharing_a_topic_are_applied_once_each_through_kills() throws Exception {
        freshSchema("shared");
        try (Handle h = servers.source.open("cdc-test")) {
            h.execute("DO $$ BEGIN FOR i IN 1.." + TABLES + " LOOP EXECUTE format("
                    + "'CREATE TABLE shared.t%s (id int PRIMARY KEY, v text, n bigint)', lpad(i::text, 2, '0')); END LOOP; END $$");
        }
        String topic = kafka.topic();
        CliTest.Run setup = cdc("setup", servers.sourceArgs(), servers.targetArgs(), List.of("--schema", "shared", "--topic", topic));
        assertEquals(0, setup.code(), setup.out() + setup.err());
        CliTest.Run topics = cdc("topic", servers.sourceArgs(), bootstrap(), List.of("--partitions", "3"));
        assertEquals(0, topics.code(), topics.out() + topics.err());
        assertEquals(1, topics.out().lines().count(), "one topic for every table: " + topics.out());

        try (Handle h = servers.source.open("cdc-test")) {
            h.execute("CREATE TABLE shared.t99 (id int PRIMARY KEY, v text, n bigint)");
        }
        CliTest.Run again = cdc("setup", servers.sourceArgs(), servers.targetArgs(), List.of("--schema", "shared", "--topic", topic));
        assertEquals(0, again.code(), again.out() + again.err());
        assertTrue(again.out().contains("topic " + topic + " feeds shared.t99"), "the same command again: a new table joins the topic: " + again.out());
        CliTest.Run moved = cdc("setup", servers.sourceArgs(), servers.targetArgs(), List.of("--table", "shared.t01", "--topic", "other"));
        assertEquals(Failure.USAGE, moved.code(), moved.out());
        assertTrue(moved.err().contains("shared.t01 is captured already, into topic " + topic), moved.err());
        try (Handle h = servers.source.open("cdc-test")) {
            h.execute("CREATE TABLE shared.solo (id int PRIMARY KEY, v text, n bigint)");
        }
        CliTest.Run consolidated = cdc("setup", servers.sourceArgs(), servers.targetArgs(),
                List.of("--table", "shared.solo", "--topic", topic, "--consolidate-into", "shared.everything"));
        assertEquals(Failure.USAGE, consolidated.code(), consolidated.out());
        assertTrue(consolidated.err().contains("topic " + topic + " feeds shared."), consolidated.err());
        CliTest.Run capturedThenConsolidated = cdc("setup", servers.sourceArgs(), servers.targetArgs(),
                List.of("--table", "shared.t02", "--consolidate-into", "shared.everything"));
        assertEquals(Failure.USAGE, capturedThenConsolidated.code(), capturedThenConsolidated.out());
        assertTrue(capturedThenConsolidated.err().contains("topic " + topic + " feeds shared."), capturedThenConsolidated.err());
        try (Handle h = servers.target.open("cdc-test")) { // as an older setup could leave it
            h.execute("INSERT INTO cdc.subscriptions (topic, table_schema, table_name, consolidated) "
                    + "VALUES (?, 'shared', 'everything', true)", topic);
            CliTest.Run mixed = cdc("consume", servers.targetArgs(), bootstrap(), List.of("--group", group()));
            assertEquals(Failure.PRECONDITION, mixed.code(), mixed.out());
            assertTrue(mixed.err().contains("one of them consolidated"), mixed.err());
            h.execute("DELETE FROM cdc.subscriptions WHERE table_name = 'everything'");
        }

        List<String> written = new java.util.ArrayList<>(java.util.stream.IntStream.rangeClosed(1, TABLES)
                .mapToObj(i -> String.format("shared.t%02d", i)).toList());
        written.add("shared.t99");
        TableWriters writers = new TableWriters(servers.source, written, 2);
        String[] produceArgs = CliTest.line("produce", servers.sourceArgs(), bootstrap(), List.of("--table", "shared.t*"));
        String[] consumeArgs = CliTest.line("consume", servers.targetArgs(), bootstrap(), List.of("--group", group()));
        CdcProcess produce = CdcProcess.start("produce-shared", produceArgs);
        CdcProcess consume = CdcProcess.start("consume-shared", consumeArgs);
        try {
            writers.start();
            for (int kill = 0; kill < 2; kill++) {
                long before = publishedInAll();
                CdcProcess p = produce;
                Await.until("produce publishing", 60_000, () -> publishedInAll() > before + 1_500 || !p.alive());
                assertTrue(p.alive(), p.output());
                produce.kill9();
                produce.close();
                produce = CdcProcess.start("produce-shared-" + kill, produceArgs);
            }
            CdcProcess c = consume;
            Await.until("consume applying", 60_000, () -> servers.applied(group()) > 2_000 || !c.alive());
            consume.kill9();
            consume.close();
            consume = CdcProcess.start("consume-shared-2", consumeArgs);
            Await.sleep(1_000);
            writers.stop();

            converged(written, produce, consume);
            TopicContents onTopic = TopicContents.read(kafka);
            Await.until("every event applied", 30_000, () -> servers.applied(group()) >= onTopic.distinctEvents());
            assertEquals(onTopic.distinctEvents(), servers.applied(group()), "each change applied once; the topic had "
                    + onTopic.records() + " records for " + onTopic.distinctEvents() + " changes");
            assertEquals(0, produce.terminate(), produce.output());
            assertEquals(0, consume.terminate(), consume.output());
        } finally {
            writers.stop();
            produce.close();
            consume.close();
        }
    }

    @Test
    void bookkeeping_of_an_older_cdc_is_upgraded_by_setup() {
        freshSchema("shared");
        try (Handle h = servers.source.open("cdc-test")) {
            h.execute("CREATE TABLE shared.t01 (id int PRIMARY KEY, v text, n bigint)");
        }
        try (Handle h = servers.target.open("cdc-test")) { // as cdc made it before topics fed several tables
            h.execute("CREATE SCHEMA cdc");
            h.execute("CREATE TABLE cdc.applied_offsets (group_id text NOT NULL, topic text NOT NULL, partition integer NOT NULL,"
                    + " next_offset bigint NOT NULL DEFAULT -1, epoch text, window_id bigint, seq bigint,"
                    + " PRIMARY KEY (group_id, topic, partition))");
            h.execute("CREATE TABLE cdc.subscriptions (topic text PRIMARY KEY, table_schema text NOT NULL, table_name text NOT NULL)");
            h.execute("INSERT INTO cdc.subscriptions VALUES ('older.topic', 'public', 'older_table')");
            h.execute("DROP ROLE IF EXISTS cdc_older_consumer");
            h.execute("CREATE ROLE cdc_older_consumer");
            h.execute("GRANT SELECT, INSERT, UPDATE ON cdc.applied_offsets TO cdc_older_consumer");
        }
        CliTest.Run before = cdc("consume", servers.targetArgs(), bootstrap(), List.of("--group", group()));
        assertEquals(Failure.PRECONDITION, before.code(), before.out());
        assertTrue(before.err().contains("run cdc setup again to upgrade them"), before.err());

        CliTest.Run setup = cdc("setup", servers.sourceArgs(), servers.targetArgs(), List.of("--table", "shared.t01"));
        assertEquals(0, setup.code(), setup.out() + setup.err());
        try (Handle h = servers.target.open("cdc-test")) {
            assertEquals(List.of("table_name", "table_schema", "topic"), h.createQuery("SELECT a.attname FROM pg_constraint c "
                    + "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey) "
                    + "WHERE c.conrelid = 'cdc.subscriptions'::regclass AND c.contype = 'p' ORDER BY 1").mapTo(String.class).list());
            assertEquals(List.of("older.topic", "shared.t01"), h.createQuery("SELECT topic FROM cdc.subscriptions ORDER BY 1")
                    .mapTo(String.class).list(), "what was recorded is kept");
            assertTrue(h.createQuery("SELECT has_table_privilege('cdc_older_consumer', 'cdc.applied_positions', 'UPDATE')")
                    .mapTo(Boolean.class).one(), "a role that could store offsets may store positions");
            h.execute("DROP SCHEMA cdc CASCADE");
            h.execute("DROP ROLE cdc_older_consumer");
        }
    }

    /** Changes published since install, of every captured table. */
    private long publishedInAll() {
        try (Handle h = servers.source.open("test")) {
            return h.createQuery("SELECT coalesce(sum(published), 0) FROM cdc.capture").mapTo(Long.class).one();
        }
    }
}
