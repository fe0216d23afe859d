package dev.cdc.cli;

import dev.cdc.base.Failure;
import dev.cdc.bench.Bench;
import dev.cdc.db.Db;
import dev.cdc.embedded.LocalKafka;
import dev.cdc.embedded.LocalMariaDb;
import dev.cdc.kafka.Kafka;
import dev.cdc.embedded.Ports;
import dev.cdc.embedded.Sandbox;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        exitCodeListHeading = Failure.Help.HEADING,
        exitCodeList = {Failure.Help.OK, Failure.Help.BUG, Failure.Help.USAGE, Failure.Help.PRECONDITION, Failure.Help.UNREACHABLE,
            Failure.Help.DIFFERENCE},
        header = "Measure throughput, latency, drain rate, write cost, memory and CPU.",
        description = {
            "Starts a source and a target PostgreSQL and a Kafka broker on this machine (or, with --no-embedded, uses the configured servers: it creates and drops tables there), runs setup and topic, starts produce and consume as separate JVMs, and runs: burst (100,000 inserts, 50,000 updates, 20,000 deletes in 100-row transactions; time until the target equals the source), paced (single-row transactions at 200/s and 1,000/s for 30 s; commit-to-visible latency), backlog (1,000,000 changes written while produce and consume are stopped; time to drain), write cost (200,000-row INSERT, UPDATE, DELETE and 1-row insert transactions from 4 clients, with and without capture), and the peak RSS and CPU time of produce and consume.",
            "",
            "Prints a table and writes bench.json and lag.html (lag over time during the burst and the backlog drain) to --out. About 4 minutes."})
public final class BenchCommand implements Callable<Integer> {
    @Mixin Connections.Source source;
    @Mixin Connections.Target target;
    @Mixin Connections.Broker broker;
    @Spec CommandSpec spec;

    @Option(names = "--embedded", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Start local servers (default); --no-embedded uses the configured ones.")
    boolean embedded;

    @Option(names = "--scale", defaultValue = "1", description = "Multiply every workload's size and duration (e.g. 0.1 for a quick run).")
    double scale;

    @Option(names = "--out", defaultValue = "bench-results", description = "Directory for bench.json and lag.html (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--jvm-options", defaultValue = "-Xms64m -Xmx192m -XX:+UseSerialGC -XX:TieredStopAtLevel=1",
            description = "JVM options of the produce and consume processes (default ${DEFAULT-VALUE}).")
    String jvmOptions;

    @Option(names = "--tables", paramLabel = "N", defaultValue = "0",
            description = "Instead of the standard workloads, capture a schema of N tables (e.g. 1000) with one produce and one "
                    + "consume and measure: setup and topic creation time; idle CPU, memory and connections; paced 200 "
                    + "transactions/s latency over random tables against one table; a burst over 100 tables against one table.")
    int tables;

    @Option(names = "--one-topic",
            description = "With --tables: all the tables in one topic (cdc setup --topic; 3 partitions) instead of a topic each.")
    boolean oneTopic;

    @Option(names = "--kafka-log", paramLabel = "disk|memory", defaultValue = "disk",
            description = "Where the local broker keeps its log: disk (default, beside the databases) or memory (/dev/shm). "
                    + "Kafka does not wait for its disk (it relies on replicas), but on one disk with two PostgreSQL servers "
                    + "its appends to many partitions can queue behind their fsyncs: memory measures cdc without that.")
    String kafkaLog;

    @Option(names = "--mysql",
            description = "With MySQL/MariaDB on both sides: a source and a target MariaDB started here (durable: InnoDB's "
                    + "log flushed at every commit) and a Kafka broker; the burst and the paced latency on a table shaped "
                    + "like employees (cdc_bench.employees), then the write cost (200,000-row INSERT, UPDATE, DELETE and 1-row "
                    + "insert transactions from 4 clients, with and without capture); no backlog workload. With "
                    + "--no-embedded: the configured --source (jdbc:mariadb: or jdbc:mysql:; database cdc_bench's tables are "
                    + "created and dropped there), --target and broker; the write cost alone when --target is not a MySQL too.")
    boolean mysql;

    @Option(names = "--profile", description = "Record produce and consume with Java Flight Recorder and print where their CPU went.")
    boolean profile;

    @Override
    public Integer call() throws Exception {
        if (scale <= 0 || scale > 10) {
            throw Failure.usage("--scale must be above 0 and at most 10");
        }
        if (tables < 0 || tables > 9999) {
            throw Failure.usage("--tables must be between 1 and 9999 (0, the default: the standard workloads)");
        }
        if (oneTopic && tables == 0) {
            throw Failure.usage("--one-topic goes with --tables N");
        }
        if (!List.of("disk", "memory").contains(kafkaLog)) {
            throw Failure.usage("--kafka-log is disk or memory, not " + kafkaLog);
        }
        Path memory = Path.of("/dev/shm");
        if (kafkaLog.equals("memory") && !(Files.isDirectory(memory) && Files.isWritable(memory))) {
            throw Failure.usage("--kafka-log memory needs a writable /dev/shm, which this machine lacks");
        }
        PrintWriter w = spec.commandLine().getOut();
        List<String> jvm = Arrays.stream(jvmOptions.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
        Bench.Sizes sizes = Bench.Sizes.standard().scaled(scale);
        if (mysql) {
            return onMySql(w, sizes, jvm);
        }
        if (!embedded) {
            new Bench(new Bench.Options(source.db(), target.db(), broker.kafka(), sizes, jvm, out), w).withProfile(profile).withTables(tables, oneTopic).run();
            return 0;
        }
        w.println("starting a source and a target PostgreSQL and a Kafka broker" + (kafkaLog.equals("memory")
                ? " (its log in memory, " + memory + ")" : "") + " ...");
        w.flush();
        Path kafkaLogs = kafkaLog.equals("memory") ? memory.resolve("cdc-bench-kafka-" + System.getProperty("user.name")) : null;
        try (Sandbox s = Sandbox.start(Sandbox.home().resolve("bench"), 0, 0, 0, true, kafkaLogs)) {
            new Bench(new Bench.Options(s.source(), s.target(), s.kafka(broker.kafka().topic()), sizes, jvm, out), w)
                    .withServerPids(java.util.Map.of("source PostgreSQL", s.sourceServer().pid(),
                            "target PostgreSQL", s.targetServer().pid(), "Kafka broker", s.kafkaServer().pid()))
                    .withNote("kafka_log", kafkaLog.equals("memory") ? "memory (" + kafkaLogs + ")" : "disk")
                    .withProfile(profile).withTables(tables, oneTopic).run();
        }
        return 0;
    }

    private int onMySql(PrintWriter w, Bench.Sizes sizes, List<String> jvm) throws Exception {
        if (tables > 0) {
            throw Failure.usage("--mysql does not go with --tables (the many-tables workloads run on PostgreSQL)");
        }
        if (!embedded) {
            Db db = source.db();
            if (!db.isMySql()) {
                throw Failure.usage("--mysql --no-embedded needs a MySQL or MariaDB --source (jdbc:mariadb: or jdbc:mysql:)");
            }
            Bench bench = new Bench(new Bench.Options(db, target.db(), broker.kafka(), sizes, jvm, out), w).withProfile(profile);
            if (target.db().isMySql()) {
                bench.run();
            } else {
                bench.runWriteCost();
            }
            return 0;
        }
        w.println("starting a source and a target MariaDB and a Kafka broker" + (kafkaLog.equals("memory")
                ? " (its log in memory)" : "") + " ...");
        w.flush();
        Path home = Sandbox.home().resolve("bench-mysql");
        Path kafkaLogs = kafkaLog.equals("memory") ? Path.of("/dev/shm", "cdc-bench-mysql-kafka-" + System.getProperty("user.name")) : null;
        try (LocalMariaDb src = LocalMariaDb.start("cdc_bench", home.resolve("source"), Ports.free(), true);
             LocalMariaDb dst = LocalMariaDb.start("cdc_bench", home.resolve("target"), Ports.free(), true);
             LocalKafka kafka = LocalKafka.start(home.resolve("kafka"), Ports.free(), kafkaLogs)) {
            new Bench(new Bench.Options(src.db("cdc-bench"), dst.db("cdc-bench"), new Kafka(kafka.bootstrapServers(),
                    broker.kafka(Bench.TABLE_MYSQL).topic(), Map.of()), sizes, jvm, out), w)
                    .withServerPids(Map.of("source MariaDB", src.pid(), "target MariaDB", dst.pid(), "Kafka broker", kafka.pid()))
                    .withNote("servers", "MariaDB " + LocalMariaDb.VERSION + ", embedded, durable")
                    .withNote("kafka_log", kafkaLog.equals("memory") ? "memory (" + kafkaLogs + ")" : "disk")
                    .withProfile(profile).run();
        }
        return 0;
    }
}
