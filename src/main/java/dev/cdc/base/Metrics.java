package dev.cdc.base;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.function.DoubleSupplier;

/**
 * The process's metrics, served in Prometheus' text format on {@code --metrics-port}
 * ({@code GET /metrics}). Counters only grow; gauges are read when scraped. Each series is a name
 * and its labels, e.g. {@code cdc_published_events_total{table="public.employees"}}.
 */
public final class Metrics {
    private static final Map<String, String> HELP = new TreeMap<>();
    private static final Map<String, String> TYPE = new ConcurrentHashMap<>();
    private static final Map<String, DoubleAdder> COUNTERS = new ConcurrentHashMap<>();
    private static final Map<String, DoubleSupplier> GAUGES = new ConcurrentHashMap<>();

    static {
        help("cdc_published_events_total", "counter", "Change events published to Kafka and acknowledged.");
        help("cdc_publish_batches_total", "counter", "Pages of the changelog published.");
        help("cdc_publish_batch_seconds_total", "counter", "Time spent reading, sending and committing pages.");
        help("cdc_changelog_backlog", "gauge", "Changes in the changelog not yet published (read at each progress line).");
        help("cdc_applied_events_total", "counter", "Change events delivered: applied to the target, or posted (duplicates not counted).");
        help("cdc_skipped_events_total", "counter", "Records skipped as applied already (republished or replayed).");
        help("cdc_apply_batches_total", "counter", "Batches delivered (applied to the target, or posted).");
        help("cdc_apply_batch_seconds_total", "counter", "Time spent delivering batches.");
        help("cdc_consumer_lag", "gauge", "Records on the topic not yet read by this consumer, per partition.");
        help("cdc_dead_letters_total", "counter", "Records sent to the dead-letter topic.");
        help("cdc_errors_total", "counter", "Errors met: outages retried, events rejected and sent to the dead-letter topic.");
        help("cdc_retries_total", "counter", "Retries after a database, the broker or the HTTP endpoint went away, or a flush command failed.");
    }

    private Metrics() {
    }

    private static void help(String name, String type, String text) {
        HELP.put(name, text);
        TYPE.put(name, type);
    }

    /** Adds to a counter. */
    public static void add(String name, double amount, String... labels) {
        COUNTERS.computeIfAbsent(series(name, labels), k -> new DoubleAdder()).add(amount);
    }

    /** Sets the function that gives a gauge's value when scraped. */
    public static void gauge(String name, DoubleSupplier value, String... labels) {
        GAUGES.put(series(name, labels), value);
    }

    private static String series(String name, String... labels) {
        if (!TYPE.containsKey(name)) {
            throw new IllegalArgumentException("unknown metric " + name);
        }
        StringBuilder b = new StringBuilder(name);
        for (int i = 0; i + 1 < labels.length; i += 2) {
            b.append(i == 0 ? "{" : ",").append(labels[i]).append("=\"")
                    .append(labels[i + 1].replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append('"');
        }
        return labels.length > 0 ? b.append('}').toString() : b.toString();
    }

    /** Every series, in Prometheus' text exposition format. */
    public static String render() {
        Map<String, Double> values = new TreeMap<>();
        COUNTERS.forEach((k, v) -> values.put(k, v.sum()));
        GAUGES.forEach((k, v) -> values.put(k, v.getAsDouble()));
        StringBuilder out = new StringBuilder();
        HELP.forEach((name, help) -> {
            out.append("# HELP ").append(name).append(' ').append(help).append('\n');
            out.append("# TYPE ").append(name).append(' ').append(TYPE.get(name)).append('\n');
            values.forEach((series, v) -> {
                if (series.equals(name) || series.startsWith(name + "{")) {
                    out.append(series).append(' ').append(v == Math.rint(v) && Math.abs(v) < 1e15
                            ? Long.toString(v.longValue()) : Double.toString(v)).append('\n');
                }
            });
        });
        return out.toString();
    }

    /** Serves {@code GET /metrics} on the port until the process ends; returns the server. */
    public static HttpServer serve(int port) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
            server.createContext("/metrics", exchange -> {
                byte[] body = render().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(body);
                }
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw Failure.precondition("cannot serve metrics on port " + port + ": " + e.getMessage()
                    + " (another process uses it? pick another --metrics-port)");
        }
    }
}
