package dev.cdc.mysql;

import dev.cdc.base.Progress;
import dev.cdc.db.Sql;
import dev.cdc.db.Table;
import dev.cdc.source.Capture;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.SqlStatement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the rows a captured MySQL table already has into its changelog, so that they reach the
 * target like any change: in key order, a stretch of at most {@link #STRETCH_ROWS} rows per
 * statement, each statement its own transaction (see {@code sql/mysql/snapshot.sql}). A stretch's
 * rows are share-locked only while it is copied, so the application's writers wait at most that
 * long, and the changelog never takes the whole table in one transaction.
 */
final class MySqlSnapshot {
    private static final Logger log = LoggerFactory.getLogger("cdc.snapshot");
    static final int STRETCH_ROWS = 5_000;

    private MySqlSnapshot() {
    }

    /** Copies every row of the capture's table; returns how many, with a progress line every {@code progressMillis}. */
    static long run(Handle h, Capture capture, long progressMillis, int stretchRows) {
        Table t = capture.table();
        List<String> key = t.key();
        List<String> columns = key.stream().map(k -> "r." + MySqlCapture.ident(k)).toList();
        String keys = String.join(", ", columns);
        Map<String, String> v = new HashMap<>(Map.of("changelog", MySqlCapture.changelog(t.schema(), t.name()),
                "table", MySqlCapture.ident(t.schema()) + "." + MySqlCapture.ident(t.name()), "row", MySqlCapture.row(t, "r"),
                "versions", "", "version", "NULL", "keys", keys, "skip", String.valueOf(stretchRows - 1)));
        if (capture.origin() != null) {
            v.put("versions", "LEFT JOIN " + MySqlCapture.versions(capture) + " v ON " + key.stream()
                    .map(k -> "v." + MySqlCapture.ident(k) + " = r." + MySqlCapture.ident(k)).collect(Collectors.joining(" AND ")));
            v.put("version", "CASE WHEN v.cdc_origin = " + MySqlCapture.literal(capture.origin()) + " THEN v.cdc_version END");
        }
        Progress progress = new Progress(progressMillis);
        List<Object> after = null; // the last stretch's last key; null: none yet
        while (true) {
            v.put("after", after == null ? "TRUE" : order(columns, "a", '>'));
            Optional<List<Object>> upto = bind(h.createQuery(Sql.render("mysql/snapshot_bound.sql", v)), "a", after)
                    .map((rs, ctx) -> values(rs, key.size())).findOne();
            v.put("upto", upto.isEmpty() ? "TRUE" : order(columns, "u", '<'));
            var copy = bind(h.createUpdate(Sql.render("mysql/snapshot.sql", v)), "a", after);
            progress.add(bind(copy, "u", upto.orElse(null)).execute());
            if (progress.due()) {
                log.info("snapshot of {}: {} rows copied ({}/s)", t.display(), progress.total(), progress.rate());
            }
            if (upto.isEmpty()) {
                return progress.total();
            }
            after = upto.get();
        }
    }

    /**
     * The key past the parameters {@code :p0, :p1, ...} ({@code '>'}), or up to and including them
     * ({@code '<'}), in key order, written out as MariaDB's range optimizer reads it: a row
     * comparison {@code (a, b) > (:p0, :p1)} it does not, and would scan the table from its start
     * for every stretch, share-locking each row it passes.
     */
    static String order(List<String> columns, String prefix, char direction) {
        List<String> ors = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            List<String> and = new ArrayList<>();
            for (int j = 0; j < i; j++) {
                and.add(columns.get(j) + " = :" + prefix + j);
            }
            and.add(columns.get(i) + " " + direction + " :" + prefix + i);
            ors.add(String.join(" AND ", and));
        }
        if (direction == '<') {
            List<String> equal = new ArrayList<>();
            for (int j = 0; j < columns.size(); j++) {
                equal.add(columns.get(j) + " = :" + prefix + j);
            }
            ors.add(String.join(" AND ", equal));
        }
        return "(" + columns.get(0) + " " + direction + "= :" + prefix + "0 AND ((" + String.join(") OR (", ors) + ")))";
    }

    private static <S extends SqlStatement<S>> S bind(S statement, String prefix, List<Object> values) {
        for (int i = 0; values != null && i < values.size(); i++) {
            statement.bind(prefix + i, values.get(i));
        }
        return statement;
    }

    /**
     * A row's key values as they compare exactly when bound again: numbers as numbers (a string
     * would be compared as a double, inexact past 2^53; BIT and TINYINT(1), which the driver reads
     * as booleans or bytes, as their numbers), dates and times as MySQL's own text of them (no
     * conversion through the JVM's time zone; a zero date, which the driver reads as null, too),
     * the rest as the driver reads it.
     */
    private static List<Object> values(ResultSet rs, int n) throws SQLException {
        List<Object> values = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            int type = rs.getMetaData().getColumnType(i);
            Object o = type == Types.BIT || type == Types.BOOLEAN ? (Object) rs.getLong(i) : rs.getObject(i);
            o = o == null || o instanceof java.util.Date || o instanceof Temporal ? rs.getString(i)
                    : o instanceof BigInteger b ? new BigDecimal(b) : o;
            if (o == null) {
                throw new IllegalStateException("key column " + rs.getMetaData().getColumnName(i) + " read as NULL");
            }
            values.add(o);
        }
        return values;
    }
}
