package dev.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cdc.base.Json;
import dev.cdc.db.Db;
import dev.cdc.db.Sql;
import dev.cdc.embedded.Certificates;
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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * cdc serve as an operator runs it: a separate process with a token file, driven over HTTP. A
 * pipeline created through the API copies rows; pause holds them in the changelog, resume applies
 * them; kill -9 and a new cdc serve resume it with nothing lost or doubled; errors are statuses with
 * a reason.
 */
class ServeIT extends ServerTest {
    private static final String TOKEN = "0123456789abcdef0123456789abcdef";
    private static final String SECRET = "a secret of this test";
    private HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String scheme = "http";
    private int port;
    private Path jobs;

    /** The pipelines here publish the employees table to its own topic, employee_cdc, which outlives a test. */
    @BeforeEach
    void freshTopic() throws Exception {
        deleteTopics("employee_cdc");
    }

    private CdcProcess serve(String... extra) throws Exception {
        Path tokens = Files.createTempFile("cdc-tokens", ".txt");
        Files.writeString(tokens, "# accepted tokens\n" + TOKEN + "\n");
        Db state = servers.target;
        if (jobs == null) {
            jobs = Files.createTempDirectory("cdc-jobs");
        }
        List<String> args = new java.util.ArrayList<>(List.of("serve", "--port", Integer.toString(port),
                "--jobs-dir", jobs.toString(),
                "--token-file", tokens.toString(), "--bootstrap-servers", kafka.bootstrapServers(),
                "--state", state.url(), "--state-user", state.user(), "--state-password", state.password()));
        args.addAll(List.of(extra));
        CdcProcess p = CdcProcess.start("serve", Map.of("CDC_SERVE_SECRET", SECRET), args.toArray(String[]::new));
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
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + port + path))
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
            HttpResponse<String> sameTable = api("POST", "/pipelines", definition("hr2"));
            assertEquals(409, sameTable.statusCode(), "a table of another pipeline: " + sameTable.body());
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

            // offsets: set only while stopped; reset to the earliest, everything is read again without effect
            try (Handle h = servers.source.open("cdc-test")) {
                h.execute("UPDATE public.employees SET city = 'Bergen' WHERE emp_id <= 10");
                h.execute("DELETE FROM public.employees WHERE emp_id BETWEEN 11 AND 15");
            }
            Await.converged(servers.source, servers.target, 60_000, serve::output);
            assertEquals(409, api("DELETE", "/pipelines/hr/offsets", null).statusCode(), "running: refused");
            assertEquals(200, api("PUT", "/pipelines/hr/stop", null).statusCode());
            JsonNode before = json(api("GET", "/pipelines/hr/offsets", null));
            assertEquals(2, before.size(), before.toString());
            String topic = before.at("/0/topic").asText();
            HttpResponse<String> outside = api("PATCH", "/pipelines/hr/offsets",
                    "{\"offsets\": [{\"topic\": \"" + topic + "\", \"partition\": 0, \"offset\": 999999}]}");
            assertEquals(400, outside.statusCode(), outside.body());
            HttpResponse<String> reset = api("DELETE", "/pipelines/hr/offsets", null);
            assertEquals(200, reset.statusCode(), reset.body());
            for (JsonNode p : json(reset)) {
                assertEquals(p.get("earliest_offset").asLong(), p.get("applied_offset").asLong(), reset.body());
            }
            insert(5);
            assertEquals(200, api("PUT", "/pipelines/hr/resume", null).statusCode());
            Await.until("every partition read again to its end", 60_000, () -> {
                try {
                    JsonNode now = json(api("GET", "/pipelines/hr/offsets", null));
                    return now.size() == 2 && java.util.stream.StreamSupport.stream(now.spliterator(), false)
                            .allMatch(p -> p.get("applied_offset").asLong() == p.get("end_offset").asLong());
                } catch (Exception e) {
                    return false;
                }
            });
            Await.converged(servers.source, servers.target, 60_000, serve::output); // old inserts did not bring rows back
            assertEquals(125 + 5, count(servers.target));

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

            // its settings changed while it runs: it starts again with them
            ObjectNode changes = Json.MAPPER.createObjectNode().put("batch_size", 50);
            changes.putObject("target").put("url", servers.target.url()).put("user", servers.target.user())
                    .put("password", servers.target.password());
            HttpResponse<String> configured = api("PATCH", "/pipelines/hr/config", changes.toString());
            assertEquals(200, configured.statusCode(), configured.body());
            assertEquals(50, json(configured).at("/config/batch_size").asInt(), configured.body());
            assertEquals("running", json(configured).get("state").asText(), configured.body());
            assertEquals(400, api("PATCH", "/pipelines/hr/config", "{\"tables\": [\"public.other\"]}").statusCode());
            insert(10);
            Await.converged(servers.source, servers.target, 60_000, serve::output);

            // a target that drifted (rows deleted and changed there) is re-synced by a snapshot
            try (Handle h = servers.target.open("cdc-test")) {
                h.execute("DELETE FROM public.employees WHERE emp_id <= 3");
                h.execute("UPDATE public.employees SET salary = 1 WHERE emp_id = 20");
            }
            HttpResponse<String> snapshot = api("POST", "/pipelines/hr/snapshot", "{\"tables\": [\"public.employees\"]}");
            assertEquals(202, snapshot.statusCode(), snapshot.body());
            Await.until("the snapshot done", 60_000, () -> {
                try {
                    return json(api("GET", "/pipelines/hr", null)).at("/snapshot/state").asText().equals("done");
                } catch (Exception e) {
                    return false;
                }
            });
            Await.converged(servers.source, servers.target, 60_000, serve::output);
            assertEquals(400, api("POST", "/pipelines/hr/snapshot", "{\"tables\": [\"public.other\"]}").statusCode());

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

    /**
     * The status page in a real headless browser (Debian's chromium, driven by its chromedriver): it
     * shows a pipeline created through the API, and its pause button pauses it.
     */
    @Test
    void the_status_page_shows_a_pipeline_and_its_pause_button_pauses_it() throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        Path driverBinary = Path.of("/usr/bin/chromedriver");
        Assumptions.assumeTrue(Files.isExecutable(chromium) && Files.isExecutable(driverBinary),
                "Debian's chromium and chromium-driver are not installed here (.ci/run installs them)");
        port = Ports.free();
        try (Handle h = servers.source.open("cdc-test")) {
            h.execute(Sql.load("employees.sql"));
        }
        try (CdcProcess serve = serve()) {
            HttpResponse<String> created = api("POST", "/pipelines", definition("page"));
            assertEquals(201, created.statusCode(), created.body());
            ChromeOptions options = new ChromeOptions().setBinary(chromium.toFile()).addArguments("--headless=new",
                    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    "--user-data-dir=" + Files.createTempDirectory("cdc-chromium"));
            ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driverBinary.toFile())
                    .usingAnyFreePort().build();
            WebDriver browser = new ChromeDriver(service, options);
            try {
                browser.get("http://127.0.0.1:" + port + "/");
                browser.findElement(By.id("token")).sendKeys(TOKEN);
                browser.findElement(By.cssSelector("#login button")).click();
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
                By state = By.cssSelector("tr[data-pipeline='page'] td[data-field='state']");
                wait.until(ExpectedConditions.textToBe(state, "running"));
                browser.findElement(By.cssSelector("tr[data-pipeline='page'] button[data-action='pause']")).click();
                wait.until(ExpectedConditions.textToBe(state, "paused"));
                assertEquals("paused", json(api("GET", "/pipelines/page", null)).get("state").asText());
                assertTrue(browser.findElements(By.cssSelector("tr[data-pipeline='page'] svg polyline")).size() == 1,
                        "the chart of changes not yet applied");
            } finally {
                browser.quit();
            }
            assertEquals(204, api("DELETE", "/pipelines/page?teardown=true", null).statusCode());
        }
    }

    /** A job that keeps each batch it is given (its standard input) and its size, one line per batch. */
    private Path job(String name) throws Exception {
        Path out = Files.createDirectories(jobs.resolve(name + "-out"));
        Path script = jobs.resolve(name);
        Files.writeString(script, "#!/bin/sh\nset -e\nn=$(ls '" + out + "' | wc -l)\ncat > '" + out + "'/batch-$n.json\n"
                + "env > '" + out + "'/environment\n"
                + "echo \"$CDC_FLUSH_COUNT\" >> '" + out + "'/counts\n");
        script.toFile().setExecutable(true);
        return out;
    }

    private static List<Integer> counts(Path out) throws Exception {
        Path counts = out.resolve("counts");
        return Files.exists(counts) ? Files.readAllLines(counts).stream().map(Integer::parseInt).toList() : List.of();
    }

    @Test
    void consumers_run_their_job_per_max_events_and_per_max_time() throws Exception {
        port = Ports.free();
        jobs = Files.createTempDirectory("cdc-jobs");
        Path hundreds = job("hundreds.sh");
        Path trickle = job("trickle.sh");
        try (Handle h = servers.source.open("cdc-test")) {
            h.execute(Sql.load("employees.sql"));
        }
        CdcProcess serve = serve();
        try {
            assertEquals(201, api("POST", "/pipelines", definition("feed")).statusCode());
            insert(250);
            Await.converged(servers.source, servers.target, 60_000, serve::output);
            String topic = json(api("GET", "/pipelines/feed/offsets", null)).at("/0/topic").asText();

            HttpResponse<String> started = api("POST", "/consumers", "{\"name\": \"hundreds\", \"topic\": \"" + topic
                    + "\", \"max_events\": 100, \"max_time_ms\": 2000, \"job\": {\"command\": \"hundreds.sh\"}}");
            assertEquals(201, started.statusCode(), started.body());
            Await.until("the job given all 250 events", 60_000, () -> sum(hundreds) == 250);
            List<Integer> sizes = counts(hundreds);
            assertTrue(sizes.stream().allMatch(n -> n <= 100) && sizes.stream().filter(n -> n == 100).count() >= 2,
                    "batches of at most max_events: " + sizes);
            String environment = Files.readString(hundreds.resolve("environment"));
            assertTrue(environment.contains("CDC_FLUSH_TOPIC=" + topic) && !environment.contains("CDC_SERVE_SECRET"),
                    "the batch, none of cdc serve's secrets: " + environment);
            JsonNode first = Json.MAPPER.readTree(Files.readString(hundreds.resolve("batch-0.json")));
            assertTrue(first.isArray() && first.get(0).has("id") && first.get(0).has("after"), first.toString());
            assertEquals(409, api("POST", "/consumers", "{\"name\": \"hundreds\", \"topic\": \"" + topic
                    + "\", \"job\": {\"command\": \"hundreds.sh\"}}").statusCode());

            assertEquals(201, api("POST", "/consumers", "{\"name\": \"trickle\", \"topic\": \"" + topic
                    + "\", \"max_events\": 1000, \"max_time_ms\": 1000, \"job\": {\"command\": \"trickle.sh\"}}").statusCode());
            Await.until("the trickle consumer caught up", 60_000, () -> sum(trickle) == 250);
            int before = counts(trickle).size();
            for (int i = 0; i < 20; i++) { // a row every 200 ms: batches close on max_time, not max_events
                insert(1);
                Thread.sleep(200);
            }
            Await.until("the job given the trickle", 60_000, () -> sum(trickle) == 270);
            List<Integer> trickled = counts(trickle).subList(before, counts(trickle).size());
            assertTrue(trickled.size() >= 2 && trickled.stream().allMatch(n -> n < 20), "closed by max_time: " + trickled);

            HttpResponse<String> stopped = api("POST", "/consumers/trickle/stop", null);
            assertEquals("stopped", json(stopped).get("state").asText(), stopped.body());
            assertEquals("running", json(api("GET", "/consumers/hundreds", null)).get("state").asText());
            HttpResponse<String> again = api("POST", "/consumers", "{\"name\": \"trickle\", \"topic\": \"" + topic
                    + "\", \"max_events\": 1000, \"max_time_ms\": 1000, \"job\": {\"command\": \"trickle.sh\"}}");
            assertEquals(201, again.statusCode(), "stopped: started again under its name: " + again.body());
            insert(1);
            Await.until("the restarted consumer goes on from its offsets", 30_000, () -> sum(trickle) == 271);
            for (String bad : List.of("../../bin/sh", "no-such-job.sh")) {
                HttpResponse<String> r = api("POST", "/consumers", "{\"name\": \"bad\", \"topic\": \"" + topic
                        + "\", \"job\": {\"command\": \"" + bad + "\"}}");
                assertEquals(400, r.statusCode(), bad + ": " + r.body());
            }
            assertEquals(404, api("GET", "/consumers/nope", null).statusCode());
            // kept in cdc.consumers: after a kill -9, a new cdc serve goes on with both, from their offsets
            serve.kill9();
            serve = serve();
            insert(5);
            Await.until("both consumers given the 5 new events", 60_000, () -> sum(hundreds) == 276 && sum(trickle) == 276);
            assertEquals(204, api("DELETE", "/pipelines/feed?teardown=true", null).statusCode());
        } finally {
            serve.close();
        }
    }

    private static int sum(Path out) {
        try {
            return counts(out).stream().mapToInt(Integer::intValue).sum();
        } catch (Exception e) {
            return -1;
        }
    }

    /** Two cdc serve on one state database: a pause asked of one stops the pipeline on both; either takes over. */
    @Test
    void a_second_serve_follows_the_states_in_the_state_database() throws Exception {
        int first = Ports.free();
        int second = Ports.free();
        try (Handle h = servers.source.open("cdc-test")) {
            h.execute(Sql.load("employees.sql"));
        }
        port = first;
        try (CdcProcess a = serve()) {
            port = second;
            try (CdcProcess b = serve()) {
                port = first;
                assertEquals(201, api("POST", "/pipelines", definition("both")).statusCode());
                insert(40);
                Await.converged(servers.source, servers.target, 60_000, () -> a.output() + b.output());
                port = second;
                Await.until("the second serve runs it too", 30_000, () -> b.output().contains("pipeline both running"));
                assertEquals(200, api("PUT", "/pipelines/both/pause", null).statusCode()); // asked of the second
                Await.until("the first serve stopped it", 30_000, () -> a.output().contains("pipeline both paused"));
                insert(30);
                Thread.sleep(5_000); // long enough for either to publish, had it gone on
                port = first;
                assertEquals(30, json(api("GET", "/pipelines/both/status", null)).at("/tables/0/backlog").asLong());
                assertEquals(40, count(servers.target), "paused on both: nothing applied");
                assertEquals(200, api("PUT", "/pipelines/both/resume", null).statusCode()); // asked of the first
                Await.converged(servers.source, servers.target, 60_000, () -> a.output() + b.output());
                a.kill9();
                port = second;
                insert(20); // the second carries on alone
                Await.converged(servers.source, servers.target, 60_000, b::output);
                assertEquals(90, count(servers.target));
                assertEquals(204, api("DELETE", "/pipelines/both?teardown=true", null).statusCode());
            }
        }
    }

    /** A database of its own on the source server, with the employees table and {@code rows} rows. */
    private Db sourceDatabase(String name, int rows) {
        String db = "cdc_serve_" + name;
        try (Handle h = servers.source.open("cdc-test")) {
            h.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
            h.execute("CREATE DATABASE " + db);
        }
        Db source = new Db("source " + name, servers.source.url().replaceFirst("/[^/?]+(\\?|$)", "/" + db + "$1"),
                servers.source.user(), servers.source.password());
        try (Handle h = source.open("cdc-test")) {
            h.execute(Sql.load("employees.sql"));
            h.execute("INSERT INTO public.employees (first_name, last_name, city) SELECT 'F' || i, 'L' || i, '" + name
                    + "' FROM generate_series(1, " + rows + ") i");
        }
        return source;
    }

    @Test
    void pipelines_of_two_sources_consolidate_into_one_table() throws Exception {
        port = Ports.free();
        try (Handle h = servers.target.open("cdc-test")) {
            h.execute("DROP TABLE IF EXISTS public.all_employees");
        }
        Map<String, Db> sources = Map.of("north", sourceDatabase("north", 30), "south", sourceDatabase("south", 20));
        try (CdcProcess serve = serve()) {
            for (var s : sources.entrySet()) {
                ObjectNode d = (ObjectNode) Json.MAPPER.readTree(definition(s.getKey()));
                ((ObjectNode) d.get("source")).put("url", s.getValue().url());
                d.put("consolidate_into", "public.all_employees");
                HttpResponse<String> created = api("POST", "/pipelines", d.toString());
                assertEquals(201, created.statusCode(), created.body());
            }
            try (Handle h = sources.get("north").open("cdc-test")) {
                h.execute("DELETE FROM public.employees WHERE emp_id <= 10"); // removes north's rows only
            }
            try (Handle h = servers.target.open("cdc-test")) {
                Await.until("both sources' rows in the consolidated table", 60_000, () -> h.createQuery(
                        "SELECT count(*) FILTER (WHERE source_name = 'north' AND city = 'north') = 20"
                                + " AND count(*) FILTER (WHERE source_name = 'south' AND city = 'south') = 20"
                                + " AND count(*) = 40 FROM public.all_employees").mapTo(Boolean.class).one());
            }
            for (String name : sources.keySet()) {
                assertEquals(204, api("DELETE", "/pipelines/" + name + "?teardown=true", null).statusCode());
            }
        }
    }

    /** A pipeline whose events are posted to an HTTP endpoint: capture on the source only, offsets in Kafka. */
    @Test
    void a_pipeline_posts_to_an_http_endpoint() throws Exception {
        port = Ports.free();
        try (Handle h = servers.source.open("cdc-test")) {
            h.execute(Sql.load("employees.sql"));
        }
        java.util.Set<String> ids = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.Set<String> authorizations = java.util.concurrent.ConcurrentHashMap.newKeySet();
        com.sun.net.httpserver.HttpServer endpoint = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        endpoint.createContext("/events", exchange -> {
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            Json.MAPPER.readTree(exchange.getRequestBody()).forEach(e -> ids.add(e.get("id").asText()));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        endpoint.start();
        try (CdcProcess serve = serve()) {
            ObjectNode d = (ObjectNode) Json.MAPPER.readTree(definition("web"));
            d.remove("target");
            d.putObject("http").put("url", "http://127.0.0.1:" + endpoint.getAddress().getPort() + "/events")
                    .put("authorization", "Bearer endpoint-token");
            HttpResponse<String> created = api("POST", "/pipelines", d.toString());
            assertEquals(201, created.statusCode(), created.body());
            assertEquals("***", json(created).at("/config/http/authorization").asText(), created.body());
            insert(30);
            Await.until("30 events posted", 60_000, () -> ids.size() == 30);
            assertEquals(java.util.Set.of("Bearer endpoint-token"), authorizations);
            Await.until("its offsets, Kafka's, at the end", 30_000, () -> {
                try {
                    JsonNode offsets = json(api("GET", "/pipelines/web/offsets", null));
                    return offsets.size() == 2 && java.util.stream.StreamSupport.stream(offsets.spliterator(), false)
                            .allMatch(p -> p.get("lag").asLong() == 0);
                } catch (Exception e) {
                    return false;
                }
            });
            try (Handle h = servers.target.open("cdc-test")) {
                assertFalse(h.createQuery("SELECT to_regclass('public.employees') IS NOT NULL").mapTo(Boolean.class).one(),
                        "nothing made on the target");
            }
            assertEquals(204, api("DELETE", "/pipelines/web?teardown=true", null).statusCode());
        } finally {
            endpoint.stop(0);
        }
    }

    @Test
    void with_a_key_store_it_serves_https_only() throws Exception {
        port = Ports.free();
        Certificates certificates = Certificates.in(Files.createTempDirectory("cdc-tls"));
        java.security.KeyStore trusted = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(certificates.truststore())) {
            trusted.load(in, Certificates.PASSWORD.toCharArray());
        }
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        http = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
        scheme = "https";
        try (CdcProcess serve = serve("--tls-keystore", certificates.keystore().toString(),
                "--tls-keystore-password", Certificates.PASSWORD)) {
            assertEquals(200, api("GET", "/pipelines", null).statusCode());
            assertEquals(401, call("GET", "/pipelines", null, null).statusCode());
            scheme = "http";
            assertThrows(java.io.IOException.class, () -> call("GET", "/health", null, null), "no plain HTTP");
            assertTrue(serve.output().contains("listening on https://"), serve.output());
        }
    }

    @Test
    void topics_are_created_described_changed_and_deleted() throws Exception {
        port = Ports.free();
        String name = kafka.topic() + ".api";
        try (CdcProcess serve = serve()) {
            HttpResponse<String> created = api("POST", "/topics",
                    "{\"name\": \"" + name + "\", \"partitions\": 2, \"replication_factor\": 1, \"retention_ms\": 3600000}");
            assertEquals(201, created.statusCode(), created.body());
            assertEquals(2, json(created).get("partitions").asInt(), created.body());
            assertEquals("3600000", json(created).at("/changed_settings/retention.ms").asText(), created.body());
            assertEquals(409, api("POST", "/topics", "{\"name\": \"" + name + "\"}").statusCode());
            assertTrue(json(api("GET", "/topics", null)).toString().contains("\"" + name + "\""));
            HttpResponse<String> altered = api("PATCH", "/topics/" + name, "{\"retention_bytes\": 1048576}");
            assertEquals(200, altered.statusCode(), altered.body());
            assertEquals("1048576", json(altered).at("/changed_settings/retention.bytes").asText(), altered.body());
            assertEquals(400, api("PATCH", "/topics/" + name, "{\"cleanup.policy\": \"compact\"}").statusCode());
            assertEquals(400, api("POST", "/topics", "{\"name\": \"no spaces allowed\"}").statusCode());
            assertEquals(204, api("DELETE", "/topics/" + name, null).statusCode());
            Await.until("the topic gone", 30_000, () -> {
                try {
                    return api("GET", "/topics/" + name, null).statusCode() == 404;
                } catch (Exception e) {
                    return false;
                }
            });
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
            // a client cannot name cdc serve's own variables or files as passwords, nor have a file read as arguments
            for (String password : List.of("env:HOME", "env:CDC_SERVE_SECRET", "env:CDC_PIPELINE_OTHER_SOURCE", "file:/etc/passwd")) {
                ObjectNode d = (ObjectNode) Json.MAPPER.readTree(definition("leak"));
                ((ObjectNode) d.get("source")).put("password", password);
                HttpResponse<String> r = api("POST", "/pipelines", d.toString());
                assertEquals(400, r.statusCode(), password + ": " + r.body());
            }
            ObjectNode atFile = (ObjectNode) Json.MAPPER.readTree(definition("leak"));
            ((ObjectNode) atFile.get("source")).put("user", "@/etc/passwd");
            atFile.putArray("tables").add("public.no_such_table");
            HttpResponse<String> r = api("POST", "/pipelines", atFile.toString());
            assertTrue(r.statusCode() >= 400 && !r.body().contains("root:"), r.body());
            assertEquals(404, api("GET", "/pipelines/nope/status", null).statusCode());
            assertEquals(404, api("PUT", "/pipelines/nope/pause", null).statusCode());
            // /openapi.json describes exactly the routes ApiServer declares, and each answers
            JsonNode openApi = json(api("GET", "/openapi.json", null));
            java.util.Set<String> documented = new java.util.TreeSet<>();
            openApi.get("paths").fields().forEachRemaining(p -> p.getValue().fieldNames()
                    .forEachRemaining(m -> documented.add(m.toUpperCase(java.util.Locale.ROOT) + " " + p.getKey())));
            java.util.Set<String> routes = new java.util.TreeSet<>();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("r\\.(get|post|put|patch|delete)\\(\"([^\"]+)\"")
                    .matcher(Files.readString(Path.of("src/main/java/dev/cdc/serve/ApiServer.java")));
            while (m.find()) {
                routes.add(m.group(1).toUpperCase(java.util.Locale.ROOT) + " " + m.group(2));
            }
            assertEquals(routes, documented, "openapi.json and ApiServer's routes");
            for (String route : documented) {
                String[] mp = route.split(" ");
                if (mp[0].equals("GET")) {
                    HttpResponse<String> answer = api("GET", mp[1].replace("{name}", "nope"), null);
                    assertFalse(answer.body().contains("no such endpoint"), route + ": " + answer.body());
                }
            }
            assertEquals(413, api("POST", "/pipelines", "{\"name\": \"" + "x".repeat(100_000) + "\"}").statusCode());
            assertFalse(serve.output().contains("Exception"), serve.output());
        }
    }
}
