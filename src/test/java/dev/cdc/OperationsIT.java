package dev.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cdc.base.Failure;
import dev.cdc.base.Json;
import dev.cdc.db.Db;
import dev.cdc.demo.Workload;
import dev.cdc.kafka.Kafka;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What an operator does with a running sync: look at its status, run a standby producer that takes
 * over from a killed one, run several consumers in one group and kill one. Every process is a
 * {@code cdc} command in its own JVM, killed by PID.
 */
class OperationsIT extends ServerTest {
    String group;

    @BeforeEach
    void servers() throws Exception {
        group = group();
        demoSetUpByCommand();
    }

    List<String> broker() {
        return List.of("--bootstrap-servers", kafka.bootstrapServers());
    }

    String[] produce() {
        return CliTest.line("produce", servers.sourceArgs(), broker(), List.of("--progress-interval", "1"));
    }

    String[] consume() {
        return CliTest.line("consume", servers.targetArgs(), broker(), List.of("--group", group, "--progress-interval", "1"));
    }

    JsonNode status(int expectedCode, String... more) throws Exception {
        CliTest.Run s = CliTest.run(CliTest.line("status", servers.sourceArgs(), servers.targetArgs(), broker(),
                List.of("--group", group, "--json"), List.of(more)));
        assertEquals(expectedCode, s.code(), s.out() + s.err());
        return Json.MAPPER.readTree(s.out()).get("tables").get(0);
    }

    void insert(int rows) {
        try (Handle src = servers.source.open("test")) {
            src.execute("INSERT INTO employees (first_name, last_name, salary) SELECT 'n' || g, 'ops', g FROM generate_series(1, ?) g", rows);
        }
    }

    @Test
    void status_shows_backlog_producer_and_lag_and_says_what_it_cannot_reach() throws Exception {
        insert(300);
        JsonNode before = status(Failure.BEHIND, "--max-lag", "10");
        assertEquals(300, before.get("backlog").asLong());
        assertTrue(before.get("oldestUnpublishedSeconds").asDouble() >= 0);
        assertTrue(before.get("producer").isNull(), "no producer yet");
        int producePort = dev.cdc.embedded.Ports.free();
        int consumePort = dev.cdc.embedded.Ports.free();
        try (CdcProcess p = CdcProcess.start("produce-status", CliTest.line("produce", List.of(produce()).subList(1, produce().length),
                     List.of("--metrics-port", Integer.toString(producePort))));
             CdcProcess c = CdcProcess.start("consume-status", CliTest.line("consume", List.of(consume()).subList(1, consume().length),
                     List.of("--metrics-port", Integer.toString(consumePort))))) {
            Await.converged(servers.source, servers.target, 60_000, p::output);
            Await.until("status at zero lag", 30_000, () -> {
                try {
                    return status(0, "--max-lag", "0").get("topicLag").asLong() == 0;
                } catch (Throwable e) {
                    return false;
                }
            });
            JsonNode running = status(0, "--max-lag", "0");
            assertEquals(0, running.get("backlog").asLong());
            assertEquals(300, running.get("published").asLong());
            assertNotNull(running.get("producer").get("pid"), running.toString());
            assertEquals(3, running.get("partitions").size());
            long end = 0;
            for (JsonNode part : running.get("partitions")) {
                assertEquals(part.get("endOffset").asLong(), part.get("appliedOffset").asLong(), part.toString());
                end += part.get("endOffset").asLong();
            }
            assertEquals(300, end);
            String produced = metrics(producePort);
            assertTrue(produced.contains("cdc_published_events_total{table=\"public.employees\"} 300"), produced);
            assertTrue(produced.contains("# TYPE cdc_published_events_total counter"), produced);
            String consumed = metrics(consumePort);
            assertTrue(consumed.contains("cdc_applied_events_total{topic=\"" + kafka.topic() + "\"} 300"), consumed);
            assertTrue(consumed.contains("cdc_consumer_lag{partition=\"0\",topic=\"" + kafka.topic() + "\"} 0"), consumed);
            // histograms of the batches' durations and of the end-to-end latency, by the Prometheus client
            assertTrue(produced.contains("cdc_publish_batch_duration_seconds_bucket{table=\"public.employees\",le=\"0.001\"}"),
                    produced);
            assertTrue(consumed.contains("cdc_apply_batch_duration_seconds_count{topic=\"" + kafka.topic() + "\"}"), consumed);
            assertTrue(consumed.contains("cdc_end_to_end_latency_seconds_bucket{topic=\"" + kafka.topic() + "\",le=\"60.0\"}"),
                    consumed);
            CliTest.Run text = CliTest.run(CliTest.line("status", servers.sourceArgs(), servers.targetArgs(), broker(),
                    List.of("--group", group)));
            assertEquals(0, text.code(), text.err());
            assertTrue(text.out().contains("public.employees") && text.out().contains("consumer group " + group), text.out());
            assertEquals(0, c.terminate(), c.output());
            assertEquals(0, p.terminate(), p.output());
        }
        // the target unreachable: the source and Kafka are still reported, exit 4, no password shown
        CliTest.Run down = CliTest.run(CliTest.line("status", servers.sourceArgs(), List.of("--target",
                "jdbc:postgresql://127.0.0.1:1/nowhere?password=hunter2", "--target-password", "hunter2"), broker(),
                List.of("--group", group, "--json")));
        assertEquals(Failure.UNREACHABLE, down.code(), down.err());
        assertTrue(down.err().contains("target database"), down.err());
        assertTrue(!down.out().contains("hunter2") && !down.err().contains("hunter2"), down.out() + down.err());
        JsonNode partial = Json.MAPPER.readTree(down.out()).get("tables").get(0);
        assertEquals(0, partial.get("backlog").asLong());
        assertNull(partial.get("partitions").get(0).get("lag").numberValue(), "lag unknown without the target");
    }

    /**
     * Two producers: the second waits as a hot standby; the first is killed with SIGKILL in the
     * middle of a stream and the second takes over. Nothing is lost, nothing is applied twice.
     */
    @Test
    void a_standby_producer_takes_over_from_a_killed_one() throws Exception {
        List<CdcProcess> all = new ArrayList<>();
        try (CdcProcess consumer = CdcProcess.start("consume-standby", consume());
             Workload w = new Workload(servers.source, 4, 3000).start()) {
            all.add(consumer);
            CdcProcess first = CdcProcess.start("produce-first", produce());
            all.add(first);
            Await.until("the first producer publishing", 60_000, () -> servers.published() > 500 || !first.alive());
            CdcProcess standby = CdcProcess.start("produce-standby", produce());
            all.add(standby);
            Await.until("the second producer standing by", 60_000, () -> standby.output().contains("standing by"));
            long before = servers.published();
            Await.sleep(1000);
            assertTrue(first.alive(), first.output());
            first.kill9();
            Await.until("the standby taking over", 60_000, () -> standby.output().contains("took over"));
            Await.until("the standby publishing", 60_000, () -> servers.published() > before + 500);
            w.close();
            Await.converged(servers.source, servers.target, 60_000, standby::output);
            assertEquals(0, standby.terminate(), standby.output());
            assertEquals(0, consumer.terminate(), consumer.output());
        } finally {
            all.forEach(CdcProcess::close);
        }
        TopicContents topic = TopicContents.read(kafka);
        assertEquals(topic.distinctEvents(), servers.applied(group), "each change applied once; the topic had "
                + topic.records() + " records for " + topic.distinctEvents() + " changes");
    }

    /**
     * Two consumers in one group share the partitions; one is killed with SIGKILL mid-stream, a
     * third joins: every change is applied once, and the target ends equal to the source.
     */
    @Test
    void consumers_in_one_group_share_the_partitions_and_survive_a_kill() throws Exception {
        List<CdcProcess> all = new ArrayList<>();
        try (CdcProcess producer = CdcProcess.start("produce-group", produce());
             Workload w = new Workload(servers.source, 4, 3000).start()) {
            all.add(producer);
            CdcProcess a = CdcProcess.start("consume-a", consume());
            CdcProcess b = CdcProcess.start("consume-b", consume());
            all.add(a);
            all.add(b);
            Await.until("both consumers assigned", 60_000,
                    () -> a.output().contains("assigned partitions") && b.output().contains("assigned partitions"));
            long before = servers.applied(group);
            Await.until("applying", 60_000, () -> servers.applied(group) > before + 1000);
            a.kill9();
            CdcProcess c = CdcProcess.start("consume-c", consume());
            all.add(c);
            long after = servers.applied(group);
            Await.until("applying after the kill", 60_000, () -> servers.applied(group) > after + 1000);
            w.close();
            Await.converged(servers.source, servers.target, 90_000, () -> b.output() + c.output());
            assertEquals(0, b.terminate(), b.output());
            assertEquals(0, c.terminate(), c.output());
            assertEquals(0, producer.terminate(), producer.output());
        } finally {
            all.forEach(CdcProcess::close);
        }
        TopicContents topic = TopicContents.read(kafka);
        assertEquals(topic.records(), topic.distinctEvents(), "the producer was not killed: no duplicates on the topic");
        assertEquals(topic.distinctEvents(), servers.applied(group), "each change applied once across the group's changes");
    }

    /**
     * --kafka-config reaches a listener that requires TLS and SASL (SASL_SSL, a certificate the test
     * broker made for itself): produce, consume and status run through it. A wrong password, and
     * TLS without the trust store, are exit 4 with a clear reason; no password is ever printed.
     */
    @Test
    void kafka_config_reaches_a_broker_that_requires_tls_and_sasl() throws Exception {
        var broker = servers.kafka;
        java.nio.file.Path good = java.nio.file.Files.createTempFile("kafka", ".properties");
        java.nio.file.Path bad = java.nio.file.Files.createTempFile("kafka", ".properties");
        java.nio.file.Path untrusted = java.nio.file.Files.createTempFile("kafka", ".properties");
        java.nio.file.Files.writeString(good, broker.secureClientProperties(dev.cdc.embedded.LocalKafka.SASL_PASSWORD));
        java.nio.file.Files.writeString(bad, broker.secureClientProperties("wrong-pass-42"));
        java.nio.file.Files.writeString(untrusted, broker.secureClientProperties(dev.cdc.embedded.LocalKafka.SASL_PASSWORD)
                .replaceAll("(?m)^ssl\\.truststore.*$", ""));
        List<String> secure = List.of("--bootstrap-servers", broker.secureBootstrapServers(), "--kafka-config", good.toString());

        CliTest.Run refused = CliTest.run(CliTest.line("produce", servers.sourceArgs(),
                List.of("--bootstrap-servers", broker.secureBootstrapServers(), "--kafka-config", bad.toString())));
        assertEquals(Failure.UNREACHABLE, refused.code(), refused.out() + refused.err());
        assertTrue(refused.err().toLowerCase().contains("authentication"), refused.err());
        assertTrue(!(refused.out() + refused.err()).contains("wrong-pass-42"), refused.out() + refused.err());
        CliTest.Run noTrust = CliTest.run(CliTest.line("produce", servers.sourceArgs(),
                List.of("--bootstrap-servers", broker.secureBootstrapServers(), "--kafka-config", untrusted.toString())));
        assertEquals(Failure.UNREACHABLE, noTrust.code(), noTrust.out() + noTrust.err());
        assertTrue(noTrust.err().toLowerCase().contains("ssl") || noTrust.err().toLowerCase().contains("certificat"),
                noTrust.err());
        CliTest.Run plain = CliTest.run(CliTest.line("status", servers.sourceArgs(), servers.targetArgs(),
                List.of("--bootstrap-servers", broker.secureBootstrapServers())));
        assertEquals(Failure.UNREACHABLE, plain.code(), "no TLS or SASL settings: the listener refuses " + plain.out() + plain.err());

        insert(200);
        try (CdcProcess p = CdcProcess.start("produce-tls", CliTest.line("produce", servers.sourceArgs(), secure));
             CdcProcess c = CdcProcess.start("consume-tls", CliTest.line("consume", servers.targetArgs(), secure, List.of("--group", group)))) {
            Await.converged(servers.source, servers.target, 60_000, () -> p.output() + c.output());
            CliTest.Run status = CliTest.run(CliTest.line("status", servers.sourceArgs(), servers.targetArgs(), secure,
                    List.of("--group", group)));
            assertEquals(0, status.code(), status.out() + status.err());
            assertEquals(0, c.terminate(), c.output());
            assertEquals(0, p.terminate(), p.output());
            assertTrue(!p.output().contains(dev.cdc.embedded.LocalKafka.SASL_PASSWORD), p.output());
        }
    }

    /**
     * Each process runs as a role with only what setup granted: produce as cdc_producer, consume as
     * cdc_consumer, and the application writes as app_writer, which has rights on the table and none
     * on the changelog (the triggers run as their owner). A role without the grants is told exactly
     * what it lacks and which setup option grants it (exit 3), and cannot forge a change.
     */
    @Test
    void least_privilege_roles_run_the_pipeline() throws Exception {
        roles(servers.source, "cdc_producer", "app_writer", "cdc_nobody");
        roles(servers.target, "cdc_consumer", "cdc_nobody");
        try (Handle h = servers.source.open("test")) {
            h.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON employees TO app_writer");
            h.execute("GRANT USAGE ON SEQUENCE employees_emp_id_seq TO app_writer");
        }
        CliTest.Run setup = CliTest.run(CliTest.line("setup", servers.sourceArgs(), servers.targetArgs(),
                List.of("--topic", kafka.topic(), "--producer-role", "cdc_producer", "--consumer-role", "cdc_consumer")));
        assertEquals(0, setup.code(), setup.err());
        assertTrue(setup.out().contains("role cdc_producer may produce"), setup.out());

        CliTest.Run denied = CliTest.run(as(produce(), "--source-user", "cdc_nobody"));
        assertEquals(Failure.PRECONDITION, denied.code(), denied.err());
        assertTrue(denied.err().contains("cdc_nobody") && denied.err().contains("--producer-role"), denied.err());
        CliTest.Run deniedConsume = CliTest.run(as(consume(), "--target-user", "cdc_nobody"));
        assertEquals(Failure.PRECONDITION, deniedConsume.code(), deniedConsume.err());
        assertTrue(deniedConsume.err().contains("--consumer-role"), deniedConsume.err());

        Db writer = new Db("source", servers.source.url(), "app_writer", "any");
        try (Handle w = writer.open("app")) {
            w.execute("INSERT INTO employees (first_name, last_name, salary) SELECT 'p' || g, 'priv', g FROM generate_series(1, 200) g");
            w.execute("UPDATE employees SET city = 'Oslo' WHERE emp_id % 3 = 0");
            w.execute("DELETE FROM employees WHERE emp_id % 10 = 0");
            var forged = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () ->
                    w.execute("INSERT INTO emp_cdc (op, n, data) VALUES ('I', 1, '[{\"emp_id\": 99999}]')"));
            assertEquals(Db.INSUFFICIENT_PRIVILEGE, Db.sqlState(forged));
        }
        try (CdcProcess p = CdcProcess.start("produce-least", as(produce(), "--source-user", "cdc_producer"));
             CdcProcess c = CdcProcess.start("consume-least", as(consume(), "--target-user", "cdc_consumer"))) {
            Await.converged(servers.source, servers.target, 60_000, () -> p.output() + c.output());
            CliTest.Run st = CliTest.run(CliTest.line("status", List.of("--source", servers.source.url(), "--source-user",
                    "cdc_producer", "--target", servers.target.url(), "--target-user", "cdc_consumer"), broker(),
                    List.of("--group", group, "--json")));
            assertEquals(0, st.code(), st.out() + st.err());
            assertEquals(0, c.terminate(), c.output());
            assertEquals(0, p.terminate(), p.output());
            assertTrue(!p.output().contains("WARN"), p.output());
        }
    }

    /**
     * PostgreSQL TLS through JDBC URL parameters: a source server that accepts TLS, reached with
     * sslmode=verify-full and its certificate as sslrootcert; produce's session is encrypted (as
     * pg_stat_ssl shows) and the target converges. A certificate that does not match, and TLS asked of
     * a server without it, are exit 4.
     */
    @Test
    void postgres_tls_through_jdbc_url_parameters() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("cdc-tls-pg");
        try (var pg = dev.cdc.embedded.LocalPostgres.startWithTls("tls source", dir, dev.cdc.embedded.Ports.free())) {
            Db plain = pg.db("source");
            String url = plain.url() + "?sslmode=verify-full&sslrootcert=" + pg.certificates().certificatePem();
            List<String> source = List.of("--source", url, "--source-user", plain.user(), "--source-password", plain.password());
            CliTest.Run setup = CliTest.run(CliTest.line("setup", source, servers.targetArgs(), List.of("--topic", kafka.topic())));
            assertEquals(0, setup.code(), setup.err());
            try (Handle h = plain.open("test")) {
                h.execute("INSERT INTO employees (first_name, last_name, salary) SELECT 't' || g, 'tls', g FROM generate_series(1, 100) g");
            }
            String wrongCert = plain.url() + "?sslmode=verify-full&sslrootcert=" + servers.kafka.truststore().resolveSibling("server.crt");
            CliTest.Run untrusted = CliTest.run(CliTest.line("produce", List.of("--source", wrongCert, "--source-user", plain.user()), broker()));
            assertEquals(Failure.UNREACHABLE, untrusted.code(), untrusted.out() + untrusted.err());
            assertTrue(untrusted.err().contains("Signature does not match"), "the certificate check refused it: " + untrusted.err());
            CliTest.Run noTls = CliTest.run(CliTest.line("status", List.of("--source", servers.source.url() + "?sslmode=require",
                    "--source-user", servers.source.user()), servers.targetArgs(), broker()));
            assertEquals(Failure.UNREACHABLE, noTls.code(), noTls.out() + noTls.err());
            assertTrue(noTls.err().contains("SSL"), noTls.err());

            try (CdcProcess p = CdcProcess.start("produce-pg-tls", CliTest.line("produce", source, broker()));
                 CdcProcess c = CdcProcess.start("consume-pg-tls", consume())) {
                Await.converged(plain, servers.target, 60_000, () -> p.output() + c.output());
                try (Handle h = plain.open("test")) {
                    assertEquals(List.of(true), h.createQuery("SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a "
                            + "USING (pid) WHERE a.application_name = 'cdc-produce'").mapTo(Boolean.class).list());
                }
                assertEquals(0, c.terminate(), c.output());
                assertEquals(0, p.terminate(), p.output());
            }
        }
    }

    static void roles(Db db, String... names) {
        try (Handle h = db.open("test")) {
            for (String n : names) {
                h.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + n + "') THEN "
                        + "CREATE ROLE " + n + " LOGIN; END IF; END $$");
            }
        }
    }

    /** A command line with one option's value replaced. */
    static String[] as(String[] args, String option, String value) {
        String[] a = args.clone();
        for (int i = 0; i < a.length - 1; i++) {
            if (a[i].equals(option)) {
                a[i + 1] = value;
            }
        }
        return a;
    }

    static String metrics(int port) throws Exception {
        var client = java.net.http.HttpClient.newHttpClient();
        var response = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/metrics"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        return response.body();
    }
}
