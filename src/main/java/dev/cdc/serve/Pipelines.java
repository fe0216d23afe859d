package dev.cdc.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cdc.base.Failure;
import dev.cdc.base.Json;
import dev.cdc.base.Loop;
import dev.cdc.db.Db;
import dev.cdc.kafka.Kafka;
import dev.cdc.ops.Status;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipelines of cdc serve: their definitions and states in {@link PipelineStore}, and the ones
 * running here. Changes (create, pause, resume, stop, restart, delete) take one at a time.
 */
public final class Pipelines {
    private static final Logger LOG = LoggerFactory.getLogger("cdc");

    /** How often every cdc serve follows cdc.pipelines ({@link #reconcile}), and a little more. */
    public static final long FOLLOW_MILLIS = 3_000;
    private static final long FOLLOWED_MILLIS = FOLLOW_MILLIS + 2_000;

    private final PipelineStore store;
    private final Commands commands;
    private final Secrets secrets;
    private final Kafka broker;
    private final RunningHere<PipelineDefinition> here = new RunningHere<>("pipeline");
    private final PipelineOffsets offsets;
    /** The last snapshot asked of each pipeline (here, since cdc serve started). */
    private final Map<String, Snapshot> snapshots = new ConcurrentHashMap<>();

    /** A re-sync of tables: running, done or failed, and what it said. */
    record Snapshot(String state, List<String> tables, String startedAt, String finishedAt, String message) {
    }

    public Pipelines(PipelineStore store, Commands commands, Secrets secrets, Kafka broker) {
        this.store = store;
        this.commands = commands;
        this.secrets = secrets;
        this.broker = broker;
        this.offsets = new PipelineOffsets(broker);
    }

    /**
     * Makes what runs here follow {@code cdc.pipelines}: starts every pipeline stored as running (after
     * a restart of cdc serve, each goes on where it stopped; one that cannot start is tried again a
     * minute later), stops those paused, stopped, failed or deleted (by this or another cdc serve on
     * the state database), and starts again those whose definition changed. Run at start and every
     * few seconds.
     */
    public synchronized void reconcile() {
        here.follow(store.list().stream().map(r -> new RunningHere.Wanted<>(r.definition().name(), r.definition(), r.state()))
                .toList(), store::fail, (name, d) -> start(d), (name, error) -> {
                    try {
                        store.error(name, error);
                    } catch (RuntimeException stateDown) {
                        LOG.warn("cannot store the error of pipeline {}: {}", name, stateDown.getMessage());
                    }
                });
    }

    /** Stops every pipeline running here (their state stays as stored: a restart resumes them). */
    public synchronized void stopAll() {
        here.stopAll();
    }

    /** Sets up capture, creates the topics and starts the pipeline; nothing stays installed when a step fails. */
    public synchronized ObjectNode create(JsonNode body) {
        PipelineDefinition d = PipelineDefinition.parse(body, secrets);
        for (PipelineStore.Row other : store.list()) {
            PipelineDefinition o = other.definition();
            List<String> shared = o.tables().stream().filter(d.tables()::contains).toList();
            boolean apart = o.consolidateInto() != null && d.consolidateInto() != null && !o.source().url().equals(d.source().url());
            if (!shared.isEmpty() && !o.name().equals(d.name()) && !apart) {
                throw BadRequest.conflict("pipeline " + o.name() + " has " + String.join(", ", shared) + " already (one "
                        + "capture per source table; and a table's topic is named after it, so two pipelines of one table "
                        + "would mix their events, unless both consolidate: each then has a topic of its own)");
            }
        }
        if (!store.insert(d)) { // stored as stopped until it runs: a crash meanwhile leaves nothing started at the next start
            throw BadRequest.conflict("a pipeline named " + d.name() + " exists already");
        }
        try {
            step(d, d.setup(secrets), "cdc setup");
            try {
                step(d, d.topic(secrets), "cdc topic");
                store.state(d.name(), "running"); // before the loops: a failure of theirs is stored after it
                start(d);
            } catch (RuntimeException e) {
                stopHere(d.name());
                Commands.Outcome undone = commands.run(d.teardown(secrets));
                if (undone.code() != 0) {
                    LOG.warn("pipeline {} not created, and its capture could not be removed: {}", d.name(), undone.err());
                }
                throw e;
            }
        } catch (RuntimeException e) {
            store.delete(d.name());
            throw e;
        }
        LOG.info("pipeline {} created: {}", d.name(), String.join(", ", d.tables()));
        return view(d.name());
    }

    private void step(PipelineDefinition d, List<String> args, String what) {
        Commands.Outcome o = commands.run(args);
        if (o.code() != 0) {
            int status = o.code() == Failure.UNREACHABLE ? 503 : 400;
            throw new BadRequest(status, what + " failed for pipeline " + d.name() + ": " + o.err().strip());
        }
    }

    private void start(PipelineDefinition d) {
        Loop produce = commands.produce(d.produce(secrets));
        Loop consume = commands.consume(d.consume(secrets));
        PipelineRun run = new PipelineRun(d.name(), List.of(produce, consume), error -> store.fail(d.name(), error));
        here.start(d.name(), d, run);
    }

    private PipelineStore.Row row(String name) {
        return store.list().stream().filter(r -> r.definition().name().equals(name)).findFirst()
                .orElseThrow(() -> BadRequest.notFound("pipeline " + name));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the pipeline if it runs here; returns what ran, or null. */
    private PipelineRun stopHere(String name) {
        return here.stop(name);
    }

    /** The definition (passwords as ***), the state and the last error. */
    public ObjectNode view(String name) {
        return view(row(name));
    }

    private ObjectNode view(PipelineStore.Row row) {
        String name = row.definition().name();
        PipelineRun run = here.get(name);
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("name", name);
        o.put("state", row.state().equals("running") && run != null && run.state().equals("failed") ? "failed"
                : row.state().equals("running") && run == null ? "not running here" : row.state());
        o.put("last_error", run != null && run.error() != null ? run.error() : row.lastError());
        o.put("last_error_at", run != null && run.errorAt() != null ? run.errorAt().toString() : row.lastErrorAt());
        o.set("config", row.definition().json(false));
        Snapshot snapshot = snapshots.get(name);
        if (snapshot != null) {
            o.set("snapshot", Json.MAPPER.valueToTree(snapshot));
        }
        return o;
    }

    public List<ObjectNode> list() {
        return store.list().stream().map(this::view).toList();
    }

    /** Stops the pipeline (batch in hand finished, positions stored) and stores the new state. */
    public synchronized ObjectNode halt(String name, String state) {
        row(name);
        store.state(name, state); // first: another cdc serve running it stops too
        stopHere(name);
        LOG.info("pipeline {} {}", name, state);
        return view(name);
    }

    /** Starts the pipeline again (after pause, stop or a failure). */
    public synchronized ObjectNode resume(String name) {
        PipelineStore.Row row = row(name);
        stopHere(name);
        store.state(name, "running"); // before the loops: a failure of theirs is stored after it
        try {
            start(row.definition());
        } catch (RuntimeException e) {
            store.fail(name, e.getMessage());
            throw e;
        }
        LOG.info("pipeline {} running", name);
        return view(name);
    }

    /** Changes the databases' settings or the options of the pipeline; a running one starts again with them. */
    public synchronized ObjectNode configure(String name, JsonNode changes) {
        PipelineStore.Row row = row(name);
        PipelineDefinition changed = row.definition().with(changes, secrets);
        store.definition(changed);
        PipelineRun run = stopHere(name);
        if (run != null) {
            try {
                start(changed);
            } catch (RuntimeException e) {
                store.error(name, e.getMessage());
                throw e;
            }
        }
        LOG.info("pipeline {}: configuration changed ({}){}", name, String.join(", ", fieldNames(changes)),
                run != null ? ", started again" : "");
        return view(name);
    }

    private static List<String> fieldNames(JsonNode o) {
        List<String> names = new java.util.ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** Stops and forgets the pipeline; with {@code teardown}, removes capture from its tables on the source. */
    public synchronized void delete(String name, boolean teardown) {
        PipelineStore.Row row = row(name);
        Snapshot snapshot = snapshots.get(name);
        if (snapshot != null && snapshot.state().equals("running")) {
            throw BadRequest.conflict("a snapshot of pipeline " + name + " is running (started " + snapshot.startedAt() + ")");
        }
        store.state(name, "stopped"); // first: other cdc serve stop it too; a failed teardown leaves it stopped
        stopHere(name);
        if (teardown) {
            sleep(FOLLOWED_MILLIS); // the other cdc serve on the state database have stopped it before its capture goes
            step(row.definition(), row.definition().teardown(secrets), "cdc teardown");
        }
        snapshots.remove(name);
        store.delete(name);
        LOG.info("pipeline {} deleted{}", name, teardown ? ", capture removed" : "");
    }

    /**
     * Copies the rows of the tables (all of the pipeline's, or those named) into their changelogs, in
     * the background (cdc snapshot): the pipeline publishes and applies them like any change, so the
     * target is re-synced while writers go on. Its progress is in the pipeline's view.
     */
    public synchronized ObjectNode snapshot(String name, JsonNode body) {
        PipelineDefinition d = row(name).definition();
        List<String> tables = d.tables();
        if (body != null && !body.isNull() && !(body.isObject() && body.isEmpty())) {
            Body.known(body, java.util.Set.of("tables"), " with tables (optional)");
            List<String> some = new java.util.ArrayList<>();
            body.path("tables").forEach(t -> some.add(t.asText()));
            if (some.isEmpty() || !d.tables().containsAll(some)) {
                throw new BadRequest("tables must name some of the pipeline's tables: " + String.join(", ", d.tables()));
            }
            tables = some;
        }
        Snapshot last = snapshots.get(name);
        if (last != null && last.state().equals("running")) {
            throw BadRequest.conflict("a snapshot of pipeline " + name + " is running (started " + last.startedAt() + ")");
        }
        List<String> copied = tables;
        List<String> args = d.snapshot(secrets, copied); // here: a password that cannot be read is this request's 400
        String started = java.time.Instant.now().toString();
        snapshots.put(name, new Snapshot("running", copied, started, null, null));
        Thread t = new Thread(() -> {
            Commands.Outcome o;
            try {
                o = commands.run(args);
            } catch (Throwable e) {
                o = new Commands.Outcome(Failure.BUG, "", e.toString());
            }
            boolean done = o.code() == 0;
            snapshots.put(name, new Snapshot(done ? "done" : "failed", copied, started,
                    java.time.Instant.now().toString(), done ? o.out() : o.err()));
            LOG.info("pipeline {}: snapshot of {} {}", name, String.join(", ", copied), done ? "done" : "failed: " + o.err());
        }, "snapshot-" + name);
        t.setDaemon(true);
        t.start();
        return view(name);
    }

    /** Backlog and producer per table, lag per partition, as cdc status reads them. */
    public Status.Report status(String name) {
        PipelineDefinition d = row(name).definition();
        return Status.read(db("source", d, d.source()), d.target() == null ? null : db("target", d, d.target()), broker,
                d.group(), d.tables());
    }

    /** The database of an endpoint of the pipeline; null for none (an HTTP pipeline's target). */
    private Db db(String role, PipelineDefinition d, PipelineDefinition.Endpoint e) {
        return e == null ? null : new Db(role, e.url(), e.user(), secrets.open(e.password(), d.name()));
    }

    /** Per partition of the pipeline's topics: the offset the target applied up to, the topic's earliest and end. */
    public com.fasterxml.jackson.databind.node.ArrayNode offsets(String name) {
        PipelineDefinition d = row(name).definition();
        return PipelineOffsets.json(offsets.read(d, db("target", d, d.target())));
    }

    /** Sets the offsets (null: every partition to its earliest), only while the pipeline is stopped. */
    public synchronized com.fasterxml.jackson.databind.node.ArrayNode offsets(String name, JsonNode body) {
        PipelineStore.Row row = row(name);
        if (!row.state().equals("stopped") || here.has(name)) {
            throw BadRequest.conflict("pipeline " + name + " is " + row.state() + ": stop it first (PUT /pipelines/"
                    + name + "/stop), then set its offsets, then resume it");
        }
        offsets.set(row.definition(), db("target", row.definition(), row.definition().target()), body);
        LOG.info("pipeline {}: offsets {}", name, body == null ? "reset to the earliest" : "set");
        return offsets(name);
    }
}
