package dev.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cdc.embedded.LocalKafka;
import dev.cdc.kafka.Kafka;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartitionInfo;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

/**
 * A real Kafka cluster loses brokers (issue 16): three brokers (each a voter of the controller
 * quorum), a topic of replication factor 3 and min.insync.replicas 2 as cdc topic makes it by
 * default, a stream of writes; the broker leading most of the topic's partitions killed -9
 * mid-stream, then a second one stopped for 20 s (fewer than min.insync.replicas, and no quorum:
 * produce must wait and retry), then both back. The target ends identical, every change applied once.
 */
class BrokerFailureIT extends ServerTest {
    @Test
    void a_three_broker_cluster_loses_its_leader_then_its_quorum_and_nothing_is_lost() throws Exception {
        List<LocalKafka> cluster = LocalKafka.startCluster(Path.of("target", "it-servers", "cluster").toAbsolutePath(), 3);
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong written = new AtomicLong();
        Thread writer = new Thread(() -> {
            try (Handle h = servers.source.open("writer")) {
                while (writing.get()) {
                    h.execute("INSERT INTO employees (first_name, last_name, salary) SELECT 'n' || g, 'cluster', g "
                            + "FROM generate_series(1, 5) g");
                    h.execute("UPDATE employees SET salary = salary + 1 WHERE emp_id = (SELECT max(emp_id) FROM employees)");
                    written.addAndGet(6);
                    Await.sleep(20);
                }
            }
        }, "writer");
        try {
            String bootstrap = cluster.stream().map(LocalKafka::bootstrapServers).collect(Collectors.joining(","));
            Kafka cluster3 = new Kafka(bootstrap, kafka.topic(), Map.of());
            String group = "g-" + cluster3.topic();
            List<String> broker = List.of("--bootstrap-servers", bootstrap, "--topic", cluster3.topic());
            CliTest.Run setup = CliTest.run(CliTest.line("setup", servers.sourceArgs(), servers.targetArgs(),
                    List.of("--topic", cluster3.topic())));
            assertEquals(0, setup.code(), setup.err());
            CliTest.Run topic = CliTest.run(CliTest.line("topic", broker));
            assertEquals(0, topic.code(), topic.err());
            assertTrue(topic.out().contains("replication factor 3 (the default: min(3, brokers), 3 brokers), min.insync.replicas 2"),
                    topic.out());
            try (CdcProcess p = CdcProcess.start("produce-cluster", CliTest.line("produce", servers.sourceArgs(), broker,
                         List.of("--progress-interval", "1")));
                 CdcProcess c = CdcProcess.start("consume-cluster", CliTest.line("consume", servers.targetArgs(), broker,
                         List.of("--group", group, "--progress-interval", "1")))) {
                writer.start();
                Await.until("changes flowing", 60_000, () -> servers.applied(group) > 300);
                int leading = mostLeaders(cluster3);
                LocalKafka leader = cluster.stream().filter(k -> k.nodeId() == leading).findFirst().orElseThrow();
                leader.kill();
                long atKill = servers.published();
                Await.until("publishing again after the leader was killed", 60_000, () -> servers.published() > atKill + 300);
                LocalKafka second = cluster.stream().filter(k -> k != leader).findFirst().orElseThrow();
                second.stop();
                Await.sleep(20_000);
                assertTrue(p.alive() && c.alive(), "produce and consume wait for the brokers: " + p.output() + c.output());
                second.start();
                leader.start();
                Await.sleep(3_000);
                writing.set(false);
                writer.join(10_000);
                Await.converged(servers.source, servers.target, 120_000, () -> "after the brokers came back\n" + p.output() + c.output());
                Await.until("every change applied", 60_000, () -> servers.applied(group) == servers.published());
                assertEquals(0, c.terminate(), c.output());
                assertEquals(0, p.terminate(), p.output());
            }
            try (Handle h = servers.source.open("test")) {
                long changes = h.createQuery("SELECT count(*) FROM employees").mapTo(Long.class).one();
                assertTrue(written.get() > 600 && changes * 6 / 5 == written.get(), written + " changes written, " + changes + " rows");
            }
            assertEquals(servers.published(), servers.applied(group), "every change published is applied once");
        } finally {
            writing.set(false);
            for (LocalKafka k : cluster) {
                k.close();
            }
        }
    }

    /** The node leading most of the topic's partitions. */
    private static int mostLeaders(Kafka kafka) {
        try (Admin admin = kafka.admin()) {
            Map<Integer, Integer> led = new HashMap<>();
            for (TopicPartitionInfo p : kafka.describeTopic(admin).partitions()) {
                led.merge(p.leader().id(), 1, Integer::sum);
            }
            return led.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        }
    }
}
