package dev.cdc.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cdc.base.Json;
import dev.cdc.db.Db;
import dev.cdc.db.Sql;
import java.util.List;
import org.jdbi.v3.core.Handle;

/** The table {@code cdc.consumers} in the state database: the consumers with thresholds, and their states. */
public final class ConsumerStore {
    /** A stored consumer: its definition, state and last error. */
    record Row(String name, JsonNode definition, String state, String lastError, String lastErrorAt) {
    }

    private final Db db;

    public ConsumerStore(Db db) {
        this.db = db;
    }

    /** Creates the table when missing. */
    public void install() {
        try (Handle h = db.open("cdc-serve")) {
            h.createScript(Sql.load("serve/consumers/table.sql")).execute();
        }
    }

    /** Stores the consumer as running, new or again. */
    void put(String name, JsonNode definition) {
        update("serve/consumers/put.sql", name, "definition", Json.write(definition));
    }

    List<Row> list() {
        try (Handle h = db.open("cdc-serve")) {
            return h.createQuery(Sql.load("serve/consumers/list.sql")).map((rs, ctx) -> new Row(rs.getString("name"),
                    PipelineStore.tree(rs.getString("definition")), rs.getString("state"), rs.getString("last_error"),
                    rs.getString("last_error_at"))).list();
        }
    }

    void state(String name, String state) {
        update("serve/consumers/set_state.sql", name, "state", state);
    }

    void fail(String name, String error) {
        update("serve/consumers/fail.sql", name, "error", error);
    }

    private void update(String sql, String name, String field, String value) {
        try (Handle h = db.open("cdc-serve")) {
            h.createUpdate(Sql.load(sql)).bind("name", name).bind(field, value).execute();
        }
    }
}
