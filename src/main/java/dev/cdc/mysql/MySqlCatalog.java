package dev.cdc.mysql;

import dev.cdc.base.Failure;
import dev.cdc.base.Json;
import dev.cdc.db.Catalog;
import dev.cdc.db.Sql;
import dev.cdc.db.Table;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * What a MySQL/MariaDB database says of its tables ({@code sql/mysql/columns.sql}, {@code tables.sql}),
 * a database being a schema. A column's type is written as PostgreSQL names it, the one vocabulary
 * of the events and of the target tables cdc creates (README, "MySQL types"): tinyint and smallint
 * smallint, int integer, bigint bigint (unsigned: one size up, bigint unsigned numeric(20,0)),
 * decimal numeric, float real, double double precision, char and varchar character and character
 * varying, the text types, enum, set and json text, date date, datetime timestamp without time zone,
 * timestamp timestamp with time zone, bit(1) boolean and bit(n) bit(n), time time, year smallint,
 * binary, varbinary and the blobs bytea. Others are refused, by name.
 */
public final class MySqlCatalog implements Catalog {
    public static final MySqlCatalog INSTANCE = new MySqlCatalog();

    private MySqlCatalog() {
    }

    @Override
    public Optional<Table> find(Handle h, String schema, String name) {
        List<Map<String, Object>> rows = h.createQuery(Sql.load("mysql/columns.sql")).bind("schema", schema)
                .bind("table", name).mapToMap().list();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        List<Table.Column> columns = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            columns.add(new Table.Column((String) r.get("name"), postgresType(schema + "." + name, r), truthy(r.get("not_null")),
                    null, null, null, null, null));
        }
        List<String> key = rows.stream().filter(r -> number(r.get("key_position")) > 0)
                .sorted(Comparator.comparingLong(r -> number(r.get("key_position"))))
                .map(r -> (String) r.get("name")).toList();
        return Optional.of(new Table(schema, name, columns, key));
    }

    @Override
    public List<Table.Name> tables(Handle h) {
        return h.createQuery(Sql.load("mysql/tables.sql"))
                .map((rs, ctx) -> new Table.Name(rs.getString("table_schema"), rs.getString("table_name"))).list();
    }

    @Override
    public List<List<String>> uniqueKeys(Handle h, Table t) {
        return h.createQuery(Sql.load("mysql/unique_keys.sql")).bind("schema", t.schema()).bind("table", t.name())
                .mapTo(String.class).map(Json::stringList).list();
    }

    @Override
    public List<String> selfFilled(Handle h, Table t) {
        return h.createQuery(Sql.load("mysql/self_filled.sql")).bind("schema", t.schema()).bind("table", t.name())
                .mapTo(String.class).list();
    }

    /**
     * The columns of a table that hold JSON (MySQL's json type, MariaDB's json_valid-checked
     * LONGTEXT): typed text like the others, but a target writes JSON into them.
     */
    static java.util.Set<String> jsonColumns(Handle h, String schema, String table) {
        boolean mariadb = h.createQuery(Sql.load("mysql/is_mariadb.sql")).mapTo(Boolean.class).one();
        return java.util.Set.copyOf(h.createQuery(Sql.load(mariadb ? "mysql/json_columns.sql" : "mysql/json_columns_mysql.sql"))
                .bind("schema", schema).bind("table", table).mapTo(String.class).list());
    }

    /** Whether the column's values go into the events as hex ({@code \x...}, PostgreSQL's bytea text). */
    static boolean binary(Table.Column c) {
        return c.type().equals("bytea");
    }

    /** The PostgreSQL type of a MySQL column (see the class comment); an unsupported one is a {@code Failure}. */
    static String postgresType(String table, Map<String, Object> c) {
        String type = ((String) c.get("data_type")).toLowerCase();
        boolean unsigned = ((String) c.get("column_type")).toLowerCase().contains("unsigned");
        long precision = number(c.get("num_precision"));
        long scale = number(c.get("num_scale"));
        long length = number(c.get("char_length"));
        long fraction = number(c.get("time_precision"));
        return switch (type) {
            case "tinyint" -> "smallint";
            case "smallint" -> unsigned ? "integer" : "smallint";
            case "mediumint" -> "integer";
            case "int", "integer" -> unsigned ? "bigint" : "integer";
            case "bigint" -> unsigned ? "numeric(20,0)" : "bigint";
            case "decimal", "numeric" -> "numeric(" + precision + "," + scale + ")";
            case "float" -> "real";
            case "double", "real" -> "double precision";
            case "char" -> "character(" + length + ")";
            case "varchar" -> "character varying(" + length + ")";
            case "tinytext", "text", "mediumtext", "longtext", "enum", "set", "json" -> "text";
            case "date" -> "date";
            case "datetime" -> "timestamp(" + fraction + ") without time zone";
            case "timestamp" -> "timestamp(" + fraction + ") with time zone";
            case "bit" -> precision == 1 ? "boolean" : "bit(" + precision + ")";
            case "time" -> "time(" + fraction + ") without time zone";
            case "year" -> "smallint";
            case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob" -> "bytea";
            default -> throw Failure.usage("column " + c.get("name") + " of " + table + " is of type " + c.get("column_type")
                    + ", which cdc does not capture from MySQL yet");
        };
    }

    private static long number(Object o) {
        return o == null ? 0 : ((Number) o).longValue();
    }

    private static boolean truthy(Object o) {
        return o instanceof Boolean b ? b : o instanceof Number n && n.intValue() != 0;
    }
}
