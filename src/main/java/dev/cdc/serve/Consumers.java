package dev.cdc.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cdc.base.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Consumers with thresholds: each reads a topic in a group of its own, gathers events until
 * {@code max_events} or until {@code max_time_ms} passed since the batch's first, then runs its job,
 * a program of {@code --jobs-dir} (the events on its standard input, the batch in its environment)
 * or an HTTP endpoint (the events posted); the offsets are committed only after the job succeeded,
 * so a batch whose job failed is run again. It is {@code cdc consume --sink command|http}, run here.
 * Kept in memory: they end with cdc serve (their groups' offsets stay in Kafka).
 */
public final class Consumers {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    private static final Pattern JOB = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Set<String> FIELDS = Set.of("name", "topic", "max_events", "max_time_ms", "job");

    private record Consumer(ObjectNode definition, PipelineRun run) {
    }

    private final Commands commands;
    private final Path jobs;
    private final Map<String, Consumer> consumers = new ConcurrentHashMap<>();

    public Consumers(Commands commands, Path jobs) {
        this.commands = commands;
        this.jobs = jobs == null ? null : jobs.toAbsolutePath().normalize();
    }

    synchronized ObjectNode start(JsonNode body) {
        Body.known(body, FIELDS, " with name, topic, max_events, max_time_ms and job");
        String name = Body.text(body, "name");
        if (!NAME.matcher(name).matches()) {
            throw new BadRequest("name must be 1-63 lower-case letters, digits, '_' or '-', starting with a letter or digit");
        }
        Consumer old = consumers.get(name);
        if (old != null && old.run().state().equals("running") && !old.run().stopped()) {
            throw BadRequest.conflict("a consumer named " + name + " is running (stop it, or take another name)");
        }
        String topic = Body.text(body, "topic");
        int maxEvents = Body.number(body, "max_events", 500, 1, 1_000_000);
        int maxTime = Body.number(body, "max_time_ms", 1000, 0, 3_600_000);
        List<String> args = new ArrayList<>(List.of("consume", "--topic", topic, "--group", "cdc-consumer-" + name,
                "--batch-max-size", Integer.toString(maxEvents), "--batch-max-wait", maxTime + "ms",
                "--progress-interval", "0"));
        JsonNode job = body.get("job");
        if (job == null || !job.isObject() || job.size() != 1 || !(job.has("command") || job.has("url"))) {
            throw new BadRequest("job must be {\"command\": NAME} (a program of cdc serve's --jobs-dir) or {\"url\": URL}");
        }
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
        ObjectNode definition = Json.MAPPER.createObjectNode().put("name", name).put("topic", topic)
                .put("max_events", maxEvents).put("max_time_ms", maxTime);
        definition.set("job", job.deepCopy());
        PipelineRun run = new PipelineRun("consumer " + name, List.of(commands.consume(args)), error -> { });
        consumers.put(name, new Consumer(definition, run));
        run.start();
        return view(name);
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

    List<ObjectNode> list() {
        return consumers.keySet().stream().sorted().map(this::view).toList();
    }

    ObjectNode view(String name) {
        Consumer c = consumers.get(name);
        if (c == null) {
            throw BadRequest.notFound("consumer " + name);
        }
        ObjectNode o = c.definition().deepCopy();
        o.put("state", c.run().stopped() ? "stopped" : c.run().state());
        o.put("last_error", c.run().error());
        o.put("last_error_at", c.run().errorAt() == null ? null : c.run().errorAt().toString());
        return o;
    }

    /** Stops it after the batch in hand (its job finished, its offsets committed); it stays listed as stopped. */
    ObjectNode stop(String name) {
        view(name);
        consumers.get(name).run().stop();
        return view(name);
    }

    public void stopAll() {
        consumers.values().parallelStream().forEach(c -> c.run().stop());
    }
}
