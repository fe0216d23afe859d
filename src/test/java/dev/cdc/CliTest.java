package dev.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cdc.base.Failure;
import dev.cdc.cli.CdcCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line, in process: help, usage errors, exit codes, secrets. */
class CliTest {
    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        CommandLine cl = CdcCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** A command line made of a command and lists of arguments. */
    @SafeVarargs
    static String[] line(String command, List<String>... parts) {
        List<String> a = new ArrayList<>(List.of(command));
        for (List<String> p : parts) {
            a.addAll(p);
        }
        return a.toArray(String[]::new);
    }

    @Test
    void every_command_has_help() {
        for (String c : new String[] {"setup", "topic", "produce", "consume", "selftest", "demo", "sandbox"}) {
            Run r = run(c, "--help");
            assertEquals(0, r.code(), c);
            assertTrue(r.out().contains("Usage: cdc " + c), r.out());
            assertTrue(r.out().contains("Exit codes:"), c + ": " + r.out());
        }
        Run root = run("--help");
        assertTrue(root.out().contains("Exit codes:"), root.out());
    }

    @Test
    void help_never_shows_a_password() {
        Run r = run("selftest", "--help");
        assertFalse(r.out().contains("default: postgres)") && r.out().contains("password (env CDC_SOURCE_PASSWORD; default: postgres"));
        assertTrue(r.out().contains("--source-password"));
        assertFalse(r.out().toLowerCase().contains("secret"));
    }

    @Test
    void a_wrong_option_is_a_usage_error() {
        Run r = run("produce", "--no-such-option");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Unknown option"), r.err());
    }

    @Test
    void a_broker_log_that_is_neither_disk_nor_memory_is_a_usage_error() {
        Run r = run("bench", "--tables", "10", "--kafka-log", "tape");
        assertEquals(2, r.code(), r.err());
        assertEquals("cdc bench: --kafka-log is disk or memory, not tape", r.err().strip());
    }

    @Test
    void an_unreachable_database_is_one_line_and_exit_4() {
        Run r = run("setup", "--source", "jdbc:postgresql://127.0.0.1:1/postgres?password=hunter2",
                "--source-password", "hunter2");
        assertEquals(Failure.UNREACHABLE, r.code(), r.err());
        assertTrue(r.err().startsWith("cdc setup: cannot reach the source database jdbc:postgresql://127.0.0.1:1/postgres"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(r.err().contains("hunter2"), "the password is masked: " + r.err());
        assertFalse(r.err().contains("at org."), "no stack trace: " + r.err());
    }

    @Test
    void a_url_that_is_not_postgres_is_a_usage_error() {
        Run r = run("setup", "--source", "mysql://x");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("not a PostgreSQL JDBC URL"), r.err());
    }
}
