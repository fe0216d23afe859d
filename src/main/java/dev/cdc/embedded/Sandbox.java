package dev.cdc.embedded;

import dev.cdc.db.Db;
import dev.cdc.kafka.Kafka;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * The three servers a pipeline needs, started on this machine with no Docker: a source
 * PostgreSQL, a target PostgreSQL and a Kafka broker. Used by {@code cdc demo}, {@code cdc
 * sandbox}, {@code cdc selftest --embedded}, the benchmark and the tests.
 */
public final class Sandbox implements AutoCloseable {
    private final Path dir;
    private final FileChannel lockFile;
    private final FileLock lock;
    private LocalPostgres source;
    private LocalPostgres target;
    private LocalKafka kafka;

    private Sandbox(Path dir, FileChannel lockFile, FileLock lock) {
        this.dir = dir;
        this.lockFile = lockFile;
        this.lock = lock;
    }

    /** Default home of the servers' data: {@code $CDC_HOME} or {@code <tmp>/cdc-<user>}. */
    public static Path home() {
        String env = System.getenv("CDC_HOME");
        return env != null && !env.isBlank() ? Path.of(env)
                : Path.of(System.getProperty("java.io.tmpdir"), "cdc-" + System.getProperty("user.name"));
    }

    /** Starts the three servers; a port of 0 picks a free one. See {@link LocalPostgres#start} for durable. */
    public static Sandbox start(Path dir, int sourcePort, int targetPort, int kafkaPort, boolean durable) throws IOException {
        return start(dir, sourcePort, targetPort, kafkaPort, durable, null);
    }

    /** The same, with the broker's log in {@code kafkaLogs} (null: beside its other files, see {@link LocalKafka#start(Path, int, Path)}). */
    public static Sandbox start(Path dir, int sourcePort, int targetPort, int kafkaPort, boolean durable, Path kafkaLogs)
            throws IOException {
        Files.createDirectories(dir);
        FileChannel ch = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = ch.tryLock();
        if (lock == null) {
            ch.close();
            throw dev.cdc.base.Failure.precondition("another cdc process is using the local servers in " + dir
                    + " (set CDC_HOME to use another directory)");
        }
        Sandbox s = new Sandbox(dir, ch, lock);
        try {
            s.kafka = LocalKafka.start(dir.resolve("kafka"), kafkaPort == 0 ? Ports.free() : kafkaPort, kafkaLogs);
            s.source = LocalPostgres.start("source", dir.resolve("source"), sourcePort == 0 ? Ports.free() : sourcePort, durable);
            s.target = LocalPostgres.start("target", dir.resolve("target"), targetPort == 0 ? Ports.free() : targetPort, durable);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    public LocalPostgres sourceServer() {
        return source;
    }

    public LocalPostgres targetServer() {
        return target;
    }

    public LocalKafka kafkaServer() {
        return kafka;
    }

    public Db source() {
        return source.db("source");
    }

    public Db target() {
        return target.db("target");
    }

    public Kafka kafka(String topic) {
        return new Kafka(kafka.bootstrapServers(), topic, Map.of());
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() throws IOException {
        try {
            for (AutoCloseable c : new AutoCloseable[] {target, source, kafka}) {
                if (c != null) {
                    try {
                        c.close();
                    } catch (Exception e) {
                        // keep closing the others
                    }
                }
            }
        } finally {
            lock.release();
            lockFile.close();
        }
    }
}
