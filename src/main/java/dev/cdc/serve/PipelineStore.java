package dev.cdc.serve;

import dev.cdc.base.Json;
import dev.cdc.db.Db;
import dev.cdc.db.Sql;
import java.util.List;
import org.jdbi.v3.core.Handle;

/** The table {@code cdc.pipelines} in the state database (PostgreSQL): what cdc serve runs, and in which state. */
public final class PipelineStore {
    /** A stored pipeline: its definition (passwords sealed), state and last error. */
    public record Row(PipelineDefinition definition, String state, String lastError, String lastErrorAt) {
    }

    private final Db db;

    public PipelineStore(Db db) {
        this.db = db;
    }

    /** Creates the table when missing. */
    public void install() {
        try (Handle h = db.open("cdc-serve")) {
            h.createScript(Sql.load("serve/pipelines.sql")).execute();
        }
    }

    /** Stores a new pipeline as running; false when the name is taken. */
    boolean insert(PipelineDefinition d) {
        try (Handle h = db.open("cdc-serve")) {
            return h.createUpdate(Sql.load("serve/insert.sql")).bind("name", d.name())
                    .bind("definition", Json.write(d.json(true))).execute() == 1;
        }
    }

    List<Row> list() {
        try (Handle h = db.open("cdc-serve")) {
            return h.createQuery(Sql.load("serve/list.sql")).map((rs, ctx) -> new Row(
                    PipelineDefinition.stored(tree(rs.getString("definition"))), rs.getString("state"),
                    rs.getString("last_error"), rs.getString("last_error_at"))).list();
        }
    }

    static com.fasterxml.jackson.databind.JsonNode tree(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cdc.pipelines holds a definition that is not JSON", e);
        }
    }

    void definition(PipelineDefinition d) {
        update("serve/set_definition.sql", d.name(), "definition", Json.write(d.json(true)));
    }

    void state(String name, String state) {
        update("serve/set_state.sql", name, "state", state);
    }

    /** The pipeline stopped on an error. */
    void fail(String name, String error) {
        update("serve/fail.sql", name, "error", error);
    }

    void error(String name, String error) {
        update("serve/set_error.sql", name, "error", error);
    }

    void delete(String name) {
        update("serve/delete.sql", name, "name", name);
    }

    private void update(String sql, String name, String field, String value) {
        try (Handle h = db.open("cdc-serve")) {
            h.createUpdate(Sql.load(sql)).bind("name", name).bind(field, value).execute();
        }
    }
}
