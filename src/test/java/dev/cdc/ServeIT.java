package dev.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cdc.base.Json;
import dev.cdc.db.Db;
import dev.cdc.db.Sql;
import dev.cdc.embedded.Ports;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

/**
 * cdc serve as an operator runs it: a separate process with a token file, driven over HTTP. A
 * pipeline created through the API copies rows; pause holds them in the changelog, resume applies
 * them; kill -9 and a new cdc serve resume it with nothing lost or doubled; errors are statuses with
 * a reason.
 */
class ServeIT extends ServerTest {
    private static final String TOKEN = "0123456789abcdef0123456789abcdef";
    private static final String SECRET = "a secret of this test";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private int port;

    private CdcProcess serve() throws Exception {
        Path tokens = Files.createTempFile("cdc-tokens", ".txt");
        Files.writeString(tokens, "# accepted tokens\n" + TOKEN + "\n");
        Db state = servers.target;
        CdcProcess p = CdcProcess.start("serve", Map.of("CDC_SERVE_SECRET", SECRET), "serve", "--port", Integer.toString(port),
                "--token-file", tokens.toString(), "--bootstrap-servers", kafka.bootstrapServers(),
                "--state", state.url(), "--state-user", state.user(), "--state-password", state.password());
        Await.until("cdc serve answers", 60_000, () -> {
            try {
                return call("GET", "/health", null, null).statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        });
        return p;
    }

    private HttpResponse<String> call(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(120))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> api(String method, String path, String body) throws Exception {
        return call(method, path, body, TOKEN);
    }

    private String definition(String name) {
        ObjectNode d = Json.MAPPER.createObjectNode();
        d.put("name", name);
        d.putObject("source").put("url", servers.source.url()).put("user", servers.source.user())
                .put("password", servers.source.password());
        d.putObject("target").put("url", servers.target.url()).put("user", servers.target.user())
                .put("password", servers.target.password());
        d.putArray("tables").add("public.employees");
        d.put("partitions", 2);
        return d.toString();
    }

    private void insert(int rows) {
        try (Handle h = servers.source.open("cdc-test")) {
            for (int i = 0; i < rows; i++) {
                h.createUpdate(Sql.load("demo/insert.sql")).bind("f", "F" + i).bind("l", "L" + i)
                        .bind("d", (java.time.LocalDate) null).bind("c", "Oslo").bind("s", new java.math.BigDecimal("100.00")).execute();
            }
        }
    }

    private static long count(Db db) {
        try (Handle h = db.open("cdc-test")) {
            return h.createQuery("SELECT count(*) FROM public.employees").mapTo(Long.class).one();
        }
    }

    private JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.MAPPER.readTree(r.body());
    }

    @Test
    void a_pipeline_created_paused_resumed_and_resumed_after_kill9() throws Exception {
        port = Ports.free();
        try (Handle h = servers.source.open("cdc-test")) {
            h.execute(Sql.load("employees.sql"));
        }
        insert(20); // copied by the pipeline's snapshot
        CdcProcess serve = serve();
        try {
            HttpResponse<String> created = api("POST", "/pipelines", definition("hr"));
            assertEquals(201, created.statusCode(), created.body());
            assertEquals("***", json(created).at("/config/source/password").asText(), created.body());
            assertEquals(409, api("POST", "/pipelines", definition("hr")).statusCode());
            insert(80);
            Await.converged(servers.source, servers.target, 60_000, serve::output);
            assertEquals(100, count(servers.target));

            HttpResponse<String> paused = api("PUT", "/pipelines/hr/pause", null);
            assertEquals(200, paused.statusCode(), paused.body());
            assertEquals("paused", json(paused).get("state").asText());
            insert(30);
            Await.until("the status shows the 30 changes held in the changelog", 30_000, () -> {
                try {
                    JsonNode s = json(api("GET", "/pipelines/hr/status", null));
                    return s.at("/tables/0/backlog").asLong() == 30;
                } catch (Exception e) {
                    return false;
                }
            });
            assertEquals(100, count(servers.target), "paused: nothing applied");

            assertEquals(200, api("PUT", "/pipelines/hr/resume", null).statusCode());
            Await.converged(servers.source, servers.target, 60_000, serve::output);

            serve.kill9();
            insert(25);
            serve = serve(); // resumes every pipeline stored as running
            Await.converged(servers.source, servers.target, 60_000, serve::output);
            assertEquals(155, count(servers.target));
            JsonNode listed = json(api("GET", "/pipelines?expand=status", null));
            assertEquals("running", listed.at("/0/state").asText(), listed.toString());
            assertEquals(0, listed.at("/0/status/tables/0/lag").asLong(), listed.toString());
            try (Handle h = servers.target.open("cdc-test")) {
                String stored = h.createQuery("SELECT definition::text FROM cdc.pipelines WHERE name = 'hr'").mapTo(String.class).one();
                assertFalse(stored.contains("\"password\": \"" + servers.source.password() + "\""), stored);
                assertTrue(stored.contains("sealed:"), stored);
            }
            String metrics = api("GET", "/metrics", null).body();
            assertTrue(metrics.contains("cdc_end_to_end_latency_seconds_count"), metrics);

            assertEquals(204, api("DELETE", "/pipelines/hr?teardown=true", null).statusCode());
            assertEquals(404, api("GET", "/pipelines/hr", null).statusCode());
            try (Handle h = servers.source.open("cdc-test")) {
                assertEquals(0, h.createQuery("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'public.employees'::regclass "
                        + "AND NOT tgisinternal").mapTo(Long.class).one(), "teardown removed the capture triggers");
            }
            assertEquals(0, serve.terminate());
        } finally {
            serve.close();
        }
    }

    @Test
    void refuses_without_a_token_and_says_why_a_request_is_bad() throws Exception {
        port = Ports.free();
        try (CdcProcess serve = serve()) {
            assertEquals(200, call("GET", "/health", null, null).statusCode());
            HttpResponse<String> anonymous = call("GET", "/pipelines", null, null);
            assertEquals(401, anonymous.statusCode());
            assertTrue(anonymous.body().contains("bearer token"), anonymous.body());
            assertEquals(401, call("GET", "/pipelines", null, "not-the-token-at-all").statusCode());
            assertEquals(200, api("GET", "/ready", null).statusCode());

            HttpResponse<String> malformed = api("POST", "/pipelines", "{\"name\": ");
            assertEquals(400, malformed.statusCode());
            assertTrue(json(malformed).get("error").asText().contains("not valid JSON"), malformed.body());
            HttpResponse<String> unknownField = api("POST", "/pipelines", "{\"name\": \"x\", \"sink\": 1}");
            assertEquals(400, unknownField.statusCode());
            assertTrue(unknownField.body().contains("unknown field 'sink'"), unknownField.body());
            ObjectNode noTable = (ObjectNode) Json.MAPPER.readTree(definition("missing"));
            noTable.putArray("tables").add("public.no_such_table");
            HttpResponse<String> refused = api("POST", "/pipelines", noTable.toString());
            assertEquals(400, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("cdc setup failed"), refused.body());
            assertEquals(404, api("GET", "/pipelines/missing", null).statusCode(), "nothing stored half-way");
            assertEquals(404, api("GET", "/pipelines/nope/status", null).statusCode());
            assertEquals(404, api("PUT", "/pipelines/nope/pause", null).statusCode());
            assertEquals(413, api("POST", "/pipelines", "{\"name\": \"" + "x".repeat(100_000) + "\"}").statusCode());
            assertFalse(serve.output().contains("Exception"), serve.output());
        }
    }
}
