package dev.cdc.bench;

import dev.cdc.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code cdc} command in a JVM of its own (what a user runs), with its peak memory and CPU time
 * read from /proc where there is one.
 */
public final class ChildProcess implements AutoCloseable {
    private final Process process;
    private final Path log;
    private long peakRssKb;
    private double cpuSeconds;

    private ChildProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code cdc <args>} with the given JVM options, output to {@code log}. */
    public static ChildProcess start(List<String> jvmOptions, Path log, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(args);
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return new ChildProcess(p, log);
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    /** Reads the peak resident set size and the CPU time so far (Linux /proc; no-op elsewhere). */
    public void sample() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid()), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    peakRssKb = Math.max(peakRssKb, Long.parseLong(line.replaceAll("\\D", "")));
                }
            }
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid()), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            cpuSeconds = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime + stime, in ticks
        } catch (IOException | RuntimeException e) {
            // not Linux, or the process is gone: keep the last sample
        }
    }

    public long peakRssMb() {
        return peakRssKb / 1024;
    }

    public double cpuSeconds() {
        return cpuSeconds;
    }

    /** SIGTERM and wait: the command finishes its batch and stores its position. */
    public int stop() throws InterruptedException {
        sample();
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
