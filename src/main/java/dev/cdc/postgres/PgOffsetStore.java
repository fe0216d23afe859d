package dev.cdc.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.cdc.base.Json;
import dev.cdc.db.Sql;
import dev.cdc.event.Position;
import dev.cdc.target.ApplyPlan;
import dev.cdc.target.TopicOffsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * The offsets of a group in a topic, in {@code cdc.applied_offsets} of the target (sql/target/):
 * a row per partition with the next offset and the topic's id; and in {@code cdc.applied_positions}
 * a row per partition, source and capture epoch with the position of the last event applied. The
 * positions an older cdc kept in {@code applied_offsets} (columns for a source without a name,
 * {@code sources} for named ones) are still read, for epochs without a row of their own.
 */
final class PgOffsetStore extends TopicOffsets {
    PgOffsetStore(String group, String topic) {
        super(group, topic, "target/read_offsets.sql");
    }

    @Override
    public Map<Integer, ApplyPlan.Stored> lock(Handle tx, List<Integer> partitions, Set<ApplyPlan.Origin> origins) {
        Map<Integer, ApplyPlan.Stored> stored = read(tx, partitions);
        if (stored.size() != partitions.size()) { // a partition's first batch: create its row, lock again
            tx.createUpdate(Sql.load("target/ensure_offsets.sql")).bind("group_id", group).bind("topic", topic)
                    .bindArray("partitions", Integer.class, partitions).execute();
            stored = read(tx, partitions);
        }
        if (!origins.isEmpty()) {
            Map<Integer, ApplyPlan.Stored> of = stored;
            tx.createQuery(Sql.load("target/read_positions.sql")).bind("group_id", group).bind("topic", topic)
                    .bindArray("partitions", Integer.class, partitions)
                    .bindArray("sources", String.class, origins.stream().map(ApplyPlan.Origin::source).toList())
                    .bindArray("epochs", String.class, origins.stream().map(ApplyPlan.Origin::epoch).toList())
                    .map((rs, ctx) -> {
                        of.get(rs.getInt("partition")).stored(new ApplyPlan.Origin(rs.getString("source"), rs.getString("epoch")),
                                new Position(rs.getString("epoch"), rs.getLong("window_id"), rs.getLong("seq"), rs.getInt("idx")));
                        return null;
                    }).list();
        }
        return stored;
    }

    private Map<Integer, ApplyPlan.Stored> read(Handle tx, List<Integer> partitions) {
        Map<Integer, ApplyPlan.Stored> stored = new HashMap<>();
        tx.createQuery(Sql.load("target/lock_offsets.sql")).bind("group_id", group).bind("topic", topic)
                .bindArray("partitions", Integer.class, partitions)
                .map((rs, ctx) -> stored.put(rs.getInt("partition"), stored(rs))).list();
        return stored;
    }

    /** A partition's offset, with the positions stored before they were kept per epoch (columns and "sources"). */
    private ApplyPlan.Stored stored(ResultSet rs) throws SQLException {
        long next = otherTopic(rs.getString("topic_id")) ? -1 : rs.getLong("next_offset"); // -1: nothing applied
        ApplyPlan.Stored s = new ApplyPlan.Stored(next, rs.getString("epoch"), rs.getLong("window_id"),
                rs.getLong("seq"), rs.getInt("idx"));
        try {
            Json.MAPPER.readTree(rs.getString("sources")).fields().forEachRemaining(f -> s.legacy(f.getKey(),
                    new Position(f.getValue().path("epoch").asText(), f.getValue().path("window").asLong(),
                            f.getValue().path("seq").asLong(), f.getValue().path("index").asInt())));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cdc.applied_offsets.sources is not JSON", e);
        }
        return s;
    }

    @Override
    public void save(Handle tx, Map<Integer, ApplyPlan.Stored> stored) {
        ArrayNode offsets = Json.MAPPER.createArrayNode();
        ArrayNode positions = Json.MAPPER.createArrayNode();
        stored.forEach((p, s) -> {
            if (s.touched()) {
                offsets.addObject().put("partition", p).put("next_offset", s.nextOffset()).put("applied", s.applied());
                s.advanced().forEach((origin, at) -> positions.addObject().put("partition", p).put("source", origin.source())
                        .put("epoch", at.epoch()).put("window_id", at.window()).put("seq", at.seq()).put("idx", at.index()));
            }
        });
        if (!offsets.isEmpty()) {
            tx.createUpdate(Sql.load("target/save_offsets.sql")).bind("group_id", group).bind("topic", topic)
                    .bind("topic_id", topicId).bind("offsets", Json.write(offsets)).execute();
        }
        if (!positions.isEmpty()) {
            tx.createUpdate(Sql.load("target/save_positions.sql")).bind("group_id", group).bind("topic", topic)
                    .bind("positions", Json.write(positions)).execute();
        }
    }
}
