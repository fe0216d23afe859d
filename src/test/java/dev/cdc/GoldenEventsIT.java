package dev.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cdc.base.Json;
import dev.cdc.db.Sql;
import dev.cdc.db.Table;
import dev.cdc.source.Capture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden event cases, in the manner of Maxwell's: each file of {@code src/test/resources/golden/}
 * is SQL run on the source and the exact events it must put on the topic, run against the real
 * servers through a real producer (and a consumer, which must then leave the target equal to the
 * source). New behaviour is one new file.
 *
 * <p>A file: statements, each ending with {@code ;} at the end of a line, run one by one in one
 * session (so {@code SET} and {@code BEGIN}/{@code COMMIT} work). Everything before the line
 * {@code -- capture} prepares the schema {@code golden} (emptied before each file); at that line,
 * every table of it is captured (no snapshot). Lines starting {@code -> } are the events expected,
 * in source order, each without its {@code source} object (positions and times differ per run).
 * Other lines starting {@code --} are comments. Run with {@code -Dgolden.record=true} to write what
 * the topic holds into the files instead of comparing (then read the diff before committing it).
 */
class GoldenEventsIT extends ServerTest {
    private static final Path DIR = Path.of("src", "test", "resources", "golden");
    private static final String EXPECT = "-> ";

    static Stream<String> cases() throws Exception {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".sql")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void events(String file) throws Exception {
        Path path = DIR.resolve(file);
        List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        freshSchema("golden");
        try (Handle h = servers.target.open("cdc-test")) {
            h.execute(Sql.load("target/install.sql"));
        }
        List<String> events = new ArrayList<>();
        try (TablePipelines pipelines = new TablePipelines(servers, kafka); Handle src = servers.source.open("cdc-test")) {
            List<Table> tables = new ArrayList<>();
            for (String statement : statements(lines, "-- capture", true)) {
                src.execute(statement);
            }
            for (String name : src.createQuery("SELECT tablename FROM pg_tables WHERE schemaname = 'golden' ORDER BY 1")
                    .mapTo(String.class).list()) {
                tables.add(pipelines.capture("golden", name));
            }
            for (String statement : statements(lines, "-- capture", false)) {
                src.execute(statement);
                published(tables); // one statement's changes (or none, inside a transaction) per window: events in a fixed order
            }
            for (Table t : tables) {
                pipelines.converged(t, "at the end of " + file);
                events.addAll(read(pipelines.topicOf(t).topic()));
            }
        }
        List<String> expected = lines.stream().filter(l -> l.startsWith(EXPECT)).map(l -> l.substring(EXPECT.length())).toList();
        if (Boolean.getBoolean("golden.record")) {
            record(path, lines, events);
        } else {
            assertEquals(String.join("\n", expected), String.join("\n", events), file);
        }
    }

    /** Waits until every committed change of the tables is on their topics. */
    private void published(List<Table> tables) {
        try (Handle h = servers.source.open("cdc-test")) {
            for (Table t : tables) {
                Capture c = servers.captures().find(h, t.schema(), t.name()).orElseThrow();
                Await.until(t.display() + " published", 30_000, () -> servers.captures().backlog(h, c).events() == 0);
            }
        }
    }

    /** The statements before (or after) the marker line. */
    private static List<String> statements(List<String> lines, String marker, boolean before) {
        int at = lines.indexOf(marker);
        if (at < 0) {
            throw new IllegalStateException("no line '" + marker + "'");
        }
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String l : before ? lines.subList(0, at) : lines.subList(at + 1, lines.size())) {
            if (l.startsWith("--") || l.startsWith(EXPECT.strip()) || l.isBlank()) {
                continue;
            }
            current.append(current.length() == 0 ? "" : "\n").append(l);
            if (l.stripTrailing().endsWith(";")) {
                out.add(current.toString());
                current.setLength(0);
            }
        }
        if (current.length() > 0) {
            throw new IllegalStateException("a statement without its ';': " + current);
        }
        return out;
    }

    /**
     * The topic's events in source order (a truncate or a definition, sent to every partition,
     * once), each as compact JSON without its source object.
     */
    private List<String> read(String topic) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        List<JsonNode> all = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            var end = c.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    all.add(Json.MAPPER.readTree(r.value()));
                }
            }
        }
        all.sort(Comparator.<JsonNode>comparingLong(e -> e.at("/source/window").asLong())
                .thenComparingLong(e -> e.at("/source/seq").asLong()).thenComparingInt(e -> e.at("/source/index").asInt()));
        List<String> out = new ArrayList<>();
        Set<String> toEvery = new HashSet<>(); // positions of truncates and definitions already listed
        for (JsonNode e : all) {
            String op = e.path("op").asText();
            if ((op.equals("t") || op.equals("s")) && !toEvery.add(op + e.get("source").toString())) {
                continue;
            }
            ((ObjectNode) e).remove("source");
            out.add(Json.MAPPER.writeValueAsString(e));
        }
        return out;
    }

    /** The file with its expected events replaced by the ones seen. */
    private static void record(Path path, List<String> lines, List<String> events) throws Exception {
        List<String> out = new ArrayList<>(lines.stream().filter(l -> !l.startsWith(EXPECT)).toList());
        while (!out.isEmpty() && out.get(out.size() - 1).isBlank()) {
            out.remove(out.size() - 1);
        }
        out.add("");
        events.forEach(e -> out.add(EXPECT + e));
        Files.write(path, out, StandardCharsets.UTF_8);
    }
}
