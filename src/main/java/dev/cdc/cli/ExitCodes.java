package dev.cdc.cli;

/** The exit codes, as listed in --help (the numbers are {@link dev.cdc.Failure}'s). */
final class ExitCodes {
    static final String HEADING = "%nExit codes:%n";
    static final String OK = "0:Success.";
    static final String STOPPED = "0:Stopped by Ctrl-C or SIGTERM after finishing its batch and storing its position.";
    static final String BUG = "1:Unexpected error (a bug: run with --verbose and report the stack trace).";
    static final String USAGE = "2:Invalid command line.";
    static final String PRECONDITION = "3:Something must be done first: setup not run, topic missing or of another shape, port in use.";
    static final String UNREACHABLE = "4:A database or the Kafka broker cannot be reached, or refused the credentials.";
    static final String DIFFERENCE = "5:The target differs from the source.";
    static final String BEHIND = "7:A table is further behind than --max-lag events (status).";
    static final String BAD_EVENT = "6:An event on the topic is invalid or the target rejected it; consume stops at it.";

    private ExitCodes() {
    }
}
