package dev.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cdc.base.Failure;
import dev.cdc.base.Json;
import dev.cdc.kafka.Kafka;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * cdc consume --sink http against a real HTTP server started by the test (the JDK's), fed by a real
 * producer and broker: batches, ids, retries, a 400, an expiring OAuth2 token, flush commands.
 */
class HttpSinkIT extends ServerTest {
    HttpServer http;
    /** Every request to /events: its headers of interest and body. */
    final List<Request> requests = new CopyOnWriteArrayList<>();
    /** The answer to the n-th request (0-based) to /events, given its body. */
    volatile java.util.function.BiFunction<Integer, Request, Integer> answer = (n, r) -> 200;
    final AtomicInteger tokens = new AtomicInteger();
    final Set<String> validTokens = ConcurrentHashMap.newKeySet();
    volatile String tokenRequestAuth;

    record Request(String authorization, String source, String body) {
        List<JsonNode> events() {
            try {
                List<JsonNode> out = new ArrayList<>();
                Json.MAPPER.readTree(body).forEach(out::add);
                return out;
            } catch (IOException e) {
                throw new AssertionError("not a JSON array: " + body, e);
            }
        }
    }

    @BeforeEach
    void start() throws Exception {
        demoSetUp();
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/events", ex -> {
            Request r = new Request(ex.getRequestHeaders().getFirst("Authorization"),
                    ex.getRequestHeaders().getFirst("X-Source"), new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            int n = requests.size();
            requests.add(r);
            int status = answer.apply(n, r);
            if (r.authorization() != null && r.authorization().startsWith("Bearer tok-") && !validTokens.contains(r.authorization().substring(7))) {
                status = 401;
            }
            reply(ex, status, status == 200 ? "{\"ok\":true}" : "{\"error\":\"status " + status + "\"}");
        });
        http.createContext("/token", ex -> {
            tokenRequestAuth = ex.getRequestHeaders().getFirst("Authorization");
            String form = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (!form.contains("grant_type=client_credentials") || !form.contains("scope=events%3Awrite")) {
                reply(ex, 400, "{\"error\":\"invalid_request\"}");
                return;
            }
            String token = "tok-" + tokens.incrementAndGet();
            validTokens.add(token);
            reply(ex, 200, "{\"token_type\":\"Bearer\",\"expires_in\":3600,\"access_token\":\"" + token + "\"}");
        });
        http.start();
    }

    @AfterEach
    void stop() {
        http.stop(0);
    }

    static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    String url() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    void insert(int rows, String name) {
        try (Handle h = servers.source.open("test")) {
            h.execute("INSERT INTO employees (first_name, last_name, salary) SELECT ?, 'http', g FROM generate_series(1, ?) g", name, rows);
        }
    }

    CdcProcess produce() throws IOException {
        return CdcProcess.start("produce-http", CliTest.line("produce", servers.sourceArgs(),
                List.of("--bootstrap-servers", kafka.bootstrapServers(), "--topic", kafka.topic())));
    }

    String[] consume(String... more) {
        return CliTest.line("consume", List.of("--sink", "http", "--bootstrap-servers", kafka.bootstrapServers(),
                "--topic", kafka.topic(), "--group", "http-" + kafka.topic(), "--retry-backoff", "100ms",
                "--progress-interval", "1"), List.of(more));
    }

    /** The distinct event ids the endpoint accepted (2xx). */
    Set<String> delivered(Function<Request, Boolean> accepted) {
        return delivered(0, accepted);
    }

    /** The same, leaving out the first {@code skip} requests. */
    Set<String> delivered(int skip, Function<Request, Boolean> accepted) {
        Set<String> ids = ConcurrentHashMap.newKeySet();
        for (Request r : requests.subList(Math.min(skip, requests.size()), requests.size())) {
            if (accepted.apply(r)) {
                r.events().forEach(e -> ids.add(e.get("id").asText()));
            }
        }
        return ids;
    }

    @Test
    void batches_carry_ids_a_500_is_retried_and_offsets_are_committed_after_the_200() throws Exception {
        answer = (n, r) -> n == 0 ? 500 : 200;
        insert(1200, "a");
        try (CdcProcess p = produce();
             CdcProcess c = CdcProcess.start("consume-http", consume("--url", url() + "/events?key=k3y",
                     "--header", "X-Source: test", "--auth-header", "Bearer s3cret-value"))) {
            Await.until("1200 events delivered", 60_000, () -> delivered(1, r -> true).size() == 1200 || !c.alive());
            assertEquals(0, c.terminate(), c.output());
            assertEquals(0, p.terminate(), p.output());
            assertTrue(c.output().contains("HTTP 500") && c.output().contains("retrying"), c.output());
            assertFalse(c.output().contains("s3cret-value") || c.output().contains("k3y"), "no secret printed: " + c.output());
        }
        int before = requests.size();
        for (Request r : requests) {
            assertEquals("Bearer s3cret-value", r.authorization());
            assertEquals("test", r.source());
            List<JsonNode> events = r.events();
            assertTrue(events.size() <= 500, "batch of " + events.size());
            for (JsonNode e : events) {
                assertEquals("c", e.get("op").asText(), e.toString());
                assertTrue(e.get("id").asText().matches("[0-9a-f-]{36}-\\d+-\\d+-\\d+"), e.toString());
            }
        }
        // the first request failed and was sent again, identical; nothing else twice
        assertEquals(requests.get(0).body(), requests.get(1).body());
        int posted = requests.stream().skip(1).mapToInt(r -> r.events().size()).sum();
        assertEquals(1200, posted, "every event posted once after the retry");
        // a restart reads from the committed offsets: nothing is posted again
        insert(1, "after");
        try (CdcProcess p = produce(); CdcProcess c = CdcProcess.start("consume-http-again", consume("--url", url() + "/events"))) {
            Await.until("the new event delivered", 60_000, () -> requests.size() > before || !c.alive());
            Await.sleep(1000);
            assertEquals(before + 1, requests.size(), c.output());
            assertEquals(1, requests.get(before).events().size());
            assertEquals(0, c.terminate(), c.output());
            assertEquals(0, p.terminate(), p.output());
        }
    }

    @Test
    void a_400_stops_consume_or_goes_to_the_dead_letter_topic() throws Exception {
        answer = (n, r) -> r.body().contains("\"poison\"") ? 400 : 200;
        insert(50, "good");
        insert(1, "poison");
        insert(50, "good");
        try (CdcProcess p = produce()) {
            Await.until("published", 60_000, () -> servers.published() == 101);
            CdcProcess failing = CdcProcess.start("consume-http-400", consume("--url", url() + "/events"));
            assertEquals(Failure.BAD_EVENT, failing.await(60), failing.output());
            assertTrue(failing.output().contains("HTTP 400") && failing.output().contains("partition"), failing.output());
            CdcProcess dlq = CdcProcess.start("consume-http-dlq", consume("--url", url() + "/events", "--on-error", "dlq"));
            Await.until("100 good events delivered", 60_000, () -> delivered(r -> !r.body().contains("\"poison\"")).size() == 100 || !dlq.alive());
            assertEquals(0, dlq.terminate(), dlq.output());
            assertEquals(0, p.terminate(), p.output());
            assertTrue(dlq.output().contains("dead-letter"), dlq.output());
        }
        Kafka dead = new Kafka(kafka.bootstrapServers(), kafka.topic() + ".dlq", java.util.Map.of());
        TopicContents letters = TopicContents.read(dead);
        assertEquals(1, letters.records());
        assertTrue(letters.byPartition().values().iterator().next().get(0).after().contains("poison"));
    }

    @Test
    void oauth2_token_is_fetched_and_fetched_again_when_refused() throws Exception {
        insert(10, "first");
        String[] args = consume("--url", url() + "/events", "--oauth-token-url", url() + "/token",
                "--oauth-client-id", "cdc-client", "--oauth-client-secret", "very-secret", "--oauth-scope", "events:write");
        try (CdcProcess p = produce(); CdcProcess c = CdcProcess.start("consume-oauth", args)) {
            Await.until("10 delivered", 60_000, () -> delivered(r -> true).size() >= 10 || !c.alive());
            assertEquals(1, tokens.get());
            assertEquals("Basic " + Base64.getEncoder().encodeToString("cdc-client:very-secret".getBytes(StandardCharsets.UTF_8)),
                    tokenRequestAuth);
            validTokens.clear(); // the token expires (on the server's side, before its expires_in)
            insert(10, "second");
            Await.until("20 delivered with a new token", 60_000, () -> delivered(r -> "Bearer tok-2".equals(r.authorization())).size() == 10 || !c.alive());
            assertEquals(2, tokens.get());
            assertEquals(0, c.terminate(), c.output());
            assertEquals(0, p.terminate(), p.output());
            assertFalse(c.output().contains("very-secret"), c.output());
        }
    }

    /**
     * Flush thresholds and --on-flush with the database sink: batches of at most 100 events, each
     * followed by the command with the batch in its environment; the command failing once is retried.
     */
    @Test
    void flush_thresholds_and_on_flush_command() throws Exception {
        Path log = Files.createTempFile("flush", ".log");
        Path failedOnce = log.resolveSibling(log.getFileName() + ".failed");
        String command = "if [ ! -e " + failedOnce + " ]; then touch " + failedOnce + "; echo not yet; exit 3; fi; "
                + "echo \"$CDC_FLUSH_TOPIC $CDC_FLUSH_TABLES $CDC_FLUSH_COUNT $CDC_FLUSH_OFFSETS\" >> " + log;
        insert(250, "flush");
        try (CdcProcess p = produce();
             CdcProcess c = CdcProcess.start("consume-flush", CliTest.line("consume", servers.targetArgs(),
                     List.of("--bootstrap-servers", kafka.bootstrapServers(), "--topic", kafka.topic(), "--group",
                             "flush-" + kafka.topic(), "--flush-events", "100", "--flush-interval", "2s",
                             "--retry-backoff", "100ms", "--on-flush", command)))) {
            Await.until("250 events flushed", 60_000, () -> sum(log) == 250 || !c.alive());
            assertEquals(0, c.terminate(), c.output());
            assertEquals(0, p.terminate(), p.output());
            assertTrue(c.output().contains("--on-flush command exited with 3: not yet"), c.output());
        }
        for (String line : Files.readAllLines(log)) {
            String[] f = line.split(" ");
            assertEquals(kafka.topic(), f[0], line);
            assertEquals("public.employees", f[1], line);
            assertTrue(Integer.parseInt(f[2]) <= 100, line);
            assertTrue(f[3].matches("\\d+:\\d+-\\d+(,\\d+:\\d+-\\d+)*"), line);
        }
        Await.converged(servers.source, servers.target, 10_000, () -> "");
    }

    static int sum(Path log) {
        try {
            return Files.readAllLines(log).stream().mapToInt(l -> Integer.parseInt(l.split(" ")[2])).sum();
        } catch (IOException e) {
            return -1;
        }
    }
}
