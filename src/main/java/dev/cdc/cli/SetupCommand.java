package dev.cdc.cli;

import dev.cdc.base.Failure;
import dev.cdc.setup.Setup;
import dev.cdc.setup.TwoWaySync;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "setup", mixinStandardHelpOptions = true, sortOptions = false,
        exitCodeListHeading = Failure.Help.HEADING,
        exitCodeList = {Failure.Help.OK, Failure.Help.BUG, Failure.Help.USAGE, Failure.Help.PRECONDITION, Failure.Help.UNREACHABLE},
        header = "Install capture of tables on the source, and the tables on the target.",
        description = {
            "With --table or --schema: for each existing source table, a changelog (<table>_cdc) and the triggers that record every INSERT, UPDATE and DELETE into it; on the target, the table created from the source's definition (columns, types, NOT NULL, primary key, enum types) when it does not exist, or checked when it does (another shape is an error, exit 3), and which topic feeds it. Then the rows a newly captured table already has are copied into its changelog (the snapshot; see cdc snapshot), so that they reach the target too. Patterns and --schema pick every table that matches (those without a primary key are listed and left out: name one with --table and --key); running setup again picks up tables added since and leaves the others as they are.",
            "Without --table, the demo: on the source, the employees table, the emp_cdc changelog, the triggers that record every INSERT, UPDATE and DELETE into it, and the cdc.capture cursor table. On the target: the employees table and the cdc.applied_offsets bookkeeping table. Running it again is harmless: existing tables and the producer's cursor are kept, the triggers are refreshed."})
public final class SetupCommand implements Callable<Integer> {
    @Mixin Connections.Source source;
    @Mixin Connections.Target target;
    @Spec CommandSpec spec;

    @Mixin Selection selection;

    @Option(names = "--changelog", paramLabel = "NAME",
            description = "Name of the changelog table, in the table's schema (one --table only; default <table>_cdc).")
    String changelog;

    @Option(names = "--topic", paramLabel = "NAME",
            description = "Kafka topic of the tables' events (default: one per table, <schema>.<table>, characters "
                    + "Kafka does not allow replaced by _). Given with many tables (a list, patterns, --schema), they "
                    + "all share it: with hundreds of tables one topic costs Kafka and cdc far less than hundreds "
                    + "(see the README's \"Many tables\"); one consume applies it, each event into its table. A "
                    + "captured table keeps the topic it has.")
    String topic;

    @Option(names = "--no-target",
            description = "Capture on the source only, for events that go to an HTTP endpoint or a command (cdc consume "
                    + "--sink http or --sink command), not to a database: the target options are not used.")
    boolean noTarget;

    @Option(names = "--no-snapshot",
            description = "Do not copy the rows a newly captured table already has (see cdc snapshot).")
    boolean noSnapshot;

    @Option(names = "--producer-role", split = ",", paramLabel = "ROLE",
            description = "Grant this existing source role what cdc produce and cdc status need, and no more (see the "
                    + "README's table of rights). Roles that only write the captured tables need nothing from cdc. "
                    + "With --two-way: on both sides.")
    List<String> producerRoles = new ArrayList<>();

    @Option(names = "--consumer-role", split = ",", paramLabel = "ROLE",
            description = "Grant this existing target role what cdc consume and cdc status need on the bookkeeping "
                    + "tables and the target tables, and no more. With --two-way: on both sides, with the row versions, "
                    + "cdc.conflicts and (PostgreSQL 15+) the right to set session_replication_role.")
    List<String> consumerRoles = new ArrayList<>();

    @Option(names = "--consolidate-into", paramLabel = "SCHEMA.TABLE",
            description = "On the target, put this source's rows into this table, shared by several sources (run setup once "
                    + "per source): created from the source's definition with a first column source_name (text) and the "
                    + "primary key (source_name, <the source's key>), so equal keys of different sources never collide. "
                    + "Each source's cdc produce names it with --source-name; the sources may share a topic or use "
                    + "one each (--topic).")
    String consolidateInto;

    @Option(names = "--two-way",
            description = "Keep --table in sync in both directions between the source and the target database: capture on "
                    + "both, one topic per direction (<topic>.from-<side name>), each side applying the other's changes "
                    + "without capturing them again (no echo), and conflicts resolved by a stated rule (see the README). "
                    + "The table is created on the target from the source's definition when missing; the source's rows "
                    + "are copied to it.")
    boolean twoWay;

    @Option(names = "--target-table", paramLabel = "SCHEMA.TABLE",
            description = "With --two-way and one --table: the table's name on the target when it has another name there "
                    + "(a legacy film kept in sync with a service's catalogue, say); the events of each side name the "
                    + "table as that side does, and each side applies the other's to its own.")
    String targetTable;

    @Option(names = "--side-names", split = ",", paramLabel = "SOURCE_NAME,TARGET_NAME", defaultValue = "source,target",
            description = "With --two-way: the names of the two sides, in events, versions and conflicts (default "
                    + "${DEFAULT-VALUE}); on equal versions the side whose name sorts first wins.")
    List<String> sideNames;

    @Option(names = "--key", split = ",", paramLabel = "COLUMN",
            description = "A table without a primary key, named with --table: key its events by these columns "
                    + "(NOT NULL, with a unique index of exactly them); the target table gets them as its primary key. "
                    + "With --two-way: relate rows across the sides by these columns (a UUID both share, say) "
                    + "instead of the primary key, so each side keeps assigning its own primary key (a serial id): "
                    + "rows applied from the other side get this side's own. The columns must be NOT NULL and unique "
                    + "on both sides, the other primary key columns an identity or serial, and the table must exist on "
                    + "both sides.")
    List<String> key;

    @Override
    public Integer call() {
        if (noTarget && twoWay) {
            throw dev.cdc.base.Failure.usage("--no-target does not go with --two-way");
        }
        if (twoWay) {
            if (sideNames.size() != 2) {
                throw dev.cdc.base.Failure.usage("--side-names takes two names, the source's and the target's");
            }
            if (consolidateInto != null || changelog != null) {
                throw dev.cdc.base.Failure.usage("--two-way does not go with --consolidate-into or --changelog");
            }
            if (!selection.selector().exact()) {
                throw dev.cdc.base.Failure.usage("--two-way takes tables named one by one with --table, not patterns or --schema");
            }
            TwoWaySync.setup(source.db(), target.db(), new TwoWaySync.Request(selection.tables, targetTable, topic, sideNames.get(0),
                    sideNames.get(1), key, !noSnapshot, new Setup.Roles(producerRoles, consumerRoles)))
                    .forEach(spec.commandLine().getOut()::println);
            return 0;
        }
        if (targetTable != null) {
            throw dev.cdc.base.Failure.usage("--target-table goes with --two-way (one-way sync creates the target table "
                    + "with the source's name, or --consolidate-into puts the rows of several sources into one)");
        }
        for (String line : Setup.run(source.db(), noTarget ? null : target.db(), new Setup.Request(selection.selector(), changelog, topic,
                !noSnapshot, new Setup.Roles(producerRoles, consumerRoles), consolidateInto, key))) {
            spec.commandLine().getOut().println(line);
        }
        return 0;
    }
}
