package dev.cdc.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cdc.base.Failure;
import dev.cdc.base.Json;
import dev.cdc.base.Metrics;
import dev.cdc.kafka.Kafka;
import io.javalin.Javalin;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API of cdc serve, on Javalin (Jetty): routing with path parameters, JSON through the
 * project's Jackson mapper, a limit on request bodies, and one place that turns errors into a status
 * and a one-line reason. Every endpoint but {@code /health} and the status page's static files
 * needs {@code Authorization: Bearer <token>}.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("cdc");
    /** Definitions are small: a larger body is refused (413). */
    private static final long MAX_BODY = 64 * 1024;

    private final Javalin app;

    /** Where to listen; with a key store (PKCS12 or JKS: the certificate and its key), HTTPS only. */
    public record Listener(String host, int port, java.nio.file.Path keystore, String keystorePassword) {
        boolean tls() {
            return keystore != null;
        }
    }

    /** {@code ready}: the state database and the broker answer. */
    public ApiServer(Pipelines pipelines, Consumers consumers, Kafka broker, List<String> tokens, BooleanSupplier ready,
                     Listener listener) {
        TopicRoutes topics = new TopicRoutes(broker);
        List<byte[]> accepted = tokens.stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
        app = Javalin.create(config -> {
            config.http.maxRequestSize = MAX_BODY;
            config.jetty.host = listener.host();
            config.jetty.port = listener.port();
            if (listener.tls()) {
                config.jetty.modifyServer(server -> {
                    SslContextFactory.Server tls = new SslContextFactory.Server();
                    tls.setKeyStorePath(listener.keystore().toString());
                    tls.setKeyStorePassword(listener.keystorePassword());
                    tls.setKeyStoreType(listener.keystore().toString().endsWith(".jks") ? "JKS" : "PKCS12");
                    HttpConfiguration http = new HttpConfiguration();
                    http.addCustomizer(new SecureRequestCustomizer()); // requests know they came over TLS
                    http.setSendServerVersion(false);
                    ServerConnector https = new ServerConnector(server, // the only connector: no plain HTTP
                            new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(http));
                    https.setHost(listener.host());
                    https.setPort(listener.port());
                    server.setConnectors(new Connector[] {https});
                });
            }
            config.startup.showJavalinBanner = false;
            config.jsonMapper(new JavalinJackson(Json.MAPPER, false));
            config.staticFiles.add(files -> {
                files.hostedPath = "/";
                files.directory = "/serve";
                files.location = Location.CLASSPATH;
            });
            var r = config.routes;
            r.before(ctx -> {
                if (!ctx.path().equals("/health") && !ctx.path().equals("/") && !ctx.path().equals("/index.html")
                        && !authorized(ctx.header("Authorization"), accepted)) {
                    ctx.header("WWW-Authenticate", "Bearer");
                    throw new BadRequest(401, "a bearer token is required (Authorization: Bearer <token>)");
                }
            });
            r.get("/health", ctx -> ctx.json(Map.of("status", "up")));
            r.get("/ready", ctx -> {
                boolean ok = ready.getAsBoolean();
                ctx.status(ok ? 200 : 503).json(Map.of("status", ok ? "ready" : "not ready: the state database or the broker does not answer"));
            });
            r.get("/openapi.json", ctx -> ctx.contentType("application/json").result(openApi()));
            r.get("/metrics", ctx -> ctx.contentType(Metrics.TEXT_TYPE).result(Metrics.text()));
            r.get("/pipelines", ctx -> {
                boolean expand = "status".equals(ctx.queryParam("expand"));
                ctx.json(pipelines.list().stream().map(p -> expand ? withStatus(pipelines, p) : p).toList());
            });
            r.post("/pipelines", ctx -> ctx.status(201).json(pipelines.create(body(ctx))));
            r.get("/pipelines/{name}", ctx -> ctx.json(pipelines.view(ctx.pathParam("name"))));
            r.delete("/pipelines/{name}", ctx -> {
                pipelines.delete(ctx.pathParam("name"), "true".equals(ctx.queryParam("teardown")));
                ctx.status(204);
            });
            r.put("/pipelines/{name}/pause", ctx -> ctx.json(pipelines.halt(ctx.pathParam("name"), "paused")));
            r.put("/pipelines/{name}/stop", ctx -> ctx.json(pipelines.halt(ctx.pathParam("name"), "stopped")));
            r.put("/pipelines/{name}/resume", ctx -> ctx.json(pipelines.resume(ctx.pathParam("name"))));
            r.post("/pipelines/{name}/restart", ctx -> ctx.json(pipelines.resume(ctx.pathParam("name"))));
            r.post("/pipelines/{name}/snapshot", ctx -> ctx.status(202).json(pipelines.snapshot(ctx.pathParam("name"),
                    ctx.body().isBlank() ? null : body(ctx))));
            r.patch("/pipelines/{name}/config", ctx -> ctx.json(pipelines.configure(ctx.pathParam("name"), body(ctx))));
            r.get("/pipelines/{name}/status", ctx -> ctx.json(pipelines.status(ctx.pathParam("name"))));
            r.get("/pipelines/{name}/offsets", ctx -> ctx.json(pipelines.offsets(ctx.pathParam("name"))));
            r.patch("/pipelines/{name}/offsets", ctx -> ctx.json(pipelines.offsets(ctx.pathParam("name"), body(ctx))));
            r.delete("/pipelines/{name}/offsets", ctx -> ctx.json(pipelines.offsets(ctx.pathParam("name"), null)));
            r.get("/consumers", ctx -> ctx.json(consumers.list()));
            r.post("/consumers", ctx -> ctx.status(201).json(consumers.start(body(ctx))));
            r.get("/consumers/{name}", ctx -> ctx.json(consumers.view(ctx.pathParam("name"))));
            r.post("/consumers/{name}/stop", ctx -> ctx.json(consumers.stop(ctx.pathParam("name"))));
            r.get("/topics", ctx -> ctx.json(topics.list()));
            r.post("/topics", ctx -> ctx.status(201).json(topics.create(body(ctx))));
            r.get("/topics/{name}", ctx -> ctx.json(topics.describe(ctx.pathParam("name"))));
            r.patch("/topics/{name}", ctx -> ctx.json(topics.alter(ctx.pathParam("name"), body(ctx))));
            r.delete("/topics/{name}", ctx -> {
                topics.delete(ctx.pathParam("name"));
                ctx.status(204);
            });
            r.exception(BadRequest.class, (e, ctx) -> ctx.status(e.status()).json(Map.of("error", e.getMessage())));
            r.exception(Failure.class, (e, ctx) -> ctx.status(e.exitCode() == Failure.UNREACHABLE ? 503 : 400)
                    .json(Map.of("error", e.getMessage())));
            r.exception(Exception.class, (e, ctx) -> {
                LOG.error("{} {}: {}", ctx.method(), ctx.path(), e.toString(), e);
                ctx.status(500).json(Map.of("error", "internal error (" + e.getClass().getSimpleName()
                        + "): see cdc serve's log"));
            });
            r.error(404, ctx -> {
                if (ctx.result() == null || ctx.result().isEmpty()) {
                    ctx.json(Map.of("error", "no such endpoint: " + ctx.method() + " " + ctx.path()));
                }
            });
            r.error(413, ctx -> ctx.json(Map.of("error", "the body is larger than " + MAX_BODY + " bytes")));
        });
    }

    /** The API described in OpenAPI 3 (src/main/resources/serve-api/openapi.json; ServeIT checks it against the routes). */
    private static byte[] openApi() throws java.io.IOException {
        try (var in = ApiServer.class.getResourceAsStream("/serve-api/openapi.json")) {
            return in.readAllBytes();
        }
    }

    private static ObjectNode withStatus(Pipelines pipelines, ObjectNode p) {
        try {
            p.set("status", Json.MAPPER.valueToTree(pipelines.status(p.get("name").asText())));
        } catch (RuntimeException e) {
            p.put("status_error", e.getMessage());
        }
        return p;
    }

    private static JsonNode body(Context ctx) {
        try {
            return Json.MAPPER.readTree(ctx.body());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadRequest("the body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** Compares in constant time, so that the time taken says nothing about a token. */
    private static boolean authorized(String header, List<byte[]> accepted) {
        if (header == null || !header.startsWith("Bearer ")) {
            return false;
        }
        byte[] given = header.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        boolean ok = false;
        for (byte[] a : accepted) {
            ok |= MessageDigest.isEqual(a, given);
        }
        return ok;
    }

    public void start() {
        app.start();
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
