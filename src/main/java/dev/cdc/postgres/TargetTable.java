package dev.cdc.postgres;

import dev.cdc.base.Failure;
import dev.cdc.db.Sql;
import dev.cdc.db.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/**
 * The target side of a captured table: created from the source's definition (column names,
 * types, NOT NULL, primary key, and the enum types it uses) when it does not exist; used as it is
 * when it has a compatible shape, with the columns it lacks added; a clear error listing the
 * differences otherwise. A generated column is generated on the target too, with the same
 * expression: the target computes the value the source computed.
 */
public final class TargetTable {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger("cdc.target");
    private TargetTable() {
    }

    /** Fails when the target table exists with a shape that cannot take the source's rows. */
    public static void check(Handle target, Table source) {
        PgCatalog.table(target, source.schema(), source.name()).ifPresent(existing -> requireCompatible(source, existing));
    }

    /** Makes the target table ready for {@code source}; returns what it did. */
    public static String ensure(Handle target, Table source) {
        Optional<Table> existing = PgCatalog.table(target, source.schema(), source.name());
        if (existing.isPresent()) {
            requireCompatible(source, existing.get());
            List<String> added = addColumns(target, existing.get(), source.definition());
            return "table " + source.display() + " already exists with a compatible shape, "
                    + (added.isEmpty() ? "kept as is" : "added column(s) " + String.join(", ", added));
        }
        for (Table.Column c : source.definition()) {
            if (c.enumType() != null) {
                createEnum(target, c);
            }
        }
        target.useTransaction(tx -> {
            tx.execute(Sql.render("target/create_schema.sql", Map.of("schema", Sql.ident(source.schema()))));
            tx.execute(createTable(source));
        });
        return "table " + source.display() + " created from the source's definition";
    }

    /** {@code CREATE TABLE} with the source's columns, types, NOT NULLs and primary key. */
    static String createTable(Table t) {
        String columns = t.definition().stream()
                .map(TargetTable::columnDefinition)
                .collect(Collectors.joining(",\n    "));
        return Sql.render("target/create_table.sql", Map.of("table", t.sqlName(), "columns", columns, "pk", Sql.idents(t.key())));
    }

    /** Grants a role what cdc consume and cdc status need to apply into this table (grant_consume.sql). */
    public static void grantConsumer(Handle target, Table table, String role) {
        target.execute(Sql.render("target/grant_consume.sql", Map.of("role", Sql.ident(role),
                "table_schema", Sql.ident(table.schema()), "table", table.sqlName())));
    }

    /**
     * Adds the source's columns that the target table lacks (added on the source since), with the
     * same type, and the enum labels the target lacks. Rows that existed when a column was added on
     * the source got a value ({@link Table.Column#missing}); the target's rows get the same one, as
     * its default, so that a row image from before the column existed inserts it too. NOT NULL is
     * kept when that value is known. Returns the names of the columns added.
     */
    public static List<String> addColumns(Handle target, Table existing, List<Table.Column> source) {
        return addColumns(target, existing, source, true);
    }

    /**
     * The same, also for columns announced on a topic, which anyone who may write to the topic could
     * have crafted: a type must be a type name the target knows (it is never run as SQL otherwise),
     * and a generated column's expression, which the target would run, is refused unless
     * {@code generatedExpressions} (the source's own definition, or a topic the operator trusts).
     */
    public static List<String> addColumns(Handle target, Table existing, List<Table.Column> source, boolean generatedExpressions) {
        for (Table.Column c : source) {
            if (!existing.columns().contains(c.name())) {
                if (c.generated() != null && !generatedExpressions) {
                    throw Failure.precondition("column " + c.name() + " of " + existing.display() + " was announced on the "
                            + "topic as generated (" + c.generated() + "); an expression from a topic is not run unless "
                            + "you trust the topic: add the column with cdc setup --table " + existing.display()
                            + " (it reads the source's definition), or start cdc consume with --generated-expressions");
                }
            }
        }
        List<String> added = new ArrayList<>();
        for (Table.Column c : source) {
            if (c.enumType() != null) {
                createEnum(target, c);
            }
            if (existing.columns().contains(c.name())) {
                continue;
            }
            requireTypeName(target, c);
            // a generated column computes its own value; another gets the value existing rows got
            String value = c.generated() != null || c.missing() == null ? null : target.createQuery(
                    Sql.render("target/missing_value.sql", Map.of("type", c.type())))
                    .bind("m", c.missing()).mapTo(String.class).one();
            boolean notNull = c.notNull() && (value != null || c.generated() != null);
            target.execute(Sql.render("target/add_column.sql", Map.of("table", existing.sqlName(), "column",
                    columnDefinition(c, value == null ? null : Sql.literal(value) + "::" + c.type(), notNull))));
            log.info("added column {} {} to target table {}{}", c.name(), c.type(), existing.display(),
                    value == null ? "" : ", existing rows " + value);
            if (c.notNull() && !notNull) { // not known
                log.warn("column {} of {} is NOT NULL on the source, but the value its existing rows got is not known "
                        + "(added with a volatile default?): added without NOT NULL; run cdc snapshot --table {} to copy "
                        + "their values", c.name(), existing.display(), existing.display());
            }
            added.add(c.name());
        }
        return added;
    }

    /** A column as CREATE TABLE writes it: name, type, GENERATED clause, NOT NULL. */
    private static String columnDefinition(Table.Column c) {
        return columnDefinition(c, null, c.notNull());
    }

    /** A column as ADD COLUMN writes it, with a default (an SQL expression) or none. */
    private static String columnDefinition(Table.Column c, String defaultValue, boolean notNull) {
        return Sql.ident(c.name()) + " " + c.type() + (c.generated() == null ? "" : " " + c.generated())
                + (defaultValue == null ? "" : " DEFAULT " + defaultValue) + (notNull ? " NOT NULL" : "");
    }

    /** A type as the catalog writes one: names (quoted or not), dots, spaces, digits in parentheses, []. */
    private static final java.util.regex.Pattern TYPE_NAME = java.util.regex.Pattern.compile(
            "(?:\"(?:[^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*|\\s+|\\.|\\(\\s*\\d+\\s*(?:,\\s*\\d+\\s*)?\\)|\\[\\d*])+");

    /**
     * A column's type goes into ALTER TABLE: it must be nothing but a type name that the target
     * resolves (no expression, no other statement: to_regtype parses a type name and nothing else,
     * and the pattern leaves nothing but digits between parentheses); else consume stops, naming it.
     */
    private static void requireTypeName(Handle target, Table.Column c) {
        boolean known = TYPE_NAME.matcher(c.type()).matches() && typeExists(target, c.type());
        if (!known) {
            throw Failure.badEvent("column " + c.name() + " was announced with type '" + c.type() + "', which is not a type "
                    + "the target knows; nothing was changed", null);
        }
    }

    /** Whether the target resolves a type name (to_regtype parses a type name and nothing else). */
    private static boolean typeExists(Handle target, String type) {
        return target.createQuery(Sql.load("catalog/type_exists.sql")).bind("t", type).mapTo(Boolean.class).one();
    }

    /** Creates an enum type the source uses, or adds the labels the target's copy lacks. */
    private static void createEnum(Handle target, Table.Column c) {
        if (!typeExists(target, c.enumType())) {
            target.execute(Sql.render("target/create_schema.sql", Map.of("schema", Sql.ident(c.enumSchema()))));
            target.execute(Sql.render("target/create_enum.sql", Map.of("type", c.enumType(),
                    "labels", c.enumLabels().stream().map(Sql::literal).collect(Collectors.joining(", ")))));
            return;
        }
        List<String> have = target.createQuery(Sql.load("catalog/enum_labels.sql")).bind("t", c.enumType()).mapTo(String.class).list();
        List<String> labels = c.enumLabels();
        for (int i = 0; i < labels.size(); i++) {
            if (!have.contains(labels.get(i))) { // in the source's order: before the next label the target has
                String before = labels.subList(i + 1, labels.size()).stream().filter(have::contains).findFirst().orElse(null);
                target.execute(before == null
                        ? Sql.render("target/add_enum_label.sql", Map.of("type", c.enumType(), "label", Sql.literal(labels.get(i))))
                        : Sql.render("target/add_enum_label_before.sql", Map.of("type", c.enumType(),
                                "label", Sql.literal(labels.get(i)), "before", Sql.literal(before))));
                have = new ArrayList<>(have);
                have.add(labels.get(i));
            }
        }
    }

    private static void requireCompatible(Table source, Table target) {
        List<String> problems = differences(source, target);
        if (!problems.isEmpty()) {
            throw Failure.precondition("target table " + source.display() + " exists with another shape: "
                    + String.join("; ", problems)
                    + " (change or drop it; cdc creates it from the source when it does not exist)");
        }
    }

    /** What keeps the target from taking the source's rows as they are; empty when nothing. */
    public static List<String> differences(Table source, Table target) {
        List<String> problems = new ArrayList<>();
        for (Table.Column s : source.definition()) {
            Optional<Table.Column> t = target.definition().stream().filter(c -> c.name().equals(s.name())).findFirst();
            if (t.isPresent() && !t.get().type().equals(s.type())) { // a missing one is added
                problems.add("column " + s.name() + " is " + t.get().type() + " on the target, " + s.type() + " on the source");
            }
        }
        if (!target.key().equals(source.key())) {
            problems.add("primary key is (" + String.join(", ", target.key()) + ") on the target, ("
                    + String.join(", ", source.key()) + ") on the source");
        }
        return problems;
    }
}
