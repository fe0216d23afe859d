package dev.cdc.cli;

import dev.cdc.base.Failure;
import dev.cdc.db.Db;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine;

@Command(name = "cdc", mixinStandardHelpOptions = true, version = "cdc 0.1.0",
        header = "Trigger-based change data capture: keeps tables of PostgreSQL, MySQL or MariaDB in sync through Kafka.",
        description = {
            "",
            "A trigger on each captured table writes every INSERT, UPDATE and DELETE to a changelog table in the same transaction; 'produce' publishes the changelog to a Kafka topic, 'consume' applies it to the target database, exactly once in effect. No logical replication, no replication slot, no extension.",
            "",
            "Start with 'cdc demo' to watch it work, or 'cdc sandbox' for local servers to try the commands on:",
            "  cdc setup && cdc topic     then, in two terminals:   cdc produce   |   cdc consume",
            ""},
        subcommands = {SetupCommand.class, TopicCommand.class, ProduceCommand.class, ConsumeCommand.class, SnapshotCommand.class, TeardownCommand.class, StatusCommand.class,
            ServeCommand.class, SelftestCommand.class, DemoCommand.class, SandboxCommand.class, BenchCommand.class,
            CommandLine.HelpCommand.class},
        exitCodeListHeading = Failure.Help.HEADING,
        exitCodeList = {Failure.Help.OK, Failure.Help.BUG, Failure.Help.USAGE, Failure.Help.PRECONDITION, Failure.Help.UNREACHABLE,
            Failure.Help.DIFFERENCE, Failure.Help.BAD_EVENT, Failure.Help.BEHIND})
public final class CdcCommand implements Runnable {

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Print debug logs, and the stack trace of an error.")
    boolean verbose;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "a command is required");
    }

    private static final List<String> VERBOSE = List.of("-v", "--verbose");

    /** Sets log levels before anything logs (slf4j-simple reads them once). */
    public static void configureLogging(String[] args) {
        boolean verbose = Arrays.stream(args).anyMatch(VERBOSE::contains);
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "debug" : "info");
        if (args.length > 0 && args[0].equals("demo") && !verbose) {
            System.setProperty("org.slf4j.simpleLogger.log.cdc", "warn"); // the demo prints its own table
        }
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", verbose ? "info" : "warn");
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka.clients.NetworkClient", verbose ? "info" : "error");
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka.clients.admin.internals", verbose ? "info" : "error");
        System.setProperty("org.slf4j.simpleLogger.log.io.zonky", verbose ? "info" : "warn");
        System.setProperty("org.slf4j.simpleLogger.log.org.jdbi", verbose ? "info" : "warn");
        System.setProperty("org.slf4j.simpleLogger.log.io.javalin", verbose ? "info" : "warn"); // cdc serve's HTTP server
        System.setProperty("org.slf4j.simpleLogger.log.org.eclipse.jetty", verbose ? "info" : "warn");
        System.setProperty("org.slf4j.simpleLogger.log.ch.vorburger", verbose ? "info" : "warn"); // the local MariaDB
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss");
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new CdcCommand());
        cl.setExecutionExceptionHandler(CdcCommand::handle);
        cl.setUsageHelpAutoWidth(true);
        return cl;
    }

    /** One line for the user; the stack trace only with --verbose. */
    private static int handle(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        boolean verbose = parsed.expandedArgs().stream().anyMatch(VERBOSE::contains);
        int code;
        if (e instanceof Failure f) {
            err.println("cdc " + cmd.getCommandName() + ": " + f.getMessage());
            code = f.exitCode();
        } else if (Db.INSUFFICIENT_PRIVILEGE.equals(Db.sqlState(e))) {
            err.println("cdc " + cmd.getCommandName() + ": " + Db.rootMessage(e) + ": the database user lacks a right "
                    + "this command needs (cdc setup --producer-role / --consumer-role ROLE grants them; see the README's Rights)");
            code = Failure.PRECONDITION;
        } else if (Db.isTransient(e)) {
            err.println("cdc " + cmd.getCommandName() + ": lost the connection to a database: " + Db.rootMessage(e));
            code = Failure.UNREACHABLE;
        } else {
            err.println("cdc " + cmd.getCommandName() + ": unexpected error: " + e
                    + (verbose ? "" : " (run with --verbose for the stack trace)"));
            code = Failure.BUG;
        }
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return code;
    }
}
