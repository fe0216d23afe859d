package dev.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cdc.base.Failure;
import dev.cdc.kafka.Topics;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What operators do to a source or a topic in use (issue 16): restore the source to an earlier
 * point, delete the topic and create it again, add partitions, and retention deleting events
 * before a consumer ever read them. Each either goes on correctly or stops with one clear line
 * before anything is lost.
 */
class OperatorActionsIT extends ServerTest {
    String group;

    @BeforeEach
    void servers() throws Exception {
        group = group();
        demoSetUpByCommand();
    }

    String[] produce(String... more) {
        return CliTest.line("produce", servers.sourceArgs(), broker(), List.of("--progress-interval", "1"), List.of(more));
    }

    String[] consume() {
        return CliTest.line("consume", servers.targetArgs(), broker(), List.of("--group", group, "--progress-interval", "1"));
    }

    List<String> broker() {
        return List.of("--bootstrap-servers", kafka.bootstrapServers());
    }

    void insert(int rows) {
        try (Handle src = servers.source.open("test")) {
            src.execute("INSERT INTO employees (first_name, last_name, salary) SELECT 'n' || g, 'topic', g FROM generate_series(1, ?) g", rows);
        }
    }

    void published(long events) {
        Await.until(events + " events published", 30_000, () -> servers.published() >= events);
    }

    /**
     * Before: after the cursor went back (the source restored to an earlier point, or a failover to a
     * replica that missed its last moves), the new changes got positions the consumer had applied
     * already, and it dropped them as duplicates.
     */
    @Test
    void changes_after_the_source_capture_position_went_back_are_applied() throws Exception {
        try (CdcProcess p = CdcProcess.start("produce-restore", produce()); CdcProcess c = CdcProcess.start("consume-restore", consume())) {
            insert(100);
            Await.converged(servers.source, servers.target, 30_000, () -> "before the backup\n" + p.output());
            try (Handle src = servers.source.open("test")) {
                src.execute("DROP TABLE IF EXISTS public.saved_capture");
                src.execute("CREATE TABLE public.saved_capture AS SELECT * FROM cdc.capture"); // the backup
            }
            for (int i = 0; i < 5; i++) { // windows published after the backup
                insert(20);
                Await.converged(servers.source, servers.target, 30_000, () -> "after the backup\n" + p.output());
            }
            assertEquals(0, p.terminate(), p.output());
            try (Handle src = servers.source.open("test")) { // the restore puts the cursor back
                src.execute("UPDATE cdc.capture c SET window_id = s.window_id, prev_snap = s.prev_snap, cur_snap = s.cur_snap, "
                        + "cur_max_seq = s.cur_max_seq, last_seq = s.last_seq, published = s.published FROM public.saved_capture s");
                src.execute("DROP TABLE public.saved_capture");
            }
            insert(50);
            try (Handle src = servers.source.open("test")) {
                src.execute("UPDATE employees SET salary = salary + 1 WHERE emp_id % 10 = 0");
                src.execute("DELETE FROM employees WHERE emp_id % 25 = 0");
            }
            try (CdcProcess again = CdcProcess.start("produce-restored", produce())) {
                Await.converged(servers.source, servers.target, 30_000, () -> "after the restore\n" + again.output() + c.output());
                assertEquals(0, again.terminate(), again.output());
            }
            assertEquals(0, c.terminate(), c.output());
        }
    }

    /**
     * Before: the offsets stored for the old topic were used in the new one: the consumer stopped
     * with a message about retention (or, with more events on the new topic, skipped its first ones).
     */
    @Test
    void a_topic_deleted_and_created_again_is_read_from_its_start() throws Exception {
        try (CdcProcess p = CdcProcess.start("produce-recreate", produce()); CdcProcess c = CdcProcess.start("consume-recreate", consume())) {
            insert(200);
            Await.converged(servers.source, servers.target, 30_000, () -> "before the topic was deleted\n" + p.output() + c.output());
            assertEquals(0, c.terminate(), c.output());
            assertEquals(0, p.terminate(), p.output());
        }
        try (Admin admin = kafka.admin()) {
            admin.deleteTopics(List.of(kafka.topic())).all().get();
            Await.until("the topic is gone", 30_000, () -> kafka.findTopic(admin).isEmpty());
        }
        Await.until("the topic is created again", 30_000, () -> {
            try {
                Topics.create(kafka, 3, (short) 1);
                return true;
            } catch (RuntimeException e) {
                return false; // still being deleted
            }
        });
        insert(10);
        try (CdcProcess p = CdcProcess.start("produce-recreated", produce()); CdcProcess c = CdcProcess.start("consume-recreated", consume())) {
            Await.converged(servers.source, servers.target, 30_000, () -> "after the topic was created again\n" + c.output());
            insert(300);
            Await.converged(servers.source, servers.target, 30_000, () -> "after more changes\n" + c.output());
            assertTrue(c.output().contains("deleted and created again"), c.output());
            assertEquals(0, c.terminate(), c.output());
            assertEquals(0, p.terminate(), p.output());
        }
        assertEquals(510, servers.applied(group), "every change applied once");
    }

    /** Before: produce keyed the events for the new number of partitions at once, breaking per-row order. */
    @Test
    void produce_refuses_a_topic_whose_partitions_were_added_until_told_to_go_on() throws Exception {
        try (CdcProcess p = CdcProcess.start("produce-keyed", produce()); CdcProcess c = CdcProcess.start("consume-keyed", consume())) {
            insert(100);
            Await.converged(servers.source, servers.target, 30_000, () -> "before partitions were added\n" + p.output());
            assertEquals(0, p.terminate(), p.output());
            assertEquals(0, c.terminate(), c.output());
        }
        try (Admin admin = kafka.admin()) {
            admin.createPartitions(Map.of(kafka.topic(), NewPartitions.increaseTo(6))).all().get();
        }
        insert(50);
        try (CdcProcess p = CdcProcess.start("produce-refuses", produce())) {
            assertEquals(Failure.PRECONDITION, p.await(60), p.output());
            assertTrue(p.output().contains("has 6 partitions, but the events of public.employees were keyed for 3")
                    && p.output().contains("--accept-partitions 6"), p.output());
        }
        assertEquals(100, servers.published(), "nothing published for the new partitions");
        try (CdcProcess p = CdcProcess.start("produce-accepts", produce("--accept-partitions", "6"));
             CdcProcess c = CdcProcess.start("consume-accepts", consume())) {
            Await.converged(servers.source, servers.target, 30_000, () -> "after --accept-partitions 6\n" + p.output());
            assertEquals(0, p.terminate(), p.output());
            assertEquals(0, c.terminate(), c.output());
        }
    }

    /** Before: a partition with no applied offset was read from the first event retention had left, in silence. */
    @Test
    void events_deleted_by_retention_before_a_first_apply_stop_consume() throws Exception {
        try (CdcProcess p = CdcProcess.start("produce-retention", produce())) {
            insert(60);
            published(60);
            assertEquals(0, p.terminate(), p.output());
        }
        try (Admin admin = kafka.admin()) {
            admin.deleteRecords(Map.of(new TopicPartition(kafka.topic(), 1), RecordsToDelete.beforeOffset(5))).all().get();
        }
        try (CdcProcess c = CdcProcess.start("consume-retention", consume())) {
            assertEquals(Failure.BAD_EVENT, c.await(60), c.output());
            assertTrue(c.output().contains("deleted by the topic's retention"), c.output());
        }
    }
}
