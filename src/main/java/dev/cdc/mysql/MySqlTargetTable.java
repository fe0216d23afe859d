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
            Sizes sizes = new Sizes(source);
            source.definition().forEach(c -> mysqlType(c, sizes));
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
        Sizes sizes = new Sizes(source);
        String columns = source.definition().stream().map(c -> column(c, sizes))
                .collect(Collectors.joining(",\n    "));
        h.execute(Sql.render("mysql/target/create_database.sql", Map.of("schema", MySqlCapture.ident(source.schema()))));
        h.execute(Sql.render("mysql/target/create_table.sql", Map.of("table", name(source), "columns", columns,
                "pk", source.key().stream().map(MySqlCapture::ident).collect(Collectors.joining(", ")),
                "collation", collation(h))));
        return "table " + source.display() + " created from the source's definition";
    }

    /** Adds the columns of {@code columns} the table lacks (nullable: rows it has get NULL); returns their names. */
    static List<String> addColumns(Handle h, Table existing, List<Table.Column> columns) {
        List<String> added = new ArrayList<>();
        for (Table.Column c : columns) {
            if (existing.definition().stream().noneMatch(e -> e.name().equals(c.name()))) {
                Table.Column nullable = new Table.Column(c.name(), c.type(), false, null, c.enumSchema(), c.enumName(),
                        c.enumLabels(), null);
                h.execute(Sql.render("mysql/target/add_column.sql", Map.of("table", name(existing),
                        "column", column(nullable, new Sizes(existing)) + defaultOf(c))));
                added.add(c.name());
            }
        }
        return added;
    }

    /** The quoted, qualified name. */
    static String name(Table t) {
        return MySqlCapture.ident(t.schema()) + "." + MySqlCapture.ident(t.name());
    }

    private static String column(Table.Column c, Sizes sizes) {
        return MySqlCapture.ident(c.name()) + " " + mysqlType(c, sizes) + (c.notNull() || sizes.key(c) ? " NOT NULL" : "");
    }

    /**
     * A column added to a table that had rows: those rows got a value on the source ({@link
     * Table.Column#missing}), and the target's rows get the same one as the column's default.
     */
    private static String defaultOf(Table.Column c) {
        if (c.missing() == null) {
            return "";
        }
        Object v;
        try {
            v = MySqlValues.of(c, dev.cdc.base.Json.MAPPER.readTree(c.missing()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException | RuntimeException e) {
            return ""; // rows from before the column get NULL, as they would without a default
        }
        String literal = v == null ? "NULL" : v instanceof byte[] b ? "X'" + java.util.HexFormat.of().formatHex(b) + "'"
                : v instanceof Number n ? new java.math.BigDecimal(n.toString()).toPlainString() : MySqlCapture.literal(v.toString());
        return " DEFAULT (" + literal + ")";
    }

    /**
     * The collation of text cdc creates: binary and without padding, so that keys compare as on
     * PostgreSQL ('abc' and 'ABC', 'a' and 'a ' are different rows).
     */
    private static String collation(Handle h) {
        boolean mariadb = h.createQuery(Sql.load("mysql/is_mariadb.sql")).mapTo(Boolean.class).one();
        return mariadb ? "utf8mb4_nopad_bin" : "utf8mb4_0900_bin";
    }

    /**
     * The room a new table's columns share: InnoDB indexes a key of at most 3,072 bytes, shared by
     * its text and bytes columns, and a row's columns other than TEXT and BLOB take at most 65,535
     * bytes (a VARCHAR counts 4 bytes a character in utf8mb4): columns beyond that are LONGTEXT.
     */
    static final class Sizes {
        private static final int KEY_BYTES = 3_000;
        private final Table table;
        private final int keyBytesEach;
        private int rowBytes = 60_000;

        Sizes(Table table) {
            this.table = table;
            long variable = table.definition().stream().filter(c -> table.key().contains(c.name()))
                    .filter(c -> c.type().startsWith("text") || c.type().startsWith("character") || c.type().equals("bytea")
                            || c.type().equals("citext") || c.enumName() != null).count();
            keyBytesEach = (int) (KEY_BYTES / Math.max(1, variable));
        }

        boolean key(Table.Column c) {
            return table.key().contains(c.name());
        }

        /** Characters of a text key column. */
        int keyChars() {
            return keyBytesEach / 4;
        }

        int keyBytes() {
            return keyBytesEach;
        }

        /** Whether a VARCHAR of {@code chars} still fits in the row. */
        boolean fits(int chars) {
            if (chars * 4 > rowBytes) {
                return false;
            }
            rowBytes -= chars * 4;
            return true;
        }
    }

    /**
     * The MySQL type of a column typed in PostgreSQL's names (README, "MySQL and MariaDB"). A text
     * or bytes key is bounded to what InnoDB indexes; a type not in the mapping is a {@link Failure}.
     */
    static String mysqlType(Table.Column c, Sizes sizes) {
        String type = c.type().toLowerCase(Locale.ROOT).strip();
        boolean key = sizes.key(c);
        if (c.enumName() != null && !type.endsWith("[]")) {
            return key ? "VARCHAR(" + Math.min(255, sizes.keyChars()) + ")" : sizes.fits(255) ? "VARCHAR(255)" : "LONGTEXT";
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
            case "bit" -> size != null && size <= 64 ? "BIT(" + size + ")" : unsupportedType(c);
            case "character", "char", "bpchar", "character varying", "varchar" -> varchar(size == null ? Integer.MAX_VALUE : size, sizes, key);
            case "text", "citext", "name" -> varchar(Integer.MAX_VALUE, sizes, key);
            case "uuid" -> "CHAR(36)";
            case "date" -> "DATE";
            case "timestamp without time zone", "timestamp", "timestamp with time zone", "timestamptz" ->
                    "DATETIME(" + fraction(size) + ")";
            case "time without time zone", "time" -> "TIME(" + fraction(size) + ")";
            case "bytea" -> key ? "VARBINARY(" + sizes.keyBytes() + ")" : "LONGBLOB";
            case "json", "jsonb" -> "JSON";
            default -> throw unsupported(c);
        };
    }

    /**
     * Text of at most {@code chars} characters: a key's within its share of the key's bytes; else a
     * VARCHAR up to 255 characters while the row has room, LONGTEXT beyond (CHAR's padding is
     * dropped on read by MySQL, so character(n) is a VARCHAR too).
     */
    private static String varchar(int chars, Sizes sizes, boolean key) {
        if (key) {
            return "VARCHAR(" + Math.min(chars, sizes.keyChars()) + ")";
        }
        return chars <= 255 && sizes.fits(chars) ? "VARCHAR(" + chars + ")" : "LONGTEXT";
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

    private static String unsupportedType(Table.Column c) {
        throw unsupported(c);
    }

    private static Failure unsupported(Table.Column c) {
        return Failure.usage("column " + c.name() + " is of type " + c.type() + ", which cdc does not write to a MySQL "
                + "or MariaDB target yet (README, \"MySQL and MariaDB\"): create the target table yourself with a type "
                + "that takes the column's text, or leave the table out");
    }
}
