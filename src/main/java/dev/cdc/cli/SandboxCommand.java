package dev.cdc.cli;

import dev.cdc.base.Failure;
import dev.cdc.base.Shutdown;
import dev.cdc.embedded.LocalMariaDb;
import dev.cdc.embedded.Ports;
import dev.cdc.embedded.Sandbox;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "sandbox", mixinStandardHelpOptions = true, sortOptions = false,
        exitCodeListHeading = Failure.Help.HEADING,
        exitCodeList = {Failure.Help.OK, Failure.Help.BUG, Failure.Help.USAGE, Failure.Help.PRECONDITION},
        header = "Run a source and a target PostgreSQL and a Kafka broker here (with --mysql a MariaDB too), until Ctrl-C.",
        description = {
            "Starts the three servers on this machine (no Docker), on the ports the other commands use by default, prints their settings as export lines, and keeps them up until Ctrl-C. Then, in other terminals: cdc setup; cdc topic; cdc produce; cdc consume. Data is thrown away at the end."})
public final class SandboxCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--source-port", defaultValue = "5433", description = "Source PostgreSQL port (default ${DEFAULT-VALUE}).")
    int sourcePort;

    @Option(names = "--target-port", defaultValue = "5434", description = "Target PostgreSQL port (default ${DEFAULT-VALUE}).")
    int targetPort;

    @Option(names = "--kafka-port", defaultValue = "9092", description = "Kafka port (default ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--mysql", arity = "0..1", fallbackValue = "3306", paramLabel = "PORT",
            description = "Also run a MariaDB server (MySQL's protocol: a MySQL source or target to try) with an empty "
                    + "database shop, on PORT (3306 when given without one; 0: any free port).")
    Integer mysqlPort;

    @Option(names = "--dir", description = "Where the servers keep their data (default $CDC_HOME/sandbox or <tmp>/cdc-<user>/sandbox).")
    Path dir;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        out.println("starting a source and a target PostgreSQL and a Kafka broker ...");
        out.flush();
        CountDownLatch stop = new CountDownLatch(1);
        Shutdown.onSignal(stop::countDown);
        Path home = dir != null ? dir : Sandbox.home().resolve("sandbox");
        try (Sandbox s = Sandbox.start(home, sourcePort, targetPort, kafkaPort, true);
             LocalMariaDb mysql = mysqlPort == null ? null
                     : LocalMariaDb.start("shop", home.resolve("mysql"), mysqlPort == 0 ? Ports.free() : mysqlPort, true)) {
            out.println("ready. The settings (already the defaults of every cdc command on these ports; the servers"
                    + " accept any password):");
            out.println("export CDC_SOURCE_URL=" + s.source().url());
            out.println("export CDC_SOURCE_USER=postgres");
            out.println("export CDC_TARGET_URL=" + s.target().url());
            out.println("export CDC_TARGET_USER=postgres");
            out.println("export CDC_BOOTSTRAP_SERVERS=" + s.kafkaServer().bootstrapServers());
            java.nio.file.Path client = s.kafkaServer().truststore().resolveSibling("client.properties");
            java.nio.file.Files.writeString(client, s.kafkaServer().secureClientProperties(dev.cdc.embedded.LocalKafka.SASL_PASSWORD));
            out.println("Kafka also listens with TLS and SASL/PLAIN (SASL_SSL) on " + s.kafkaServer().secureBootstrapServers()
                    + "; to try it: --bootstrap-servers " + s.kafkaServer().secureBootstrapServers() + " --kafka-config " + client);
            if (mysql != null) {
                out.println("MariaDB (a MySQL source or target): " + mysql.jdbcUrl("shop") + ", user root, any password;"
                        + " create tables with any MySQL client (mysql -h 127.0.0.1 -P " + mysql.port() + " -u root shop),"
                        + " then e.g. cdc setup --source " + mysql.jdbcUrl("shop") + " --source-user root --table shop.film");
            }
            out.println("Press Ctrl-C to stop them (their data is removed).");
            out.flush();
            stop.await();
        }
        out.println("stopped");
        return 0;
    }
}
