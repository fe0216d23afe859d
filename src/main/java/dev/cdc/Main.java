package dev.cdc;

import dev.cdc.cli.CdcCommand;

/** Entry point of the {@code cdc} command. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        CdcCommand.configureLogging(args);
        System.exit(CdcCommand.commandLine().execute(args));
    }
}
