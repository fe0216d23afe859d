package dev.cdc.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cdc.base.Json;
import dev.cdc.db.Table;
import dev.cdc.source.Capture;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a pipeline is, as {@code POST /pipelines} gives it: a name, a source database and its
 * tables, a target database (or an HTTP endpoint: {@code "http": {"url": ..., "authorization": ...}}
 * instead of {@code "target"}), and a few options; turned into the arguments of the commands a user
 * would type ({@code cdc setup}, {@code topic}, {@code produce}, {@code consume}), so that a
 * pipeline runs the very code the commands run. Passwords are kept sealed ({@link Secrets}).
 *
 * <pre>{"name": "hr", "tables": ["public.employees"],
 *  "source": {"url": "jdbc:postgresql://db1/app", "user": "cdc", "password": "env:CDC_PIPELINE_HR_SOURCE"},
 *  "target": {"url": "jdbc:postgresql://db2/app", "user": "cdc", "password": "..."},
 *  "partitions": 3, "snapshot": true, "batch_size": 5000, "batch_max_wait_ms": 0, "on_error": "fail"}</pre>
 */
public record PipelineDefinition(String name, Endpoint source, Endpoint target, List<String> tables, int partitions,
                                 boolean snapshot, int batchSize, long batchMaxWaitMillis, String onError,
                                 String consolidateInto, Http http) {

    /** An HTTP endpoint the events are posted to, with the Authorization header's value (sealed) or none. */
    public record Http(String url, String authorization) {
        JsonNode json(boolean shown) {
            ObjectNode o = Json.MAPPER.createObjectNode().put("url", url);
            if (authorization != null) {
                o.put("authorization", shown ? authorization : "***");
            }
            return o;
        }
    }

    /** A database: its JDBC URL, user and password (sealed, or a reference env:CDC_PIPELINE_... / file:NAME). */
    public record Endpoint(String url, String user, String password) {
        JsonNode json(boolean shown) {
            ObjectNode o = Json.MAPPER.createObjectNode();
            o.put("url", url).put("user", user).put("password", shown ? password : "***");
            return o;
        }
    }

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_]{0,62}");
    private static final Set<String> FIELDS = Set.of("name", "source", "target", "tables", "partitions", "snapshot",
            "batch_size", "batch_max_wait_ms", "on_error", "consolidate_into", "http");

    /** Reads and checks a definition; a {@link BadRequest} says what is wrong. Passwords are sealed with {@code secrets}. */
    public static PipelineDefinition parse(JsonNode body, Secrets secrets) {
        Body.known(body, FIELDS, " with name, source, target and tables");
        String name = Body.text(body, "name");
        if (!NAME.matcher(name).matches()) {
            throw new BadRequest("name must be 1-63 lower-case letters, digits or '_', starting with a letter or digit");
        }
        List<String> tables = new ArrayList<>();
        JsonNode t = body.get("tables");
        if (t == null || !t.isArray() || t.isEmpty()) {
            throw new BadRequest("tables must be a non-empty array of \"schema.table\" names");
        }
        for (JsonNode n : t) {
            if (!n.isTextual()) {
                throw new BadRequest("tables must hold \"schema.table\" names");
            }
            try {
                Table.parseName(n.asText());
            } catch (RuntimeException e) {
                throw new BadRequest("tables: " + e.getMessage());
            }
            tables.add(n.asText());
        }
        String onError = body.path("on_error").asText("fail");
        if (!onError.equals("fail") && !onError.equals("dlq")) {
            throw new BadRequest("on_error must be fail or dlq");
        }
        String into = null;
        if (body.has("consolidate_into")) {
            into = Body.text(body, "consolidate_into");
            try {
                Table.parseName(into);
            } catch (RuntimeException e) {
                throw new BadRequest("consolidate_into: " + e.getMessage());
            }
            if (tables.size() != 1) {
                throw new BadRequest("consolidate_into takes the rows of one table (tables must name one)");
            }
        }
        if (body.has("http") == body.has("target")) {
            throw new BadRequest("give target (a database the events are applied to) or http (an endpoint they are posted to)");
        }
        Http http = body.has("http") ? http(body.get("http"), name, secrets) : null;
        if (http != null && into != null) {
            throw new BadRequest("consolidate_into is a table of a target database, not with http");
        }
        return new PipelineDefinition(name, endpoint(body, "source", name, secrets),
                http != null ? null : endpoint(body, "target", name, secrets), tables,
                Body.number(body, "partitions", 3, 1, 10_000), !body.has("snapshot") || bool(body, "snapshot"),
                Body.number(body, "batch_size", 5000, 1, 1_000_000), Body.number(body, "batch_max_wait_ms", 0, 0, 3_600_000),
                onError, into, http);
    }

    private static Http http(JsonNode h, String owner, Secrets secrets) {
        Body.known(h, Set.of("url", "authorization"), " with url (and authorization)");
        String url = Body.text(h, "url");
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw new BadRequest("http.url must be an http:// or https:// URL");
        }
        return new Http(url, h.has("authorization") ? secrets.seal(Body.text(h, "authorization"), owner, "http") : null);
    }

    static Endpoint endpoint(JsonNode body, String field, String owner, Secrets secrets) {
        JsonNode e = body.get(field);
        if (e == null || !e.isObject()) {
            throw new BadRequest(field + " must be an object with url, user and password");
        }
        String url = Body.text(e, "url");
        if (!url.startsWith("jdbc:postgresql:") && !url.startsWith("jdbc:mysql:") && !url.startsWith("jdbc:mariadb:")) {
            throw new BadRequest(field + ".url must be a jdbc:postgresql:, jdbc:mysql: or jdbc:mariadb: URL");
        }
        if (url.toLowerCase(java.util.Locale.ROOT).contains("password=")) {
            throw new BadRequest(field + ".url must not hold a password: give it as " + field + ".password");
        }
        return new Endpoint(url, Body.text(e, "user"), secrets.seal(Body.text(e, "password"), owner, field));
    }

    private static boolean bool(JsonNode o, String field) {
        if (!o.get(field).isBoolean()) {
            throw new BadRequest(field + " must be true or false");
        }
        return o.get(field).asBoolean();
    }

    /** As stored ({@code shown}: the sealed passwords) or as returned by the API (passwords as ***). */
    public ObjectNode json(boolean shown) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("name", name);
        o.set("source", source.json(shown));
        if (target != null) {
            o.set("target", target.json(shown));
        } else {
            o.set("http", http.json(shown));
        }
        tables.forEach(o.putArray("tables")::add);
        o.put("partitions", partitions).put("snapshot", snapshot).put("batch_size", batchSize)
                .put("batch_max_wait_ms", batchMaxWaitMillis).put("on_error", onError);
        if (consolidateInto != null) {
            o.put("consolidate_into", consolidateInto);
        }
        return o;
    }

    /** What PATCH .../config may change; the rest makes another pipeline. */
    private static final Set<String> CHANGEABLE = Set.of("source", "target", "http", "batch_size", "batch_max_wait_ms", "on_error");

    /**
     * This definition with the fields of {@code changes}: the databases' settings (a moved server, a
     * rotated password) and the options; not its name, tables or partitions.
     */
    PipelineDefinition with(JsonNode changes, Secrets secrets) {
        Body.known(changes, FIELDS, "");
        ObjectNode merged = json(true);
        for (java.util.Iterator<String> it = changes.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!CHANGEABLE.contains(f)) {
                throw new BadRequest(f + " cannot be changed (create another pipeline); changeable: "
                        + String.join(", ", CHANGEABLE.stream().sorted().toList()));
            }
            merged.set(f, f.equals("source") || f.equals("target") ? endpoint(changes, f, name, secrets).json(true)
                    : f.equals("http") ? http(changes.get(f), name, secrets).json(true) : changes.get(f));
        }
        return stored(merged);
    }

    /** A stored definition (its passwords sealed already). */
    static PipelineDefinition stored(JsonNode o) {
        return parse(o, Secrets.KEEP);
    }

    /**
     * The topic of a pipeline that consolidates: its own (the table's, then the pipeline's name), so that
     * each source's pipeline applies its events only; the events carry the pipeline's name as source name.
     */
    String consolidatedTopic() {
        String[] t = Table.parseName(tables.get(0));
        return Capture.defaultTopic(t[0], t[1]) + "." + name;
    }

    /** The consumer group of the pipeline's consume. */
    public String group() {
        return "cdc-pipeline-" + name;
    }

    private List<String> connection(String side, Endpoint e, Secrets secrets) {
        return List.of("--" + side, e.url(), "--" + side + "-user", e.user(),
                "--" + side + "-password", secrets.open(e.password(), name));
    }

    private List<String> tableArgs() {
        return List.of("--table", String.join(",", tables));
    }

    /** {@code cdc setup} of this pipeline (broker arguments not included). */
    List<String> setup(Secrets secrets) {
        List<String> a = new ArrayList<>(List.of("setup"));
        a.addAll(connection("source", source, secrets));
        a.addAll(target != null ? connection("target", target, secrets) : List.of("--no-target"));
        a.addAll(tableArgs());
        if (!snapshot) {
            a.add("--no-snapshot");
        }
        if (consolidateInto != null) {
            a.addAll(List.of("--consolidate-into", consolidateInto, "--topic", consolidatedTopic()));
        }
        return a;
    }

    /** {@code cdc topic} creating the tables' topics. */
    List<String> topic(Secrets secrets) {
        List<String> a = new ArrayList<>(List.of("topic"));
        a.addAll(connection("source", source, secrets));
        a.addAll(tableArgs());
        a.addAll(List.of("--partitions", Integer.toString(partitions)));
        return a;
    }

    List<String> produce(Secrets secrets) {
        List<String> a = new ArrayList<>(List.of("produce"));
        a.addAll(connection("source", source, secrets));
        a.addAll(tableArgs());
        a.addAll(List.of("--batch-size", Integer.toString(batchSize), "--progress-interval", "0"));
        if (consolidateInto != null) {
            a.addAll(List.of("--source-name", name));
        }
        return a;
    }

    List<String> consume(Secrets secrets) {
        List<String> a = new ArrayList<>(List.of("consume"));
        a.addAll(target != null ? connection("target", target, secrets) : List.of("--sink", "http", "--url", http.url(),
                "--auth-header", http.authorization() == null ? "" : secrets.open(http.authorization(), name)));
        a.addAll(consolidateInto == null ? tableArgs() : List.of("--consolidate-into", consolidateInto, "--topic", consolidatedTopic()));
        a.addAll(List.of("--group", group(), "--batch-max-wait", batchMaxWaitMillis + "ms", "--on-error", onError,
                "--progress-interval", "0"));
        return a;
    }

    /** {@code cdc snapshot} of some of its tables. */
    List<String> snapshot(Secrets secrets, List<String> some) {
        List<String> a = new ArrayList<>(List.of("snapshot"));
        a.addAll(connection("source", source, secrets));
        a.addAll(List.of("--table", String.join(",", some), "--progress-interval", "0"));
        return a;
    }

    List<String> teardown(Secrets secrets) {
        List<String> a = new ArrayList<>(List.of("teardown"));
        a.addAll(connection("source", source, secrets));
        a.addAll(tableArgs());
        return a;
    }
}
