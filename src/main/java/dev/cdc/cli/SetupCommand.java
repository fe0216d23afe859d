package dev.cdc.cli;

import dev.cdc.Pipeline;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "setup", mixinStandardHelpOptions = true, sortOptions = false,
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.OK, ExitCodes.BUG, ExitCodes.USAGE, ExitCodes.PRECONDITION, ExitCodes.UNREACHABLE},
        header = "Install the employees table and its capture on the source, and the table on the target.",
        description = {
            "On the source: the employees table, the emp_cdc changelog, the triggers that record every INSERT, UPDATE and DELETE into it, and the cdc.capture cursor table. On the target: the employees table and the cdc.applied_offsets bookkeeping table. Running it again is harmless: existing tables and the producer's cursor are kept, the triggers are refreshed."})
public final class SetupCommand implements Callable<Integer> {
    @Mixin Connections.Source source;
    @Mixin Connections.Target target;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        for (String line : Pipeline.setup(source.db(), target.db())) {
            spec.commandLine().getOut().println(line);
        }
        return 0;
    }
}
