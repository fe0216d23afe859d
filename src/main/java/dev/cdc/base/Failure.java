package dev.cdc.base;

/**
 * An error a user can act on: one line of text and the exit code the process ends with.
 * Commands throw it; the command line prints the line and exits with the code. The exit codes
 * are defined here, their numbers and what {@code --help} says of them ({@link Help}).
 */
public final class Failure extends RuntimeException {
    public static final int OK = 0;
    public static final int BUG = 1;
    public static final int USAGE = 2;
    public static final int PRECONDITION = 3;
    public static final int UNREACHABLE = 4;
    public static final int DIFFERENCE = 5;
    public static final int BAD_EVENT = 6;
    public static final int BEHIND = 7;

    /** The exit codes as {@code --help} lists them, "code:meaning". */
    public static final class Help {
        public static final String HEADING = "%nExit codes:%n";
        public static final String OK = Failure.OK + ":Success.";
        public static final String STOPPED = Failure.OK
                + ":Stopped by Ctrl-C or SIGTERM after finishing its batch and storing its position.";
        public static final String BUG = Failure.BUG
                + ":Unexpected error (a bug: run with --verbose and report the stack trace).";
        public static final String USAGE = Failure.USAGE + ":Invalid command line.";
        public static final String PRECONDITION = Failure.PRECONDITION
                + ":Something must be done first: setup not run, topic missing or of another shape, port in use.";
        public static final String UNREACHABLE = Failure.UNREACHABLE
                + ":A database or the Kafka broker cannot be reached, or refused the credentials.";
        public static final String DIFFERENCE = Failure.DIFFERENCE + ":The target differs from the source.";
        public static final String BEHIND = Failure.BEHIND + ":A table is further behind than --max-lag events (status).";
        public static final String BAD_EVENT = Failure.BAD_EVENT
                + ":An event on the topic is invalid or the target rejected it; consume stops at it.";

        private Help() {
        }
    }

    private final int exitCode;

    private Failure(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    /** Something must be done first: setup not run, topic missing or different, ... */
    public static Failure precondition(String message) {
        return new Failure(PRECONDITION, message, null);
    }

    /** A database or the broker cannot be reached or refused the credentials. */
    public static Failure unreachable(String message, Throwable cause) {
        return new Failure(UNREACHABLE, message, cause);
    }

    /** The source and the target differ (selftest, demo). */
    public static Failure difference(String message) {
        return new Failure(DIFFERENCE, message, null);
    }

    /** An event on the topic cannot be read or applied; it is never skipped. */
    public static Failure badEvent(String message, Throwable cause) {
        return new Failure(BAD_EVENT, message, cause);
    }

    public static Failure usage(String message) {
        return new Failure(USAGE, message, null);
    }
}
