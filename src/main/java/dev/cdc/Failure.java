package dev.cdc;

/**
 * An error a user can act on: one line of text and the exit code the process ends with.
 * Commands throw it; {@link dev.cdc.cli.CdcCommand} prints the line and exits with the code.
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
