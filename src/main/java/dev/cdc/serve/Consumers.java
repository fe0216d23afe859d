package dev.cdc.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cdc.base.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Consumers with thresholds: each reads a topic in a group of its own, gathers events until
 * {@code max_events} or until {@code max_time_ms} passed since the batch's first, then runs its job,
 * a program of {@code --jobs-dir} (the events on its standard input, the batch in its environment)
 * or an HTTP endpoint (the events posted); the offsets are committed only after the job succeeded,
 * so a batch whose job failed is run again. It is {@code cdc consume --sink command|http}, run here.
 * Kept in {@code cdc.consumers} ({@link ConsumerStore}): every cdc serve on the state database follows it,
 * as it does the pipelines, so a restart goes on with every consumer stored as running.
 */
public final class Consumers {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    private static final Pattern JOB = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Set<String> FIELDS = Set.of("name", "topic", "max_events", "max_time_ms", "job");

    private final Commands commands;
    private final ConsumerStore store;
    private final Path jobs;
    private final RunningHere<JsonNode> here = new RunningHere<>("consumer");

    public Consumers(Commands commands, ConsumerStore store, Path jobs) {
        this.commands = commands;
        this.store = store;
        this.jobs = jobs == null ? null : jobs.toAbsolutePath().normalize();
    }

    /** Checks a definition, stores it as running and starts it (a name that ended may be started again). */
    synchronized ObjectNode start(JsonNode body) {
        Body.known(body, FIELDS, " with name, topic, max_events, max_time_ms and job");
        String name = Body.text(body, "name");
        if (!NAME.matcher(name).matches()) {
            throw new BadRequest("name must be 1-63 lower-case letters, digits, '_' or '-', starting with a letter or digit");
        }
        if (stored(name).map(r -> r.state().equals("running")).orElse(false)) {
            throw BadRequest.conflict("a consumer named " + name + " is running (stop it, or take another name)");
        }
        ObjectNode definition = Json.MAPPER.createObjectNode().put("name", name).put("topic", Body.text(body, "topic"))
                .put("max_events", Body.number(body, "max_events", 500, 1, 1_000_000))
                .put("max_time_ms", Body.number(body, "max_time_ms", 1000, 0, 3_600_000));
        JsonNode job = body.get("job");
        if (job == null || !job.isObject() || job.size() != 1 || !(job.has("command") || job.has("url"))) {
            throw new BadRequest("job must be {\"command\": NAME} (a program of cdc serve's --jobs-dir) or {\"url\": URL}");
        }
        definition.set("job", job.deepCopy());
        List<String> args = args(definition); // checked before anything is stored
        stopHere(name);
        store.put(name, definition);
        launch(name, definition, args);
        return view(name);
    }

    /** The arguments of its cdc consume. */
    private List<String> args(JsonNode d) {
        String name = d.get("name").asText();
        List<String> args = new ArrayList<>(List.of("consume", "--topic", d.get("topic").asText(), "--group",
                "cdc-consumer-" + name, "--batch-max-size", d.get("max_events").asText(), "--batch-max-wait",
                d.get("max_time_ms").asText() + "ms", "--progress-interval", "0"));
        JsonNode job = d.get("job");
        if (job.has("command")) {
            // the program gets the batch and a plain environment, none of cdc serve's secrets
            args.addAll(List.of("--sink", "command", "--command", "exec env -i PATH=\"$PATH\" HOME=\"$HOME\" LANG=\"$LANG\" "
                    + "CDC_FLUSH_TOPIC=\"$CDC_FLUSH_TOPIC\" CDC_FLUSH_TABLES=\"$CDC_FLUSH_TABLES\" CDC_FLUSH_COUNT=\"$CDC_FLUSH_COUNT\" "
                    + "CDC_FLUSH_OFFSETS=\"$CDC_FLUSH_OFFSETS\" " + quoted(program(Body.text(job, "command")))));
        } else {
            String url = Body.text(job, "url");
            if (!url.startsWith("http://") && !url.startsWith("https://")) {
                throw new BadRequest("job.url must be an http:// or https:// URL");
            }
            args.addAll(List.of("--sink", "http", "--url", url, "--auth-header", "")); // not cdc serve's CDC_HTTP_AUTHORIZATION
        }
        return args;
    }

    private void launch(String name, JsonNode definition, List<String> args) {
        PipelineRun run = new PipelineRun("consumer " + name, List.of(commands.consume(args)), error -> store.fail(name, error));
        here.start(name, definition, run);
    }

    /**
     * Makes what runs here follow {@code cdc.consumers}, as {@link Pipelines#reconcile} does the
     * pipelines: starts those stored as running, stops the others.
     */
    public synchronized void reconcile() {
        here.follow(store.list().stream().map(r -> new RunningHere.Wanted<>(r.name(), r.definition(), r.state())).toList(),
                store::fail, (name, d) -> launch(name, d, args(d)), (name, error) -> { });
    }

    /** The job's program: a file of the jobs directory, nothing else. */
    private Path program(String job) {
        if (jobs == null) {
            throw new BadRequest("job.command needs cdc serve started with --jobs-dir (the programs a consumer may run)");
        }
        if (!JOB.matcher(job).matches()) {
            throw new BadRequest("job.command is the name of a program of --jobs-dir (letters, digits, '.', '_', '-')");
        }
        Path p = jobs.resolve(job);
        if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
            throw new BadRequest("job.command: --jobs-dir has no executable " + job);
        }
        return p;
    }

    private static String quoted(Path p) {
        return "'" + p.toString().replace("'", "'\\''") + "'";
    }

    private java.util.Optional<ConsumerStore.Row> stored(String name) {
        return store.list().stream().filter(r -> r.name().equals(name)).findFirst();
    }

    List<ObjectNode> list() {
        return store.list().stream().map(this::view).toList();
    }

    ObjectNode view(String name) {
        return view(stored(name).orElseThrow(() -> BadRequest.notFound("consumer " + name)));
    }

    private ObjectNode view(ConsumerStore.Row row) {
        ObjectNode o = row.definition().deepCopy();
        PipelineRun run = here.get(row.name());
        o.put("state", row.state().equals("running") && run == null ? "not running here" : row.state());
        o.put("last_error", run != null && run.error() != null ? run.error() : row.lastError());
        o.put("last_error_at", run != null && run.errorAt() != null ? run.errorAt().toString() : row.lastErrorAt());
        return o;
    }

    /** Stops it after the batch in hand (its job finished, its offsets committed); it stays listed as stopped. */
    synchronized ObjectNode stop(String name) {
        view(name);
        store.state(name, "stopped"); // first: other cdc serve stop it too
        stopHere(name);
        return view(name);
    }

    private void stopHere(String name) {
        here.stop(name);
    }

    /** Stops every consumer running here (their states stay as stored: a restart resumes them). */
    public synchronized void stopAll() {
        here.stopAll();
    }
}
