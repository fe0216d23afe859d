package dev.cdc;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/**
 * The target side of a captured table: created from the source's definition (column names,
 * types, NOT NULL, primary key, and the enum types it uses) when it does not exist; used as it is
 * when it has a compatible shape; a clear error listing the differences otherwise.
 */
public final class TargetTable {
    private TargetTable() {
    }

    /** Fails when the target table exists with a shape that cannot take the source's rows. */
    public static void check(Handle target, Table source) {
        Table.find(target, source.schema(), source.name()).ifPresent(existing -> requireCompatible(source, existing));
    }

    /** Makes the target table ready for {@code source}; returns what it did. */
    public static String ensure(Handle target, Table source) {
        Optional<Table> existing = Table.find(target, source.schema(), source.name());
        if (existing.isPresent()) {
            requireCompatible(source, existing.get());
            return "table " + source.display() + " already exists with a compatible shape, kept as is";
        }
        for (Table.Column c : source.definition()) {
            if (c.enumType() != null) {
                createEnum(target, c);
            }
        }
        target.useTransaction(tx -> {
            tx.execute("CREATE SCHEMA IF NOT EXISTS " + Sql.ident(source.schema()));
            tx.execute(createTable(source));
        });
        return "table " + source.display() + " created from the source's definition";
    }

    /** {@code CREATE TABLE} with the source's columns, types, NOT NULLs and primary key. */
    static String createTable(Table t) {
        String columns = t.definition().stream()
                .map(c -> Sql.ident(c.name()) + " " + c.type() + (c.notNull() ? " NOT NULL" : ""))
                .collect(Collectors.joining(",\n    "));
        return "CREATE TABLE " + t.sqlName() + " (\n    " + columns + ",\n    PRIMARY KEY (" + Sql.idents(t.key()) + ")\n)";
    }

    /** Creates an enum type the source uses, or adds the labels the target's copy lacks. */
    private static void createEnum(Handle target, Table.Column c) {
        boolean exists = target.createQuery("SELECT to_regtype(:t) IS NOT NULL").bind("t", c.enumType())
                .mapTo(Boolean.class).one();
        if (!exists) {
            target.execute("CREATE SCHEMA IF NOT EXISTS " + Sql.ident(c.enumSchema()));
            target.execute("CREATE TYPE " + c.enumType() + " AS ENUM ("
                    + c.enumLabels().stream().map(Sql::literal).collect(Collectors.joining(", ")) + ")");
            return;
        }
        List<String> have = target.createQuery("SELECT e.enumlabel FROM pg_enum e WHERE e.enumtypid = to_regtype(:t) "
                + "ORDER BY e.enumsortorder").bind("t", c.enumType()).mapTo(String.class).list();
        for (String label : c.enumLabels()) {
            if (!have.contains(label)) {
                target.execute("ALTER TYPE " + c.enumType() + " ADD VALUE IF NOT EXISTS " + Sql.literal(label));
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
    static List<String> differences(Table source, Table target) {
        List<String> problems = new ArrayList<>();
        for (Table.Column s : source.definition()) {
            Optional<Table.Column> t = target.definition().stream().filter(c -> c.name().equals(s.name())).findFirst();
            if (t.isEmpty()) {
                problems.add("column " + s.name() + " is missing");
            } else if (!t.get().type().equals(s.type())) {
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
