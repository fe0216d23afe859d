package dev.cdc.base;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;

/**
 * The process's metrics, kept by the Prometheus Java client (its default registry) and served in
 * Prometheus' text format on {@code --metrics-port} ({@code GET /metrics}). Counters only grow;
 * gauges are read when scraped; histograms count observations into buckets (seconds). Each series
 * is a name and its labels, e.g. {@code cdc_published_events_total{table="public.employees"}}; the
 * labels are given as name, value pairs, in the order declared here.
 */
public final class Metrics {
    /** Buckets of the durations, in seconds: from a millisecond (a quiet pipeline) to a minute (an outage). */
    private static final double[] SECONDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
    private static final Map<String, Counter> COUNTERS = new ConcurrentHashMap<>();
    private static final Map<String, Histogram> HISTOGRAMS = new ConcurrentHashMap<>();
    /** Per gauge, per list of label values, what gives its value. */
    private static final Map<String, Map<List<String>, DoubleSupplier>> GAUGES = new ConcurrentHashMap<>();
    private static final Map<String, List<String>> LABELS = new ConcurrentHashMap<>();

    static {
        counter("cdc_published_events_total", "Change events published to Kafka and acknowledged.", "table");
        counter("cdc_publish_batches_total", "Pages of the changelog published.", "table");
        counter("cdc_publish_batch_seconds_total", "Time spent reading, sending and committing pages.", "table");
        histogram("cdc_publish_batch_duration_seconds", "Time to read, send and commit one page of a table's changelog.", "table");
        gauge("cdc_changelog_backlog", "Changes in the changelog not yet published (read at each progress line).", "table");
        counter("cdc_applied_events_total", "Change events delivered: applied to the target, or posted (duplicates not counted).", "topic");
        counter("cdc_skipped_events_total", "Records skipped as applied already (republished or replayed).", "topic");
        counter("cdc_apply_batches_total", "Batches delivered (applied to the target, or posted).", "topic");
        counter("cdc_apply_batch_seconds_total", "Time spent delivering batches.", "topic");
        histogram("cdc_apply_batch_duration_seconds", "Time to deliver one batch (apply it to the target, or post it).", "topic");
        histogram("cdc_end_to_end_latency_seconds", "From a change's write on the source (its event's ts_ms, by the source's "
                + "clock) to its delivery, per event delivered.", "topic");
        gauge("cdc_consumer_lag", "Records on the topic not yet read by this consumer, per partition.", "topic", "partition");
        counter("cdc_dead_letters_total", "Records sent to the dead-letter topic.", "topic");
        counter("cdc_errors_total", "Errors met: outages retried, events rejected and sent to the dead-letter topic.", "command");
        counter("cdc_retries_total", "Retries after a database, the broker or the HTTP endpoint went away, or a flush command failed.",
                "command");
    }

    private Metrics() {
    }

    private static void counter(String name, String help, String... labels) {
        LABELS.put(name, List.of(labels));
        COUNTERS.put(name, Counter.builder().name(name).help(help).labelNames(labels).register());
    }

    private static void histogram(String name, String help, String... labels) {
        LABELS.put(name, List.of(labels));
        HISTOGRAMS.put(name, Histogram.builder().name(name).help(help).labelNames(labels).classicOnly()
                .classicUpperBounds(SECONDS).register());
    }

    private static void gauge(String name, String help, String... labels) {
        LABELS.put(name, List.of(labels));
        Map<List<String>, DoubleSupplier> series = new ConcurrentHashMap<>();
        GAUGES.put(name, series);
        GaugeWithCallback.builder().name(name).help(help).labelNames(labels)
                .callback(cb -> series.forEach((values, value) -> cb.call(value.getAsDouble(), values.toArray(String[]::new))))
                .register();
    }

    /** Adds to a counter. */
    public static void add(String name, double amount, String... labels) {
        known(COUNTERS, name).labelValues(values(name, labels)).inc(amount);
    }

    /** Counts an observation (seconds) into a histogram. */
    public static void observe(String name, double seconds, String... labels) {
        known(HISTOGRAMS, name).labelValues(values(name, labels)).observe(seconds);
    }

    /** Sets the function that gives a gauge's value when scraped. */
    public static void gauge(String name, DoubleSupplier value, String... labels) {
        known(GAUGES, name).put(List.of(values(name, labels)), value);
    }

    private static <T> T known(Map<String, T> metrics, String name) {
        T m = metrics.get(name);
        if (m == null) {
            throw new IllegalArgumentException("unknown metric " + name);
        }
        return m;
    }

    /** The values of name, value pairs, which must name the metric's labels in their order. */
    private static String[] values(String name, String... labels) {
        List<String> declared = LABELS.get(name);
        String[] values = new String[labels.length / 2];
        for (int i = 0; i < values.length; i++) {
            if (!labels[2 * i].equals(declared.get(i))) {
                throw new IllegalArgumentException(name + ": labels " + declared + ", not " + Arrays.toString(labels));
            }
            values[i] = labels[2 * i + 1];
        }
        return values;
    }

    /** Every series in Prometheus' text format, for a server of its own (cdc serve). */
    public static String text() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, PrometheusRegistry.defaultRegistry.scrape());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The content type of {@link #text}. */
    public static final String TEXT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    /** Serves {@code GET /metrics} on the port until the process ends; returns the server. */
    public static HTTPServer serve(int port) {
        try {
            return HTTPServer.builder().port(port).buildAndStart();
        } catch (IOException e) {
            throw Failure.precondition("cannot serve metrics on port " + port + ": " + e.getMessage()
                    + " (another process uses it? pick another --metrics-port)");
        }
    }
}
