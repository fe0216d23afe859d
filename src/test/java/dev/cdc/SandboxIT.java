package dev.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code cdc sandbox --mysql} as a user runs it: the servers start, a MySQL table can be captured into the sandbox's target, Ctrl-C stops them. */
class SandboxIT {
    @Test
    void the_sandbox_with_mysql_runs_a_mariadb_whose_tables_can_be_captured() throws Exception {
        Path dir = Path.of("target", "it-sandbox").toAbsolutePath();
        try (CdcProcess sandbox = CdcProcess.start("sandbox", "sandbox", "--source-port", "0", "--target-port", "0",
                "--kafka-port", "0", "--mysql", "0", "--dir", dir.toString())) {
            Await.until("the sandbox ready", 240_000, () -> {
                assertTrue(sandbox.alive(), sandbox.output());
                return sandbox.output().contains("Press Ctrl-C");
            });
            String out = sandbox.output();
            Matcher mysql = Pattern.compile("MariaDB \\(a MySQL source or target\\): (jdbc:mariadb://\\S+),").matcher(out);
            Matcher target = Pattern.compile("export CDC_TARGET_URL=(\\S+)").matcher(out);
            assertTrue(mysql.find() && target.find(), out);
            try (Connection c = DriverManager.getConnection(mysql.group(1), "root", "");
                 Statement s = c.createStatement()) {
                s.execute("CREATE TABLE film (film_id INT AUTO_INCREMENT PRIMARY KEY, title VARCHAR(100) NOT NULL)");
                s.execute("INSERT INTO film (title) VALUES ('ACADEMY DINOSAUR'), ('ACE GOLDFINGER')");
            }
            CliTest.Run setup = CliTest.run(CliTest.line("setup", List.of("--source", mysql.group(1), "--source-user", "root",
                    "--target", target.group(1), "--target-user", "postgres", "--table", "shop.film")));
            assertEquals(0, setup.code(), setup.out() + setup.err());
            assertTrue(setup.out().contains("capture of shop.film") && setup.out().contains("2 existing rows copied"), setup.out());
            assertEquals(0, sandbox.terminate(), sandbox.output());
            assertTrue(sandbox.output().contains("stopped"), sandbox.output());
        }
    }
}
