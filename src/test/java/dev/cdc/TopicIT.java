package dev.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cdc.base.Failure;
import java.util.List;
import org.junit.jupiter.api.Test;

/** cdc topic create, list, describe, alter and delete against the real broker, as a user types them. */
class TopicIT extends ServerTest {
    @Test
    void create_list_describe_alter_delete() throws Exception {
        String name = kafka.topic() + ".managed";
        List<String> broker = List.of("--bootstrap-servers", servers.kafka.bootstrapServers());

        CliTest.Run created = CliTest.run(CliTest.line("topic", List.of("create", name, "--partitions", "2"), broker));
        assertEquals(0, created.code(), created.err());
        assertTrue(created.out().contains("created with 2 partitions"), created.out());

        CliTest.Run listed = CliTest.run(CliTest.line("topic", List.of("list"), broker));
        assertEquals(0, listed.code(), listed.err());
        assertTrue(listed.out().lines().anyMatch(name::equals), listed.out());
        assertFalse(listed.out().contains("__consumer_offsets"), "internal topics only with --internal: " + listed.out());

        CliTest.Run altered = CliTest.run(CliTest.line("topic", List.of("alter", name, "--retention-ms", "86400000",
                "--retention-bytes", "1073741824"), broker));
        assertEquals(0, altered.code(), altered.err());

        CliTest.Run described = CliTest.run(CliTest.line("topic", List.of("describe", name), broker));
        assertEquals(0, described.code(), described.err());
        String d = described.out();
        assertTrue(d.contains("topic " + name + ": 2 partitions, replication factor 1"), d);
        assertTrue(d.contains("partition 1: leader 1, replicas [1], in sync [1]"), d);
        assertTrue(d.contains("* retention.ms = 86400000") && d.contains("* retention.bytes = 1073741824"), d);
        assertTrue(d.contains("* max.message.bytes"), "set by create: " + d);

        CliTest.Run bad = CliTest.run(CliTest.line("topic", List.of("alter", name, "--retention-ms", "-7"), broker));
        assertEquals(Failure.USAGE, bad.code(), bad.out() + bad.err());
        assertTrue(bad.err().contains("retention.ms"), bad.err());

        CliTest.Run deleted = CliTest.run(CliTest.line("topic", List.of("delete", name), broker));
        assertEquals(0, deleted.code(), deleted.err());
        for (String sub : new String[] {"describe", "alter", "delete"}) {
            List<String> args = sub.equals("alter") ? List.of(sub, name, "--retention-ms", "1000") : List.of(sub, name);
            CliTest.Run gone = CliTest.run(CliTest.line("topic", args, broker));
            assertEquals(Failure.PRECONDITION, gone.code(), sub + ": " + gone.out() + gone.err());
            assertTrue(gone.err().contains("topic '" + name + "' does not exist"), gone.err());
        }
    }
}
