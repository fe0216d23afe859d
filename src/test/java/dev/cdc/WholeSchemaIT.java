package dev.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A whole schema of 300 tables (issue 18) on servers whose max_connections is left at 100: one
 * setup, one topic command, one produce (on one connection) and one consume (at most 4), while
 * writers change many tables at once; produce and consume are each killed -9 mid-stream and started
 * again, and every table ends equal on the target.
 */
class WholeSchemaIT extends ServerTest {
    private static final int TABLES = 300;
    private static final int WRITERS = 4;

    @BeforeEach
    void schema() throws Exception {
        deleteTopics("wide.");
        for (var db : List.of(servers.source, servers.target)) {
            try (Handle h = db.open("cdc-test")) {
                h.execute("DROP SCHEMA IF EXISTS wide CASCADE");
            }
        }
        try (Handle h = servers.source.open("cdc-test")) {
            h.execute("CREATE SCHEMA wide");
            h.execute("DO $$ BEGIN FOR i IN 1.." + TABLES + " LOOP EXECUTE format("
                    + "'CREATE TABLE wide.t%s (id int PRIMARY KEY, v text, n bigint)', lpad(i::text, 3, '0')); END LOOP; END $$");
            h.execute("CREATE TABLE wide.audit_log (at timestamptz, line text)");
        }
    }

    @Test
    void three_hundred_tables_stay_equal_through_kills_of_produce_and_consume() throws Exception {
        CliTest.Run setup = cdc("setup", servers.sourceArgs(), servers.targetArgs(), List.of("--schema", "wide"));
        assertEquals(0, setup.code(), setup.out() + setup.err());
        assertTrue(setup.out().contains("wide.audit_log not captured: it has no primary key"), setup.out());
        assertTrue(setup.out().contains("note: 300 tables were given a topic each; with hundreds of tables one topic"), setup.out());
        CliTest.Run topics = cdc("topic", servers.sourceArgs(), bootstrap(), List.of("--partitions", "1"));
        assertEquals(0, topics.code(), topics.out() + topics.err());

        List<String> tables = java.util.stream.IntStream.rangeClosed(1, TABLES).mapToObj(i -> String.format("wide.t%03d", i)).toList();
        TableWriters writers = new TableWriters(servers.source, tables, WRITERS);
        String[] produceArgs = CliTest.line("produce", servers.sourceArgs(), bootstrap());
        String[] consumeArgs = CliTest.line("consume", servers.targetArgs(), bootstrap(), List.of("--group", group()));
        CdcProcess produce = CdcProcess.start("produce-wide", produceArgs);
        CdcProcess consume = CdcProcess.start("consume-wide", consumeArgs);
        try {
            writers.start();
            awaitApplied(2_000, produce, consume);
            assertTrue(sessions(servers.source, "cdc-produce") <= 1, "produce: one connection to the source by default");
            assertTrue(sessions(servers.target, "cdc-consume") <= 4, "consume: at most --connections 4 on the target");

            produce.kill9();
            Await.sleep(500); // writes pile up meanwhile
            produce.close();
            produce = CdcProcess.start("produce-wide-2", produceArgs);
            awaitApplied(servers.applied(group()) + 2_000, produce, consume);

            consume.kill9();
            consume.close();
            consume = CdcProcess.start("consume-wide-2", consumeArgs);
            awaitApplied(servers.applied(group()) + 2_000, produce, consume);
            writers.stop();

            converged(tables, produce, consume);
            assertTrue(writers.statements.get() > 1_000, "the writers wrote: " + writers.statements.get());
            assertTrue(sessions(servers.target, "cdc-consume") <= 4, "consume: at most 4 connections");
            assertEquals(0, produce.terminate(), produce.output());
            assertEquals(0, consume.terminate(), consume.output());
        } finally {
            writers.stop();
            produce.close();
            consume.close();
        }
    }

    /** Waits until the group applied this many events, failing at once if a process died. */
    private void awaitApplied(long events, CdcProcess produce, CdcProcess consume) {
        Await.until(events + " events applied", 120_000, () -> {
            assertTrue(produce.alive() && consume.alive(), produce.output() + consume.output());
            return servers.applied(group()) >= events;
        });
    }

    /** The sessions an application has open on a server. */
    private static long sessions(dev.cdc.db.Db db, String application) {
        try (Handle h = db.open("cdc-test")) {
            return h.createQuery("SELECT count(*) FROM pg_stat_activity WHERE application_name = :a")
                    .bind("a", application).mapTo(Long.class).one();
        }
    }
}
