package dev.cdc.cli;

import dev.cdc.base.Failure;
import dev.cdc.db.Db;
import dev.cdc.engine.Engines;
import dev.cdc.source.Capture;
import dev.cdc.source.Captures;
import java.util.concurrent.Callable;
import org.jdbi.v3.core.Handle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "teardown", mixinStandardHelpOptions = true, sortOptions = false,
        exitCodeListHeading = Failure.Help.HEADING,
        exitCodeList = {Failure.Help.OK, Failure.Help.BUG, Failure.Help.USAGE, Failure.Help.PRECONDITION, Failure.Help.UNREACHABLE},
        header = "Remove capture from tables on the source; their data stays.",
        description = {
            "Drops the capture triggers of the tables named (--table, --schema, --exclude, matched against the captured tables), their functions, the changelog (with any changes not yet published) and the cursor of each table, in one transaction per table. The tables and their rows are untouched, and so are the target, the topics and the events already in them. Stop cdc produce for these tables first."})
public final class TeardownCommand implements Callable<Integer> {
    @Mixin Connections.Source source;
    @Spec CommandSpec spec;

    @Mixin Selection selection;

    @Override
    public Integer call() {
        if (selection.selector().isEmpty()) {
            throw Failure.usage("name the tables to stop capturing: --table (names or patterns) or --schema");
        }
        Db db = source.db();
        try (Handle h = db.open("cdc-teardown")) {
            Captures captures = Engines.source(db).captures();
            for (Capture c : captures.select(h, db, selection.selector())) {
                captures.uninstall(h, c);
                spec.commandLine().getOut().println("capture of " + c.table().display() + " removed: triggers, changelog "
                        + c.changelogDisplay() + " and cursor dropped; the table and its rows are untouched");
            }
        }
        return 0;
    }
}
