package dev.cdc.embedded;

import dev.cdc.base.Failure;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A real Kafka broker (KRaft, broker and controller in one) in a child JVM, from the kafka_2.13
 * artifact on our own class path: a single node ({@link #start(Path, int)}), or one node of a
 * cluster ({@link #startCluster}). Stopping it closes its standard input; killing it simulates a
 * broker crash; {@link #start()} again brings the same broker back with its data.
 */
public final class LocalKafka implements AutoCloseable {
    private final Path dir;
    /** The broker's log (its partitions' data): in {@code dir}, or elsewhere (in memory). */
    private final Path logs;
    private final int port;
    private final int controllerPort;
    private final int saslPort;
    private final int nodeId;
    private final String voters;
    private final String clusterId;
    private final int replication;
    private Process process;
    private OutputStream stdin;
    private Certificates tls;

    /** The user the SASL_SSL listener knows (PLAIN mechanism), for trying client security settings. */
    public static final String SASL_USER = "cdc";
    public static final String SASL_PASSWORD = "cdc-secret";

    /** One broker's ports and number in its cluster. */
    private record Node(int id, int port, int controllerPort, int saslPort) {
    }

    /** The cluster a broker belongs to: its controller voters, its id and how far Kafka's own topics replicate. */
    private record Cluster(String voters, String id, int replication) {
    }

    private LocalKafka(Path dir, Path logs, Node node, Cluster cluster) {
        this.dir = dir;
        this.logs = logs != null ? logs : dir.resolve("data");
        this.port = node.port();
        this.controllerPort = node.controllerPort();
        this.saslPort = node.saslPort();
        this.nodeId = node.id();
        this.voters = cluster.voters();
        this.clusterId = cluster.id();
        this.replication = cluster.replication();
    }

    public static LocalKafka start(Path dir, int port) throws IOException {
        return start(dir, port, null);
    }

    /**
     * One broker whose log is in {@code logs} (null: in {@code dir}); e.g. in memory, where its
     * appends do not queue behind other servers' writes to the same disk. Deleted on {@link #close}.
     */
    public static LocalKafka start(Path dir, int port, Path logs) throws IOException {
        int controller = Ports.free();
        LocalKafka k = new LocalKafka(dir, logs, new Node(1, port, controller, Ports.free()),
                new Cluster("1@127.0.0.1:" + controller, org.apache.kafka.common.Uuid.randomUuid().toString(), 1));
        LocalPostgres.deleteTree(dir);
        LocalPostgres.deleteTree(k.logs);
        Ports.requireFree(port, "Kafka");
        k.start();
        return k;
    }

    /**
     * A cluster of {@code nodes} brokers, each also a voter of the controller quorum, in
     * {@code dir/node-N}; Kafka's own topics are replicated to up to 3 of them (min.insync.replicas 2).
     */
    public static List<LocalKafka> startCluster(Path dir, int nodes) throws IOException {
        LocalPostgres.deleteTree(dir);
        String cluster = org.apache.kafka.common.Uuid.randomUuid().toString();
        int[] controllers = new int[nodes];
        List<String> voters = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            controllers[i] = Ports.free();
            voters.add((i + 1) + "@127.0.0.1:" + controllers[i]);
        }
        Cluster c = new Cluster(String.join(",", voters), cluster, Math.min(3, nodes));
        List<LocalKafka> all = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            all.add(new LocalKafka(dir.resolve("node-" + (i + 1)), null, new Node(i + 1, Ports.free(), controllers[i], Ports.free()), c));
        }
        for (LocalKafka k : all) { // a quorum answers only once most of its voters run: launch all, then wait
            k.launch();
        }
        for (LocalKafka k : all) {
            k.awaitReady();
        }
        return all;
    }

    /** This node's number in its cluster (1 for a single node). */
    public int nodeId() {
        return nodeId;
    }

    /** The broker JVM's process id, or -1 when it is not running. */
    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /**
     * A second listener, SASL_SSL: TLS with a certificate the broker made for itself (trusted by
     * {@link #truststore()}), and SASL/PLAIN authentication ({@link #SASL_USER}).
     */
    public String secureBootstrapServers() {
        return "127.0.0.1:" + saslPort;
    }

    /** The trust store (PKCS12) holding the certificate of the secure listener. */
    public synchronized Path truststore() {
        return tls.truststore();
    }

    /** The client properties that reach the secure listener, as a --kafka-config file holds them. */
    public String secureClientProperties(String password) {
        return "security.protocol=SASL_SSL\n"
                + "sasl.mechanism=PLAIN\n"
                + "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                + SASL_USER + "\" password=\"" + password + "\";\n"
                + "ssl.truststore.type=PKCS12\n"
                + "ssl.truststore.location=" + truststore().toAbsolutePath().toString().replace("\\", "/") + "\n"
                + "ssl.truststore.password=" + Certificates.PASSWORD + "\n";
    }

    public synchronized void start() throws IOException {
        launch();
        awaitReady();
    }

    private synchronized void launch() throws IOException {
        Files.createDirectories(dir);
        tls = Certificates.in(dir.resolve("tls"));
        Path props = dir.resolve("server.properties");
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", Integer.toString(nodeId));
        p.setProperty("controller.quorum.voters", voters);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",SASL_SSL://127.0.0.1:" + saslPort
                + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port + ",SASL_SSL://127.0.0.1:" + saslPort);
        p.setProperty("sasl.enabled.mechanisms", "PLAIN");
        p.setProperty("ssl.keystore.type", "PKCS12");
        p.setProperty("ssl.keystore.location", tls.keystore().toString());
        p.setProperty("ssl.keystore.password", Certificates.PASSWORD);
        p.setProperty("ssl.key.password", Certificates.PASSWORD);
        p.setProperty("listener.name.sasl_ssl.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" password=\"admin\" "
                        + "user_admin=\"admin\" user_" + SASL_USER + "=\"" + SASL_PASSWORD + "\";");
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", logs.toString());
        p.setProperty("num.partitions", "3");
        p.setProperty("auto.create.topics.enable", "false");
        String minIsr = Integer.toString(Math.min(2, replication));
        p.setProperty("offsets.topic.replication.factor", Integer.toString(replication));
        p.setProperty("offsets.topic.num.partitions", "5");
        p.setProperty("transaction.state.log.replication.factor", Integer.toString(replication));
        p.setProperty("transaction.state.log.min.isr", minIsr);
        p.setProperty("share.coordinator.state.topic.replication.factor", Integer.toString(replication));
        p.setProperty("share.coordinator.state.topic.min.isr", minIsr);
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        // A consumer of a thousand partitions leaves a thousand entries in the fetch purgatory per
        // fetch that waited; purged only every 1,000 requests by default, they filled the heap
        p.setProperty("fetch.purgatory.purge.interval.requests", "100");
        p.setProperty("message.max.bytes", String.valueOf(dev.cdc.kafka.Kafka.MAX_EVENT_BYTES));
        try (var out = Files.newOutputStream(props)) {
            p.store(out, "written by cdc for a local broker");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // Kafka's own default heap (1 GB): with 512 MB, a thousand partitions kept the old generation
        // full, and its collections stopped the broker for ~0.4 s every few seconds
        List<String> cmd = new ArrayList<>(List.of(java, "-Xms256m", "-Xmx1g", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
        String extra = System.getenv("CDC_BROKER_JAVA_OPTS"); // for looking into the broker: GC logs, request logs
        if (extra != null && !extra.isBlank()) {
            cmd.addAll(List.of(extra.trim().split("\\s+")));
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
                KafkaBrokerMain.class.getName(), props.toString(), logs.toString(), clusterId));
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.log").toFile()))
                .start();
        stdin = process.getOutputStream();
    }

    private void awaitReady() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        try (Admin admin = Admin.create(p)) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw Failure.precondition("the local Kafka broker exited at start; see " + dir.resolve("broker.log"));
                }
                try {
                    admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                    return;
                } catch (Exception e) {
                    sleep(200);
                }
            }
        }
        throw Failure.precondition("the local Kafka broker did not start within 90 s; see " + dir.resolve("broker.log"));
    }

    /** Stops the broker cleanly (it keeps its data). */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        try {
            stdin.close();
        } catch (IOException ignored) {
            // already closed
        }
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Kills the broker with SIGKILL, as a crash would. */
    public synchronized void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            process = null;
        }
    }

    @Override
    public void close() throws IOException {
        stop();
        LocalPostgres.deleteTree(dir);
        LocalPostgres.deleteTree(logs);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
