package dev.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cdc.consume.EventConsumer;
import dev.cdc.demo.Workload;
import dev.cdc.engine.Engines;
import dev.cdc.source.ChangelogPublisher;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Kills produce or consume with SIGKILL in the middle of a stream of changes and starts it again:
 * the target ends identical to the source, and every committed change was applied exactly once
 * (the sum of applied events stored with the offsets equals the distinct changes on the topic,
 * even when the restarted producer published some of them twice).
 */
class CrashIT extends ServerTest {
    String group;

    @BeforeEach
    void servers() throws Exception {
        group = group();
        demoSetUp();
    }

    String[] produceArgs() {
        return new String[] {"produce", "--source", servers.source.url(), "--source-user", servers.source.user(),
            "--source-password", servers.source.password(), "--bootstrap-servers", kafka.bootstrapServers(),
            "--topic", kafka.topic(), "--batch-size", "500", "--progress-interval", "1"};
    }

    String[] consumeArgs() {
        return new String[] {"consume", "--target", servers.target.url(), "--target-user", servers.target.user(),
            "--target-password", servers.target.password(), "--bootstrap-servers", kafka.bootstrapServers(),
            "--topic", kafka.topic(), "--group", group, "--progress-interval", "1"};
    }

    long backlog() {
        try (Handle h = servers.source.open("test")) {
            return h.createQuery("SELECT coalesce(sum(n), 0) FROM emp_cdc").mapTo(Long.class).one();
        }
    }

    @Test
    void producer_killed_mid_stream_and_restarted() throws Exception {
        EventConsumer consumer = new EventConsumer(new EventConsumer.Config(servers.target, kafka, group, 0));
        Thread ct = background(consumer);
        List<CdcProcess> producers = new ArrayList<>();
        try (Workload w = new Workload(servers.source, 4, 3000).start()) {
            for (int round = 0; round < 2; round++) {
                CdcProcess p = CdcProcess.start("produce", produceArgs());
                producers.add(p);
                long before = servers.published();
                Await.until("the producer publishing", 60_000, () -> servers.published() > before + 1500 || !p.alive());
                assertTrue(p.alive(), p.output());
                p.kill9();
            }
            CdcProcess last = CdcProcess.start("produce", produceArgs());
            producers.add(last);
            Await.sleep(1500);
            w.close();
            Await.until("the changelog drained", 60_000, () -> backlog() == 0);
            Await.converged(servers.source, servers.target, 60_000, last::output);
            // a clean stop stores the cursor and exits 0; a restart then republishes nothing
            assertEquals(0, last.terminate(), last.output());
            long onTopic = TopicContents.read(kafka).records();
            CdcProcess again = CdcProcess.start("produce", produceArgs());
            producers.add(again);
            Await.sleep(4000);
            assertTrue(again.alive(), again.output());
            assertEquals(onTopic, TopicContents.read(kafka).records(), "nothing republished after a clean restart");
            assertEquals(0, again.terminate());
        } finally {
            producers.forEach(CdcProcess::close);
            consumer.stop();
            ct.join(20_000);
        }
        TopicContents topic = TopicContents.read(kafka);
        Await.until("every event applied", 30_000, () -> servers.applied(group) >= topic.distinctEvents());
        assertEquals(topic.distinctEvents(), servers.applied(group), "each change applied once; topic had "
                + topic.records() + " records for " + topic.distinctEvents() + " changes");
    }

    @Test
    void consumer_killed_mid_stream_and_restarted() throws Exception {
        ChangelogPublisher producer = new ChangelogPublisher(Engines.source(servers.source), new ChangelogPublisher.Config(servers.source, kafka,
                "public", "employees", 500, 1000, 0, null, null));
        Thread pt = background(producer);
        List<CdcProcess> consumers = new ArrayList<>();
        try (Workload w = new Workload(servers.source, 4, 3000).start()) {
            for (int round = 0; round < 2; round++) {
                CdcProcess c = CdcProcess.start("consume", consumeArgs());
                consumers.add(c);
                long before = servers.applied(group);
                Await.until("the consumer applying", 60_000, () -> servers.applied(group) > before + 1500 || !c.alive());
                assertTrue(c.alive(), c.output());
                c.kill9();
            }
            CdcProcess last = CdcProcess.start("consume", consumeArgs());
            consumers.add(last);
            Await.sleep(1500);
            w.close();
            Await.until("the changelog drained", 60_000, () -> backlog() == 0);
            Await.converged(servers.source, servers.target, 60_000, last::output);
            assertEquals(0, last.terminate(), last.output());
        } finally {
            consumers.forEach(CdcProcess::close);
            producer.stop();
            pt.join(20_000);
        }
        TopicContents topic = TopicContents.read(kafka);
        assertEquals(topic.records(), topic.distinctEvents(), "the producer was not killed: no duplicates on the topic");
        assertEquals(topic.distinctEvents(), servers.applied(group), "each change applied once across consumer crashes");
    }

    private static Thread background(Runnable r) {
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                r.run();
            } catch (Throwable e) {
                failed.set(e);
                e.printStackTrace();
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }
}
