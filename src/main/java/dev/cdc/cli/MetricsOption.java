package dev.cdc.cli;

import dev.cdc.base.Failure;
import dev.cdc.base.Metrics;
import picocli.CommandLine.Option;

/** {@code --metrics-port}, for the long-running commands. */
public final class MetricsOption {
    @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "${env:CDC_METRICS_PORT:-0}",
            description = "Serve Prometheus metrics on http://<host>:PORT/metrics: events, batches and their durations, "
                    + "backlog, consumer lag, dead letters, errors, retries (env CDC_METRICS_PORT; default 0: off).")
    int port;

    /** Starts serving when a port was given. */
    void serve() {
        if (port < 0 || port > 65535) {
            throw Failure.usage("--metrics-port must be a port number (1-65535), or 0 for none");
        }
        if (port > 0) {
            Metrics.serve(port);
        }
    }
}
