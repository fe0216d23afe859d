package dev.cdc.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cdc.base.Failure;
import dev.cdc.base.Json;
import dev.cdc.db.Db;
import dev.cdc.event.ChangeEvent;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * An HTTP endpoint as a sink: each batch is POSTed as one body (a JSON array of events by default),
 * every event with a stable {@code id} so that the receiver can drop one it got before. A 2xx
 * delivers the batch (the consumer then commits its offsets to Kafka); a 5xx, a timeout or a
 * connection error is retried; any other status rejects the batch (see --on-error).
 */
public final class HttpSink implements Sink {
    /** Where and how to post. {@code auth}: none, a fixed Authorization header, or OAuth2. */
    public record Config(URI url, Map<String, String> headers, Auth auth, Duration timeout,
                         String prefix, String separator, String suffix) {
    }

    /** What goes in the Authorization header. */
    public sealed interface Auth permits NoAuth, StaticAuth, OAuth2 {
    }

    public record NoAuth() implements Auth {
    }

    /** A fixed Authorization header value, such as "Bearer abc"; never printed. */
    public record StaticAuth(String value) implements Auth {
        @Override
        public String toString() {
            return "StaticAuth[(hidden)]";
        }
    }

    /**
     * OAuth2 client credentials: a token from {@code tokenUrl}, sent as "Bearer" and fetched again
     * when it expires (or is refused). {@code inHeader}: the client authenticates with HTTP Basic,
     * else with client_id and client_secret in the form. {@code tokenProperty}: the response's
     * property holding the token.
     */
    public record OAuth2(URI tokenUrl, String clientId, String clientSecret, String scope, boolean inHeader,
                         String tokenProperty) implements Auth {
        @Override
        public String toString() {
            return "OAuth2[" + tokenUrl + ", client " + clientId + "]";
        }
    }

    private final Config cfg;
    private final HttpClient client;
    /** Shared by the threads that post (one per --connections), fetched by one of them at a time. */
    private volatile String token;
    private long tokenExpiresNanos;

    public HttpSink(Config cfg) {
        this.cfg = cfg;
        this.client = HttpClient.newBuilder().connectTimeout(cfg.timeout()).build();
    }

    @Override
    public Delivered deliver(Map<TopicPartition, List<Decoded>> batch) {
        List<String> events = new ArrayList<>();
        for (var e : batch.entrySet()) {
            for (Decoded d : e.getValue()) {
                if (d.event() != null) {
                    events.add(withId(d, e.getKey().partition()));
                }
            }
        }
        if (events.isEmpty()) {
            return new Delivered(0, 0, 0, Map.of());
        }
        String body = cfg.prefix() + String.join(cfg.separator(), events) + cfg.suffix();
        HttpResponse<String> response = post(body, batch);
        int status = response.statusCode();
        if (status / 100 == 2) {
            return new Delivered(events.size(), 0, events.size(), Map.of());
        }
        if (status == 401 && cfg.auth() instanceof OAuth2) {
            token = null; // expired or revoked early: fetch another one and send again
            throw Failure.unreachable(shown(cfg.url()) + " answered 401 Unauthorized; fetching a new token", null);
        }
        String what = "HTTP " + status + " from " + shown(cfg.url()) + " for " + Sink.describe(batch) + ": " + excerpt(response.body());
        if (status >= 500 || status == 408 || status == 429) {
            throw Failure.unreachable(what, null);
        }
        throw Failure.badEvent(what, null);
    }

    /** The event as on the topic, with "id": the change's position, the same every time it is read or published. */
    static String withId(Decoded d, int partition) {
        try {
            ObjectNode node = (ObjectNode) Json.MAPPER.readTree(d.record().value());
            ChangeEvent e = d.event();
            String id = e.epoch() + "-" + e.window() + "-" + e.seq() + "-" + e.index()
                    + (e.op() == 't' || e.op() == 's' ? "-p" + partition : ""); // sent to every partition
            ObjectNode out = Json.MAPPER.createObjectNode().put("id", id);
            out.setAll(node);
            return Json.MAPPER.writeValueAsString(out);
        } catch (IOException ex) {
            throw new IllegalStateException("an event that decoded once no longer parses", ex);
        }
    }

    private HttpResponse<String> post(String body, Map<TopicPartition, List<Decoded>> batch) {
        HttpRequest.Builder b = HttpRequest.newBuilder(cfg.url()).timeout(cfg.timeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        cfg.headers().forEach(b::header);
        String authorization = authorization();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        try {
            return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw Failure.unreachable("cannot post " + Sink.describe(batch) + " to " + shown(cfg.url()) + ": "
                    + (e instanceof java.net.http.HttpTimeoutException ? "no answer within " + cfg.timeout().toMillis() + " ms"
                    : Db.rootMessage(e)), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Failure.unreachable("interrupted while posting to " + shown(cfg.url()), e);
        }
    }

    private String authorization() {
        if (cfg.auth() instanceof StaticAuth s) {
            return s.value();
        }
        if (cfg.auth() instanceof OAuth2 o) {
            return "Bearer " + token(o);
        }
        return null;
    }

    /** The current token, fetched again 30 s before it expires (or at once when it was refused). */
    private synchronized String token(OAuth2 o) {
        if (token != null && System.nanoTime() < tokenExpiresNanos) {
            return token;
        }
        StringBuilder form = new StringBuilder("grant_type=client_credentials");
        if (o.scope() != null) {
            form.append("&scope=").append(URLEncoder.encode(o.scope(), StandardCharsets.UTF_8));
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(o.tokenUrl()).timeout(cfg.timeout())
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json");
        if (o.inHeader()) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (enc(o.clientId()) + ":" + enc(o.clientSecret())).getBytes(StandardCharsets.UTF_8)));
        } else {
            form.append("&client_id=").append(enc(o.clientId())).append("&client_secret=").append(enc(o.clientSecret()));
        }
        HttpResponse<String> r;
        try {
            r = client.send(b.POST(HttpRequest.BodyPublishers.ofString(form.toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw Failure.unreachable("cannot get a token from " + o.tokenUrl() + ": " + Db.rootMessage(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Failure.unreachable("interrupted while getting a token from " + o.tokenUrl(), e);
        }
        if (r.statusCode() / 100 != 2) {
            String what = "the token endpoint " + o.tokenUrl() + " answered HTTP " + r.statusCode();
            if (r.statusCode() >= 500) {
                throw Failure.unreachable(what, null);
            }
            throw Failure.precondition(what + " (check the client id, secret and scope): " + excerpt(r.body()));
        }
        try {
            JsonNode json = Json.MAPPER.readTree(r.body());
            JsonNode t = json.get(o.tokenProperty());
            if (t == null || !t.isTextual()) {
                throw Failure.precondition("the token endpoint " + o.tokenUrl() + " answered without a \""
                        + o.tokenProperty() + "\" property (set --oauth-token-property)");
            }
            long expiresIn = json.path("expires_in").asLong(3600);
            token = t.asText();
            tokenExpiresNanos = System.nanoTime() + Math.max(0, expiresIn - 30) * 1_000_000_000L;
            return token;
        } catch (IOException e) {
            throw Failure.precondition("the token endpoint " + o.tokenUrl() + " answered with something that is not JSON");
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String excerpt(String body) {
        String b = body == null ? "" : body.strip().replaceAll("\\s+", " ");
        return b.isEmpty() ? "(empty body)" : b.length() > 300 ? b.substring(0, 300) + "..." : b;
    }

    @Override
    public Map<Integer, Long> storedOffsets() {
        return null;
    }

    @Override
    public String where() {
        return shown(cfg.url());
    }

    /** A URL as messages show it: without its query, which may hold a key. */
    static String shown(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
                + (url.getPath() == null ? "" : url.getPath())
                + (url.getQuery() == null ? "" : "?...");
    }

    @Override
    public void close() {
        // HttpClient has nothing to close on Java 17
    }
}
