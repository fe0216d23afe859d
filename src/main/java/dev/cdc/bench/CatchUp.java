package dev.cdc.bench;

import dev.cdc.base.Failure;
import dev.cdc.db.Db;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Handle;

/**
 * Waiting for the target to catch up with what a workload wrote, with the lag sampled over time
 * (one series per workload, for the plot), and the check that it then equals the source.
 */
final class CatchUp {
    private final Db source;
    private final Db target;
    private final BenchPipeline pipeline;
    private final Map<String, List<double[]>> series = new LinkedHashMap<>();
    private volatile Exception writerFailure;
    /** Of the last {@link #await}: seconds until the writer had written everything, and until all was published (-1: not seen). */
    private double writtenAt;
    private double publishedAt;

    CatchUp(Db source, Db target, BenchPipeline pipeline) {
        this.source = source;
        this.target = target;
        this.pipeline = pipeline;
    }

    /** Each series holds rows {seconds, changes not yet published, changes not yet applied}. */
    Map<String, List<double[]>> series() {
        return series;
    }

    /** A workload's writer thread failed: the wait stops with its error. */
    void writerFailed(Exception e) {
        writerFailure = e;
    }

    /** "written in X s, published in Y s" of the last {@link #await}, to 0.1 s (the sampling interval). */
    String milestones() {
        return String.format("written in %.1f s, published in %.1f s", writtenAt, publishedAt);
    }

    /**
     * Waits until the target applied {@code expected} more changes than at {@code from} (and the
     * writer wrote as many), sampling the lag every 100 ms into the named series; returns seconds
     * from {@code t0} to then.
     */
    double await(BenchPipeline.Mark from, long t0, long expected, AtomicLong written, String name)
            throws InterruptedException {
        List<double[]> s = series.computeIfAbsent(name, k -> new ArrayList<>());
        writtenAt = publishedAt = -1;
        try (Handle src = source.open("cdc-bench"); Handle dst = target.open("cdc-bench")) {
            long deadline = System.nanoTime() + 600_000_000_000L;
            int i = 0;
            while (true) {
                long applied = BenchPipeline.applied(target, dst) - from.applied();
                double t = (System.nanoTime() - t0) / 1e9;
                long pub = BenchPipeline.published(source, src) - from.published();
                long w = written.get();
                s.add(new double[] {t, Math.max(0, w - pub), Math.max(0, w - applied)});
                writtenAt = writtenAt < 0 && w >= expected ? t : writtenAt;
                publishedAt = publishedAt < 0 && w >= expected && pub >= expected ? t : publishedAt;
                if (applied >= expected && written.get() >= expected) {
                    return t;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the target did not catch up within 10 minutes");
                }
                if (++i % 10 == 0) {
                    checkAlive();
                    pipeline.sample();
                }
                Thread.sleep(100);
            }
        }
    }

    private void checkAlive() {
        if (writerFailure != null) {
            throw new IllegalStateException("the benchmark's writer failed: " + writerFailure, writerFailure);
        }
        pipeline.checkAlive();
    }

    /** Whole-table comparison: count and md5 of every row, both sides. */
    void verify(String workload) {
        try (Handle s = source.open("cdc-bench"); Handle t = target.open("cdc-bench")) {
            String a = s.createQuery(BenchRun.sql(source, "digest")).mapTo(String.class).one();
            String b = t.createQuery(BenchRun.sql(target, "digest")).mapTo(String.class).one();
            if (!a.equals(b)) {
                throw Failure.difference(workload + ": the target differs from the source after catching up");
            }
        }
    }
}
