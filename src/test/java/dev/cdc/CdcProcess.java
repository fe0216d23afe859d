package dev.cdc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A {@code cdc} command running in its own JVM from the packaged jar, so a test can kill it. */
final class CdcProcess implements AutoCloseable {
    private final Process process;
    final Path log;

    private CdcProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static CdcProcess start(String name, String... args) throws IOException {
        return start(name, java.util.Map.of(), args);
    }

    /** With these variables added to its environment. */
    static CdcProcess start(String name, java.util.Map<String, String> env, String... args) throws IOException {
        Path jar = Path.of("target", "cdc.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException("target/cdc.jar is missing: integration tests run after 'mvn package'");
        }
        Path log = Path.of("target", "it-logs", name + "-" + System.nanoTime() + ".log");
        Files.createDirectories(log.getParent());
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        b.environment().putAll(env);
        Process p = b.start();
        return new CdcProcess(p, log);
    }

    /** SIGKILL: no shutdown hook, no flush, no cursor stored. */
    void kill9() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM, then the exit code. */
    int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(40, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("did not stop within 40 s after SIGTERM; log: " + output());
        }
        return process.exitValue();
    }

    /** Waits for the process to end by itself; returns its exit code. */
    int await(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("still running after " + seconds + " s; log: " + output());
        }
        return process.exitValue();
    }

    boolean alive() {
        return process.isAlive();
    }

    String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
