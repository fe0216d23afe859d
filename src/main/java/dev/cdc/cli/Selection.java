package dev.cdc.cli;

import dev.cdc.db.TableSelector;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --table}, {@code --schema} and {@code --exclude}: which tables a command works on. */
public final class Selection {
    @Option(names = "--table", split = ",", paramLabel = "SCHEMA.TABLE", order = 1,
            description = "Tables, by name or pattern (repeatable, or comma-separated; * and ? match any characters and "
                    + "one: 'sales.*', 'sales.order_?'; quote names that need it: '\"Sales\".\"Order Items\"').")
    List<String> tables = new ArrayList<>();

    @Option(names = "--schema", split = ",", paramLabel = "SCHEMA", order = 2,
            description = "Every table of these schemas (repeatable, or comma-separated; the same as --table 'SCHEMA.*').")
    List<String> schemas = new ArrayList<>();

    @Option(names = "--exclude", split = ",", paramLabel = "SCHEMA.TABLE", order = 3,
            description = "Leave out these tables, by name or pattern (repeatable, or comma-separated): --exclude 'sales.tmp_*'.")
    List<String> excludes = new ArrayList<>();

    TableSelector selector() {
        if (tables.isEmpty() && schemas.isEmpty() && !excludes.isEmpty()) {
            throw dev.cdc.base.Failure.usage("--exclude leaves tables out of a --table pattern or a --schema; give one");
        }
        return new TableSelector(tables, schemas, excludes);
    }
}
