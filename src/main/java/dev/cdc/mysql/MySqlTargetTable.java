package dev.cdc.mysql;

import dev.cdc.base.Failure;
import dev.cdc.db.Sql;
import dev.cdc.db.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/**
 * A target table on MySQL/MariaDB: created from the source's definition (types in PostgreSQL's
 * names, the events' vocabulary, mapped by {@link #mysqlType}; NOT NULL; the primary key) when it
 * does not exist, in the database named like the source table's schema; used as it is when its
 * primary key is the source's, with the columns it lacks added. A type name is only ever turned
 * into one of the MySQL types of the mapping, never pasted into SQL, since a schema event naming it
 * may come from anyone who can write to the topic.
 */
final class MySqlTargetTable {
    /** The longest text key InnoDB indexes in utf8mb4 (3,072 bytes). */
    private static final int KEY_CHARS = 768;
    private static final Pattern SIZED = Pattern.compile("([a-z ]+?)(?:\\((\\d+)(?:,(\\d+))?\\))?((?: with(?:out)? time zone)?)");

    private MySqlTargetTable() {
    }

    /**
     * Fails when the table exists with another primary key than the source's, or does not and a
     * column of the source has a type the mapping lacks (checked before anything is installed).
     */
    static void check(Handle h, Table source) {
        Optional<Table> existing = MySqlCatalog.INSTANCE.find(h, source.schema(), source.name());
        if (existing.isEmpty()) {
            source.definition().forEach(c -> mysqlType(c, source.key().contains(c.name())));
        } else if (!existing.get().key().equals(source.key())) {
            throw Failure.precondition("target table " + source.display() + " exists with primary key ("
                    + String.join(", ", existing.get().key()) + "), the source's is (" + String.join(", ", source.key())
                    + "): rows are applied by key, so they must be the same");
        }
    }

    /** Makes the target table ready for the source's rows; returns what it did. */
    static String ensure(Handle h, Table source) {
        Optional<Table> existing = MySqlCatalog.INSTANCE.find(h, source.schema(), source.name());
        check(h, source);
        if (existing.isPresent()) {
            List<String> added = addColumns(h, existing.get(), source.definition());
            return "table " + source.display() + " already exists with the same primary key, "
                    + (added.isEmpty() ? "kept as is" : "added column(s) " + String.join(", ", added));
        }
        String columns = source.definition().stream().map(c -> column(c, source.key().contains(c.name())))
                .collect(Collectors.joining(",\n    "));
        h.execute(Sql.render("mysql/target/create_database.sql", Map.of("schema", MySqlCapture.ident(source.schema()))));
        h.execute(Sql.render("mysql/target/create_table.sql", Map.of("table", name(source), "columns", columns,
                "pk", source.key().stream().map(MySqlCapture::ident).collect(Collectors.joining(", ")))));
        return "table " + source.display() + " created from the source's definition";
    }

    /** Adds the columns of {@code columns} the table lacks (nullable: rows it has get NULL); returns their names. */
    static List<String> addColumns(Handle h, Table existing, List<Table.Column> columns) {
        List<String> added = new ArrayList<>();
        for (Table.Column c : columns) {
            if (existing.definition().stream().noneMatch(e -> e.name().equals(c.name()))) {
                Table.Column nullable = new Table.Column(c.name(), c.type(), false, null, null, null, null, null);
                h.execute(Sql.render("mysql/target/add_column.sql", Map.of("table", name(existing),
                        "column", column(nullable, false))));
                added.add(c.name());
            }
        }
        return added;
    }

    /** The quoted, qualified name. */
    static String name(Table t) {
        return MySqlCapture.ident(t.schema()) + "." + MySqlCapture.ident(t.name());
    }

    private static String column(Table.Column c, boolean key) {
        return MySqlCapture.ident(c.name()) + " " + mysqlType(c, key) + (c.notNull() || key ? " NOT NULL" : "");
    }

    /**
     * The MySQL type of a column typed in PostgreSQL's names (README, "MySQL and MariaDB"). A text
     * or bytes key is bounded to what InnoDB indexes; a type not in the mapping is a {@link Failure}.
     */
    static String mysqlType(Table.Column c, boolean key) {
        String type = c.type().toLowerCase(Locale.ROOT).strip();
        if (c.enumName() != null && !type.endsWith("[]")) {
            return "VARCHAR(255)";
        }
        if (type.endsWith("[]")) {
            return "JSON";
        }
        Matcher m = SIZED.matcher(type);
        if (!m.matches()) {
            throw unsupported(c);
        }
        String base = m.group(1).strip() + m.group(4);
        Integer size = m.group(2) == null ? null : Integer.valueOf(m.group(2));
        Integer scale = m.group(3) == null ? null : Integer.valueOf(m.group(3));
        return switch (base) {
            case "smallint", "int2" -> "SMALLINT";
            case "integer", "int", "int4" -> "INT";
            case "bigint", "int8" -> "BIGINT";
            case "numeric", "decimal" -> decimal(c, size, scale);
            case "real", "float4" -> "FLOAT";
            case "double precision", "float8" -> "DOUBLE";
            case "boolean", "bool" -> "BOOLEAN";
            case "character", "char", "bpchar" -> "CHAR(" + (size == null ? 1 : Math.min(size, 255)) + ")";
            case "character varying", "varchar" -> size != null && size <= (key ? KEY_CHARS : 16_383)
                    ? "VARCHAR(" + size + ")" : key ? "VARCHAR(" + KEY_CHARS + ")" : "LONGTEXT";
            case "text", "citext", "name" -> key ? "VARCHAR(" + KEY_CHARS + ")" : "LONGTEXT";
            case "uuid" -> "CHAR(36)";
            case "date" -> "DATE";
            case "timestamp without time zone", "timestamp", "timestamp with time zone", "timestamptz" ->
                    "DATETIME(" + fraction(size) + ")";
            case "time without time zone", "time" -> "TIME(" + fraction(size) + ")";
            case "bytea" -> key ? "VARBINARY(3072)" : "LONGBLOB";
            case "json", "jsonb" -> "JSON";
            default -> throw unsupported(c);
        };
    }

    /** numeric(p,s) as DECIMAL(p,s); numeric without a precision as DECIMAL(65,30), MySQL's widest. */
    private static String decimal(Table.Column c, Integer size, Integer scale) {
        if (size == null) {
            return "DECIMAL(65,30)";
        }
        if (size > 65 || scale != null && scale > 30) {
            throw Failure.usage("column " + c.name() + " is " + c.type() + ": MySQL's DECIMAL holds at most 65 digits, "
                    + "30 of them after the point");
        }
        return "DECIMAL(" + size + "," + (scale == null ? 0 : scale) + ")";
    }

    private static int fraction(Integer size) {
        return size == null ? 6 : Math.min(size, 6);
    }

    private static Failure unsupported(Table.Column c) {
        return Failure.usage("column " + c.name() + " is of type " + c.type() + ", which cdc does not write to a MySQL "
                + "or MariaDB target yet (README, \"MySQL and MariaDB\"): create the target table yourself with a type "
                + "that takes the column's text, or leave the table out");
    }
}
