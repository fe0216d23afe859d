package dev.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cdc.base.Failure;
import dev.cdc.base.Json;
import dev.cdc.consume.EventConsumer;
import dev.cdc.event.ChangeEvent;
import dev.cdc.event.Position;
import dev.cdc.event.Source;
import dev.cdc.kafka.Kafka;
import dev.cdc.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a user sees when something is missing or wrong: one line, a documented exit code. */
@org.junit.jupiter.api.Timeout(120) // consume runs until stopped: a broken check would hang, not pass
class BadInputIT extends ServerTest {

    @BeforeEach
    void servers() throws Exception {
    }

    boolean embedded() {
        return !servers.docker;
    }

    List<String> source() {
        return servers.sourceArgs();
    }

    List<String> target() {
        return servers.targetArgs();
    }

    List<String> broker() {
        return List.of("--bootstrap-servers", kafka.bootstrapServers(), "--topic", kafka.topic());
    }

    static void assertOneLine(CliTest.Run r) {
        assertEquals(1, r.err().strip().lines().count(), "one line, no stack trace: " + r.err());
    }

    @Test
    void produce_and_consume_before_setup_say_to_run_setup() {
        CliTest.Run p = cdc("produce", source(), broker());
        assertEquals(Failure.PRECONDITION, p.code(), p.err());
        assertTrue(p.err().contains("not installed") && p.err().contains("cdc setup"), p.err());
        assertOneLine(p);
        CliTest.Run c = cdc("consume", target(), broker());
        assertEquals(Failure.PRECONDITION, c.code(), c.err());
        assertTrue(c.err().contains("cdc setup"), c.err());
        assertOneLine(c);
    }

    @Test
    void setup_twice_is_harmless_and_says_so() {
        CliTest.Run first = cdc("setup", source(), target());
        assertEquals(0, first.code(), first.err());
        assertTrue(first.out().contains("table public.employees created"), first.out());
        CliTest.Run second = cdc("setup", source(), target());
        assertEquals(0, second.code(), second.err());
        assertTrue(second.out().contains("already exists, kept"), second.out());
        assertTrue(second.out().contains("already installed"), second.out());
    }

    @Test
    void a_missing_topic_and_a_topic_of_another_shape_are_clear_errors() {
        assertEquals(0, cdc("setup", source(), target()).code());
        CliTest.Run p = cdc("produce", source(), broker());
        assertEquals(Failure.PRECONDITION, p.code(), p.err());
        assertTrue(p.err().contains("topic '" + kafka.topic() + "' does not exist") && p.err().contains("cdc topic"), p.err());
        assertOneLine(p);

        CliTest.Run created = cdc("topic", broker());
        assertEquals(0, created.code(), created.err());
        assertTrue(created.out().contains("created with 3 partitions"), created.out());
        CliTest.Run again = cdc("topic", broker());
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("already exists"), again.out());
        CliTest.Run other = cdc("topic", broker(), List.of("--partitions", "6"));
        assertEquals(Failure.PRECONDITION, other.code(), other.err());
        assertTrue(other.err().contains("already exists with 3 partitions"), other.err());
        CliTest.Run deleted = cdc("topic", broker(), List.of("--delete"));
        assertEquals(0, deleted.code(), deleted.err());
    }

    /** The embedded server trusts everyone; a role that must give its password is added for this test. */
    @Test
    void a_wrong_password_is_exit_4_and_never_printed() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(embedded(), "edits the embedded server's pg_hba.conf");
        try (Handle h = servers.source.open("test")) {
            h.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'careful') THEN "
                    + "CREATE ROLE careful LOGIN PASSWORD 'right-one'; END IF; END $$");
            String hba = h.createQuery("SHOW hba_file").mapTo(String.class).one();
            java.nio.file.Path file = java.nio.file.Path.of(hba);
            String rules = java.nio.file.Files.readString(file);
            if (!rules.startsWith("host all careful")) {
                java.nio.file.Files.writeString(file, "host all careful 127.0.0.1/32 scram-sha-256\n" + rules);
                h.createQuery("SELECT pg_reload_conf()").mapTo(Boolean.class).one();
            }
        }
        CliTest.Run r = cdc("setup", List.of("--source", servers.source.url(), "--source-user", "careful",
                "--source-password", "wrong-one"), target());
        assertEquals(Failure.UNREACHABLE, r.code(), r.err());
        assertTrue(r.err().contains("cannot log in to the source database") && r.err().contains("'careful'"), r.err());
        assertFalse(r.err().contains("wrong-one") || r.out().contains("wrong-one"), r.err());
        assertOneLine(r);
    }

    @Test
    void an_unreachable_broker_is_exit_4() {
        assertEquals(0, cdc("setup", source(), target()).code());
        CliTest.Run p = cdc("produce", source(), List.of("--bootstrap-servers", "127.0.0.1:1"));
        assertEquals(Failure.UNREACHABLE, p.code(), p.err());
        assertTrue(p.err().contains("cannot reach Kafka at 127.0.0.1:1"), p.err());
        assertOneLine(p);
    }

    /** Events deleted from the topic before they were applied: a loud stop, never a silent skip. */
    @Test
    void events_lost_to_retention_stop_consume() throws Exception {
        assertEquals(0, cdc("setup", source(), target()).code());
        assertEquals(0, cdc("topic", broker(), List.of("--partitions", "1")).code());
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int id = 1; id <= 6; id++) {
                String v = ChangeEvent.encode('I', "public.employees", "{\"emp_id\": " + id + "}",
                        "{\"emp_id\": " + id + ", \"first_name\": \"A\", \"last_name\": \"B\"}", new Source(null, -1, new Position("e", 1, id, 0), "1", 0));
                p.send(new ProducerRecord<>(kafka.topic(), ("k" + id).getBytes(StandardCharsets.UTF_8),
                        v.getBytes(StandardCharsets.UTF_8))).get();
                if (id == 3) {
                    EventConsumer c = new EventConsumer(new EventConsumer.Config(servers.target, kafka, "ret-" + kafka.topic(), 0));
                    Thread t = new Thread(c);
                    t.start();
                    Await.until("3 events applied", 30_000, () -> c.applied() == 3);
                    c.stop();
                    t.join(20_000);
                }
            }
        }
        try (var admin = kafka.admin()) {
            admin.deleteRecords(java.util.Map.of(new org.apache.kafka.common.TopicPartition(kafka.topic(), 0),
                    org.apache.kafka.clients.admin.RecordsToDelete.beforeOffset(5))).all().get();
        }
        CliTest.Run r = cdc("consume", target(), broker(), List.of("--group", "ret-" + kafka.topic()));
        assertEquals(Failure.BAD_EVENT, r.code(), r.err());
        assertTrue(r.err().contains("deleted by the topic's retention"), r.err());
        try (Handle h = servers.target.open("test")) {
            assertEquals(3L, h.createQuery("SELECT count(*) FROM employees").mapTo(Long.class).one(), "nothing after the gap applied");
        }
    }

    /** Sends the values to a topic of their own (one partition); returns the topic's options. */
    List<String> topicWith(String suffix, String... values) throws Exception {
        Kafka k = new Kafka(kafka.bootstrapServers(), kafka.topic() + suffix, kafka.overrides());
        Topics.create(k, 1, (short) 1);
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (String v : values) {
                p.send(new ProducerRecord<>(k.topic(), "k".getBytes(StandardCharsets.UTF_8), v.getBytes(StandardCharsets.UTF_8))).get();
            }
        }
        return List.of("--bootstrap-servers", kafka.bootstrapServers(), "--topic", k.topic(), "--group", "g-" + k.topic());
    }

    /**
     * Before: a schema event's type and generated expression were pasted into ALTER TABLE, and an
     * event's table name chose the table written: whoever could write to the topic ran SQL on the
     * target as the consumer. Crafted events: nothing runs, nothing else is written, consume stops
     * with the reason.
     */
    @Test
    void a_crafted_topic_runs_no_sql_and_writes_no_other_table() throws Exception {
        assertEquals(0, cdc("setup", source(), target()).code());
        try (Handle h = servers.target.open("test")) {
            h.execute("DROP TABLE IF EXISTS public.victim");
            h.execute("DROP SEQUENCE IF EXISTS public.probe");
            h.execute("CREATE TABLE public.victim (id int PRIMARY KEY, v text)");
            h.execute("INSERT INTO public.victim VALUES (1, 'kept')");
            h.execute("CREATE SEQUENCE public.probe");
        }
        String good = ChangeEvent.encode('I', "public.employees", "{\"emp_id\": 1}",
                "{\"emp_id\": 1, \"first_name\": \"A\", \"last_name\": \"B\"}", new Source(null, -1, new Position("e", 1, 1, 0), "1", 0));
        String elsewhere = ChangeEvent.encode('D', "public.victim", "{\"id\": 1}", "{\"id\": [1]}", new Source(null, -1, new Position("e", 1, 2, 0), "1", 0));
        CliTest.Run other = cdc("consume", target(), topicWith("_other", good, elsewhere));
        assertEquals(Failure.BAD_EVENT, other.code(), other.err());
        assertTrue(other.err().contains("names table public.victim, which topic") && other.err().contains("does not feed"), other.err());
        assertOneLine(other);

        String[] types = {"integer DEFAULT nextval('public.probe')", "text; DROP TABLE public.victim; --",
                "int) ; DROP TABLE public.victim; --", "nosuchtype"};
        for (int i = 0; i < types.length; i++) {
            String columns = "[{\"name\":\"evil\",\"type\":" + Json.MAPPER.writeValueAsString(types[i]) + ",\"notNull\":false}]";
            CliTest.Run typed = cdc("consume", target(), topicWith("_type" + i,
                    ChangeEvent.encodeSchema("public.employees", columns, new Source(null, -1, new Position("e", 1, 1, 0), "1", 0))));
            assertEquals(Failure.BAD_EVENT, typed.code(), typed.err());
            assertTrue(typed.err().contains("not a type the target knows"), typed.err());
            assertOneLine(typed);
        }
        String generated = "[{\"name\":\"evil\",\"type\":\"bigint\",\"notNull\":false,"
                + "\"generated\":\"GENERATED ALWAYS AS (emp_id * 2) STORED\"}]";
        CliTest.Run gen = cdc("consume", target(), topicWith("_generated",
                ChangeEvent.encodeSchema("public.employees", generated, new Source(null, -1, new Position("e", 1, 1, 0), "1", 0))));
        assertEquals(Failure.PRECONDITION, gen.code(), gen.err());
        assertTrue(gen.err().contains("--generated-expressions") && gen.err().contains("cdc setup --table public.employees"),
                gen.err());
        try (Handle h = servers.target.open("test")) {
            assertEquals(List.of("kept"), h.createQuery("SELECT v FROM public.victim").mapTo(String.class).list());
            assertFalse(servers.catalog().find(h, "public", "employees").orElseThrow().columns().contains("evil"), "no column added");
            assertEquals(Boolean.FALSE, h.createQuery("SELECT is_called FROM public.probe").mapTo(Boolean.class).one(),
                    "no expression from the topic ran");
            h.execute("DROP TABLE public.victim");
            h.execute("DROP SEQUENCE public.probe");
        }
    }

    /** A message that is not an event stops consume at its offset; the events before it are applied. */
    @Test
    void an_invalid_message_stops_consume_naming_topic_partition_and_offset() throws Exception {
        assertEquals(0, cdc("setup", source(), target()).code());
        assertEquals(0, cdc("topic", broker(), List.of("--partitions", "1")).code());
        String good1 = ChangeEvent.encode('I', "public.employees", "{\"emp_id\": 1}",
                "{\"emp_id\": 1, \"first_name\": \"A\", \"last_name\": \"B\", \"dob\": null, \"city\": null, \"salary\": 1}",
                new Source(null, -1, new Position("e", 1, 1, 0), "1", 0));
        String good2 = good1.replace("\"emp_id\": 1", "\"emp_id\": 2").replace("\"seq\":1", "\"seq\":3");
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (String v : new String[] {good1, "{\"op\":\"c\", this is not json", good2}) {
                p.send(new ProducerRecord<>(kafka.topic(), "k".getBytes(StandardCharsets.UTF_8),
                        v.getBytes(StandardCharsets.UTF_8))).get();
            }
        }
        CliTest.Run c = cdc("consume", target(), broker(), List.of("--group", "poison-" + kafka.topic()));
        assertEquals(Failure.BAD_EVENT, c.code(), c.err());
        assertTrue(c.err().contains("topic " + kafka.topic() + ", partition 0, offset 1"), c.err());
        assertOneLine(c);
        try (Handle h = servers.target.open("test")) {
            assertEquals(List.of(1), h.createQuery("SELECT emp_id FROM employees ORDER BY 1").mapTo(Integer.class).list(),
                    "the event before the invalid one is applied, the one after it is not");
        }
        CliTest.Run again = cdc("consume", target(), broker(), List.of("--group", "poison-" + kafka.topic()));
        assertEquals(Failure.BAD_EVENT, again.code(), "never skipped: a restart stops at the same offset");
        assertTrue(again.err().contains("offset 1"), again.err());
        assertFalse(again.err().contains("offset 0"), again.err());
    }

    /**
     * --on-error dlq: an invalid message and events the target rejects go to the dead-letter topic
     * with where they came from and why; the events around them are applied; a restart sends
     * nothing again.
     */
    @Test
    void with_on_error_dlq_rejected_events_go_to_the_dead_letter_topic_and_consume_goes_on() throws Exception {
        assertEquals(0, cdc("setup", source(), target()).code());
        assertEquals(0, cdc("topic", broker(), List.of("--partitions", "1")).code());
        String[] values = new String[6];
        for (int id = 1; id <= 6; id++) {
            values[id - 1] = ChangeEvent.encode('I', "public.employees", "{\"emp_id\": " + id + "}",
                    "{\"emp_id\": " + id + ", \"first_name\": \"A\", \"last_name\": \"B\", \"salary\": " + id + "}",
                    new Source(null, -1, new Position("e", 1, id, 0), "1", 0));
        }
        values[1] = "{\"op\":\"c\", this is not json";
        values[2] = values[2].replace("\"salary\": 3", "\"salary\": \"lots\"");
        values[4] = values[4].replace("\"salary\": 5", "\"salary\": 5, \"unknown\": 1");
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (String v : values) {
                p.send(new ProducerRecord<>(kafka.topic(), "k".getBytes(StandardCharsets.UTF_8), v.getBytes(StandardCharsets.UTF_8))).get();
            }
        }
        String[] consume = CliTest.line("consume", target(), broker(),
                List.of("--group", "dlq-" + kafka.topic(), "--on-error", "dlq"));
        try (CdcProcess c = CdcProcess.start("consume-dlq", consume)) {
            Await.until("the good events applied", 60_000, () -> employeeIds().equals(List.of(1, 4, 6)) || !c.alive());
            assertEquals(List.of(1, 4, 6), employeeIds(), c.output());
            assertEquals(0, c.terminate(), c.output());
        }
        List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> dead = readAll(kafka.topic() + ".dlq");
        assertEquals(3, dead.size());
        assertEquals(List.of("1", "2", "4"), dead.stream().map(r -> header(r, "cdc.offset")).toList());
        assertEquals(values[1], new String(dead.get(0).value(), StandardCharsets.UTF_8), "sent unchanged");
        assertTrue(header(dead.get(0), "cdc.error").contains("not JSON"), header(dead.get(0), "cdc.error"));
        assertTrue(header(dead.get(1), "cdc.error").contains("lots"), header(dead.get(1), "cdc.error"));
        assertTrue(header(dead.get(2), "cdc.error").contains("unknown"), header(dead.get(2), "cdc.error"));
        assertEquals(kafka.topic(), header(dead.get(0), "cdc.topic"));
        try (CdcProcess again = CdcProcess.start("consume-dlq-again", consume)) {
            Await.sleep(5000);
            assertTrue(again.alive(), again.output());
            assertEquals(0, again.terminate(), again.output());
        }
        assertEquals(3, readAll(kafka.topic() + ".dlq").size(), "nothing sent twice after a restart");
    }

    List<Integer> employeeIds() {
        try (Handle h = servers.target.open("test")) {
            return h.createQuery("SELECT emp_id FROM employees ORDER BY 1").mapTo(Integer.class).list();
        }
    }

    static String header(org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (var c = new org.apache.kafka.clients.consumer.KafkaConsumer<>(p,
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            var tp = new org.apache.kafka.common.TopicPartition(topic, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            long deadline = System.currentTimeMillis() + 30_000;
            while (c.position(tp) < end && System.currentTimeMillis() < deadline) {
                c.poll(java.time.Duration.ofMillis(500)).forEach(out::add);
            }
        }
        return out;
    }
}
