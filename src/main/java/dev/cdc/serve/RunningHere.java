package dev.cdc.serve;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What runs in this cdc serve (its pipelines, or its consumers), by name, with the definition each
 * was started with, and how that follows what the state database says should run ({@link #follow}).
 */
final class RunningHere<D> {
    private static final Logger LOG = LoggerFactory.getLogger("cdc");
    private static final long RETRY_MILLIS = 60_000;

    /** What the state database says of one: its definition, and its state (running, paused, stopped, failed). */
    record Wanted<D>(String name, D definition, String state) {
        boolean running() {
            return state.equals("running");
        }
    }

    private final String kind;
    private final Map<String, PipelineRun> runs = new ConcurrentHashMap<>();
    private final Map<String, D> definitions = new ConcurrentHashMap<>();
    /** When one last failed to start (it is tried again a minute later). */
    private final Map<String, Long> failedAt = new ConcurrentHashMap<>();

    /** {@code kind}: "pipeline" or "consumer", for the log. */
    RunningHere(String kind) {
        this.kind = kind;
    }

    PipelineRun get(String name) {
        return runs.get(name);
    }

    boolean has(String name) {
        return runs.containsKey(name);
    }

    /** Starts the run, started from {@code definition}. */
    void start(String name, D definition, PipelineRun run) {
        runs.put(name, run);
        definitions.put(name, definition);
        run.start();
    }

    /** Stops it if it runs here (its batch in hand finished); returns what ran, or null. */
    PipelineRun stop(String name) {
        PipelineRun run = runs.remove(name);
        definitions.remove(name);
        if (run != null) {
            run.stop();
        }
        return run;
    }

    /** Stops everything running here, all at once (each finishes its batch in hand). */
    void stopAll() {
        runs.values().parallelStream().forEach(PipelineRun::stop);
        runs.clear();
        definitions.clear();
    }

    /**
     * Makes what runs here follow {@code wanted}: stops what should not run, or runs an older
     * definition, or failed while it should run (its failure given to {@code storeFailure}: it could
     * not be stored when it happened); starts what should run and does not ({@code start}), one that
     * cannot start being told to {@code cannotStart} and tried again a minute later.
     */
    void follow(List<Wanted<D>> wanted, BiConsumer<String, String> storeFailure, BiConsumer<String, D> start,
                BiConsumer<String, String> cannotStart) {
        Map<String, Wanted<D>> byName = new java.util.HashMap<>();
        wanted.forEach(w -> byName.put(w.name(), w));
        for (String name : List.copyOf(runs.keySet())) {
            Wanted<D> w = byName.get(name);
            PipelineRun run = runs.get(name);
            if (w != null && w.running() && run.state().equals("failed")) {
                storeFailure.accept(name, run.error());
                stop(name);
            } else if (w == null || !w.running() || !w.definition().equals(definitions.get(name))) {
                stop(name);
                LOG.info("{} {} {} (as the state database says)", kind, name, w == null ? "deleted"
                        : w.running() ? "changed: starting again" : w.state());
            }
        }
        long now = System.currentTimeMillis();
        for (Wanted<D> w : wanted) {
            if (w.running() && !runs.containsKey(w.name()) && now - failedAt.getOrDefault(w.name(), 0L) > RETRY_MILLIS) {
                try {
                    start.accept(w.name(), w.definition());
                    failedAt.remove(w.name());
                    LOG.info("{} {} running", kind, w.name());
                } catch (RuntimeException e) {
                    failedAt.put(w.name(), now);
                    LOG.error("{} {} cannot start: {} (trying again in a minute)", kind, w.name(), e.getMessage());
                    cannotStart.accept(w.name(), e.getMessage());
                }
            }
        }
    }
}
