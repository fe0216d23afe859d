package dev.cdc.ops;

import dev.cdc.db.Db;
import dev.cdc.db.Sql;
import dev.cdc.db.Table;
import java.util.HashMap;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/** Compares a table on the source and the target, row by row (every column, by its text). */
public record Compare(long sourceRows, long targetRows, long missing, long extra, long different) {

    public boolean identical() {
        return missing == 0 && extra == 0 && different == 0;
    }

    public static Compare of(Db source, Db target, Table table) {
        Map<String, String> s = rows(source, table);
        Map<String, String> t = rows(target, table);
        long missing = 0;
        long different = 0;
        for (var e : s.entrySet()) {
            String other = t.get(e.getKey());
            if (other == null) {
                missing++;
            } else if (!other.equals(e.getValue())) {
                different++;
            }
        }
        long extra = t.keySet().stream().filter(k -> !s.containsKey(k)).count();
        return new Compare(s.size(), t.size(), missing, extra, different);
    }

    private static Map<String, String> rows(Db db, Table table) {
        String key = "jsonb_build_object(" + String.join(", ", table.key().stream()
                .map(c -> Sql.literal(c) + ", t." + Sql.ident(c)).toList()) + ")::text";
        String cols = String.join(", ", table.columns().stream().map(c -> "t." + Sql.ident(c)).toList());
        Map<String, String> m = new HashMap<>();
        try (Handle h = db.open("cdc-compare")) {
            h.createQuery(Sql.render("ops/compare_rows.sql", Map.of("key", key, "columns", cols, "table", table.sqlName())))
                    .map((rs, ctx) -> m.put(rs.getString("k"), rs.getString("v"))).list();
        }
        return m;
    }

    @Override
    public String toString() {
        return identical() ? String.format("identical: %,d rows on both sides", sourceRows)
                : String.format("DIFFERENT: source %,d rows, target %,d rows; %,d missing on the target, %,d extra, %,d differ",
                sourceRows, targetRows, missing, extra, different);
    }
}
