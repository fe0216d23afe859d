package dev.cdc.setup;

import dev.cdc.base.Failure;
import dev.cdc.db.Db;
import dev.cdc.db.Sql;
import dev.cdc.db.Table;
import dev.cdc.engine.Engines;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * The columns of {@code --key}: rows are keyed by them instead of a primary key (two-way sync,
 * where each side assigns its own, or a table without one). They must identify a row, now and
 * later: NOT NULL, and covered by a unique index of exactly these columns.
 */
final class KeyColumns {
    private KeyColumns() {
    }

    /**
     * Fails, naming the statement that would mend it, unless the columns exist, are NOT NULL and
     * unique; returns them in the order of their unique index (which key-order reads can then use),
     * the given order when an index has it. {@code what}: the key in messages ("--key").
     */
    static List<String> requireUnique(Handle h, Table t, List<String> key, Db db, String what) {
        String where = " of " + t.display() + " on the " + db.where();
        if (Set.copyOf(key).size() != key.size() || key.isEmpty()) {
            throw Failure.usage("--key names each column once: " + String.join(",", key));
        }
        for (String c : key) {
            Table.Column col = t.definition().stream().filter(d -> d.name().equals(c)).findFirst().orElseThrow(
                    () -> Failure.precondition(what + ": there is no column " + c + where));
            if (!col.notNull()) {
                throw Failure.precondition(what + ": column " + c + where + " may be NULL; the columns of a key must "
                        + "be NOT NULL" + (db.isMySql() ? "" : " (ALTER TABLE " + t.sqlName() + " ALTER COLUMN "
                        + Sql.ident(c) + " SET NOT NULL)"));
            }
        }
        Set<String> wanted = Set.copyOf(key);
        List<List<String>> indexes = Engines.catalog(db).uniqueKeys(h, t);
        List<String> index = indexes.contains(key) ? key
                : indexes.stream().filter(cols -> Set.copyOf(cols).equals(wanted)).findFirst().orElse(null);
        if (index == null) {
            throw Failure.precondition(what + ": no unique index on (" + String.join(", ", key) + ")" + where
                    + "; the columns of a key must be unique (CREATE UNIQUE INDEX " + (db.isMySql()
                    ? t.name() + "_" + String.join("_", key) + " ON " + t.display() + " (" + String.join(", ", key)
                    : "ON " + t.sqlName() + " (" + Sql.idents(key)) + "))");
        }
        return List.copyOf(index);
    }
}
