package dev.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cdc.db.Db;
import dev.cdc.demo.Workload;
import dev.cdc.kafka.Kafka;
import dev.cdc.kafka.Topics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

/**
 * Three source databases, each with its own {@code cdc produce --source-name}, feed one
 * consolidated target table: two of them share a topic, the third has its own. Equal ids from
 * different sources are different rows; a delete or a truncate on one source removes only that
 * source's rows; a producer on the shared topic killed (-9) and restarted republishes its last
 * events among the other source's, and they are recognized as applied (positions per source).
 */
class ConsolidateIT extends ServerTest {
    static final String INTO = "public.all_employees";
    static final List<String> SOURCES = List.of("east", "west", "north");

    final Map<String, Db> sources = new LinkedHashMap<>();

    /** A database of its own on the source server, named cdc_src_NAME, with nothing in it. */
    Db database(String name) {
        String db = "cdc_src_" + name;
        try (Handle h = servers.source.open("cdc-test")) {
            h.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
            h.execute("CREATE DATABASE " + db);
        }
        String url = servers.source.url().replaceFirst("/[^/?]+(\\?|$)", "/" + db + "$1");
        return new Db("source " + name, url, servers.source.user(), servers.source.password());
    }

    List<String> sourceArgs(Db db) {
        return List.of("--source", db.url(), "--source-user", db.user(), "--source-password", db.password());
    }

    String topicOf(String source) {
        return source.equals("north") ? kafka.topic() + "_north" : kafka.topic(); // east and west share one
    }

    @Test
    void three_sources_into_one_table() throws Exception {
        try (Handle t = servers.target.open("cdc-test")) {
            t.execute("DROP TABLE IF EXISTS " + INTO);
        }
        setUpThreeSources();
        List<String> broker = List.of("--bootstrap-servers", kafka.bootstrapServers(), "--progress-interval", "1");
        Map<String, CdcProcess> producers = new LinkedHashMap<>();
        List<Workload> writers = new ArrayList<>();
        CdcProcess consumer = null;
        try {
            for (String s : SOURCES) {
                producers.put(s, produce(s, broker));
            }
            // plain consume: setup recorded both topics as feeding the consolidated table
            consumer = CdcProcess.start("consume-consolidated", CliTest.line("consume", servers.targetArgs(), broker,
                    List.of("--group", "g-" + kafka.topic())));
            for (Db db : sources.values()) {
                writers.add(new Workload(db, 2, 1500).start());
            }
            CdcProcess first = consumer;
            Await.until("east publishing", 60_000, () -> published(sources.get("east")) > 3000);
            producers.get("east").kill9(); // its cursor not stored yet: it publishes its last events again
            producers.put("east", produce("east", broker));
            Await.until("the consumer applying", 60_000, () -> servers.applied("g-" + kafka.topic()) > 6000 || !first.alive());
            consumer.kill9();
            consumer = CdcProcess.start("consume-consolidated-2", CliTest.line("consume", servers.targetArgs(), broker,
                    List.of("--group", "g-" + kafka.topic(), "--consolidate-into", INTO)));
            Await.sleep(4000);
            for (Workload w : writers) {
                w.close();
            }
            CdcProcess c = consumer;
            Await.until("the consolidated table holding every source's rows", 90_000, () -> {
                assertTrue(c.alive(), c.output());
                return differences().isEmpty();
            });

            oneSourceDeletesAndAnotherTruncates(c);
            assertEquals(0, consumer.terminate(), consumer.output());
            for (CdcProcess p : producers.values()) {
                assertEquals(0, p.terminate(), p.output());
            }
        } finally {
            writers.forEach(w -> {
                try {
                    w.close();
                } catch (RuntimeException ignored) {
                    // reported by the test already
                }
            });
            producers.values().forEach(CdcProcess::close);
            if (consumer != null) {
                consumer.close();
            }
        }
    }

    /** Each source database set up with cdc setup --consolidate-into; east and west share a topic. */
    private void setUpThreeSources() throws Exception {
        for (String s : SOURCES) {
            sources.put(s, database(s));
            CliTest.Run setup = CliTest.run(CliTest.line("setup", sourceArgs(sources.get(s)), servers.targetArgs(),
                    List.of("--topic", topicOf(s), "--consolidate-into", INTO)));
            assertEquals(0, setup.code(), setup.out() + setup.err());
            assertTrue(setup.out().contains("feeds " + INTO + ", one row per source and key (source_name, emp_id"), setup.out());
        }
        Topics.create(kafka, 3, (short) 1);
        Topics.create(new Kafka(kafka.bootstrapServers(), topicOf("north"), Map.of()), 2, (short) 1);
    }

    /**
     * The ids overlap: the same emp_id exists in every source, as three rows. A delete on one
     * source removes only that source's row; a truncate only that source's rows.
     */
    private void oneSourceDeletesAndAnotherTruncates(CdcProcess c) {
        int shared;
        try (Handle t = servers.target.open("cdc-test")) {
            shared = t.createQuery("SELECT emp_id FROM " + INTO + " GROUP BY emp_id HAVING count(*) = 3 LIMIT 1")
                    .mapTo(Integer.class).one();
        }
        // a delete on one source removes only that source's row; a truncate only that source's rows
        try (Handle h = sources.get("west").open("cdc-test")) {
            h.execute("DELETE FROM employees WHERE emp_id = ?", shared);
        }
        try (Handle h = sources.get("north").open("cdc-test")) {
            h.execute("TRUNCATE employees");
            h.execute("INSERT INTO employees (first_name, last_name) VALUES ('after', 'truncate')");
        }
        Await.until("the delete and the truncate applied", 60_000, () -> {
            assertTrue(c.alive(), c.output());
            return differences().isEmpty();
        });
        try (Handle t = servers.target.open("cdc-test")) {
            assertEquals(List.of("east"), t.createQuery("SELECT source_name FROM " + INTO + " WHERE emp_id = :id ORDER BY 1")
                    .bind("id", shared).mapTo(String.class).list());
            assertEquals(1, t.createQuery("SELECT count(*) FROM " + INTO + " WHERE source_name = 'north'")
                    .mapTo(Integer.class).one());
            assertTrue(t.createQuery("SELECT count(*) FROM " + INTO + " WHERE source_name = 'east'")
                    .mapTo(Integer.class).one() > 100);
        }
    }

    static long published(Db source) {
        try (Handle h = source.open("cdc-test")) {
            return h.createQuery("SELECT published FROM cdc.capture").mapTo(Long.class).one();
        }
    }

    CdcProcess produce(String source, List<String> broker) throws Exception {
        return CdcProcess.start("produce-" + source, CliTest.line("produce", sourceArgs(sources.get(source)), broker,
                List.of("--source-name", source)));
    }

    /**
     * How the consolidated table differs from the sources, per source: the rows of each source
     * (as jsonb, so equal values compare equal) against the target's rows of that source name.
     */
    Map<String, String> differences() {
        Map<String, String> diff = new LinkedHashMap<>();
        for (var s : sources.entrySet()) {
            String want;
            try (Handle h = s.getValue().open("cdc-test")) {
                want = h.createQuery("SELECT coalesce(jsonb_agg(to_jsonb(e) ORDER BY emp_id), '[]')::text FROM employees e")
                        .mapTo(String.class).one();
            }
            String got;
            try (Handle t = servers.target.open("cdc-test")) {
                got = t.createQuery("SELECT coalesce(jsonb_agg(to_jsonb(e) - 'source_name' ORDER BY emp_id), '[]')::text FROM "
                        + INTO + " e WHERE source_name = :s").bind("s", s.getKey()).mapTo(String.class).one();
            }
            if (!want.equals(got)) {
                diff.put(s.getKey(), want.length() + " vs " + got.length() + " chars");
            }
        }
        return diff;
    }
}
