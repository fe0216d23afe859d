package dev.cdc.cli;

import dev.cdc.base.Failure;
import dev.cdc.db.Db;
import dev.cdc.engine.Engines;
import dev.cdc.setup.Setup;
import dev.cdc.source.Capture;
import java.util.List;
import java.util.concurrent.Callable;
import org.jdbi.v3.core.Handle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "snapshot", mixinStandardHelpOptions = true, sortOptions = false,
        exitCodeListHeading = Failure.Help.HEADING,
        exitCodeList = {Failure.Help.OK, Failure.Help.BUG, Failure.Help.USAGE, Failure.Help.PRECONDITION, Failure.Help.UNREACHABLE},
        header = "Copy every row of captured tables into their changelogs, to re-sync the target.",
        description = {
            "Reads each table in key order, a stretch of at most 10,000 rows (or 16 MB) per transaction, and writes the stretch into the changelog as updates, which produce publishes and consume applies like any change. Writers keep going: a stretch's rows are share-locked only while it is copied, which also orders the copy with their changes, so no row on the target ends older than on the source. Memory stays bounded; a progress line comes every --progress-interval seconds. cdc setup runs it for newly captured tables. Rows that exist only on the target are left there."})
public final class SnapshotCommand implements Callable<Integer> {
    @Mixin Connections.Source source;
    @Spec CommandSpec spec;

    @Option(names = "--table", split = ",", paramLabel = "SCHEMA.TABLE", required = true,
            description = "Captured tables to copy (repeatable, or comma-separated).")
    List<String> tables;

    @Option(names = "--progress-interval", defaultValue = "5", paramLabel = "SECONDS",
            description = "Print a progress line this often; 0 for never (default ${DEFAULT-VALUE} s).")
    long progressSeconds;

    @Override
    public Integer call() {
        Db db = source.db();
        List<Capture> captures;
        try (Handle h = db.open("cdc-snapshot")) {
            captures = Engines.source(db).captures().load(h, db, tables);
        }
        Setup.snapshot(db, captures, progressSeconds * 1000).forEach(spec.commandLine().getOut()::println);
        return 0;
    }
}
