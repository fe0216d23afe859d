package dev.cdc.postgres;

import dev.cdc.base.Json;
import dev.cdc.db.Catalog;
import dev.cdc.db.Sql;
import dev.cdc.db.Table;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** PostgreSQL's catalog: columns (types as PostgreSQL writes them, enums, generated expressions) and primary key. */
public final class PgCatalog implements Catalog {
    public static final PgCatalog INSTANCE = new PgCatalog();

    private PgCatalog() {
    }

    @Override
    public Optional<Table> find(Handle h, String schema, String name) {
        return table(h, schema, name);
    }

    @Override
    public List<Table.Name> tables(Handle h) {
        return h.createQuery(Sql.load("catalog/tables.sql"))
                .map((rs, ctx) -> new Table.Name(rs.getString("schema"), rs.getString("name"))).list();
    }

    @Override
    public List<List<String>> uniqueKeys(Handle h, Table t) {
        return h.createQuery(Sql.load("catalog/unique_keys.sql")).bind("schema", t.schema()).bind("name", t.name())
                .mapTo(String.class).map(Json::stringList).list();
    }

    @Override
    public List<String> selfFilled(Handle h, Table t) {
        return h.createQuery(Sql.load("catalog/self_filled.sql")).bind("schema", t.schema()).bind("name", t.name())
                .mapTo(String.class).list();
    }

    /** The table as the catalog describes it, or empty when it does not exist. */
    static Optional<Table> table(Handle h, String schema, String name) {
        List<Table.Column> columns = h.createQuery(Sql.load("catalog/columns.sql"))
                .bind("schema", schema).bind("name", name)
                .map((rs, ctx) -> new Table.Column(rs.getString("name"), rs.getString("type"), rs.getBoolean("not_null"),
                        rs.getString("generated"), rs.getString("enum_schema"), rs.getString("enum_name"),
                        rs.getArray("enum_labels") == null ? List.of() : List.of((String[]) rs.getArray("enum_labels").getArray()),
                        rs.getString("missing")))
                .list();
        if (columns.isEmpty()) {
            return Optional.empty();
        }
        List<String> key = h.createQuery(Sql.load("catalog/primary_key.sql"))
                .bind("schema", schema).bind("name", name).mapTo(String.class).list();
        return Optional.of(new Table(schema, name, columns, key));
    }
}
