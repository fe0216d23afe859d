package dev.cdc.mysql;

import dev.cdc.db.Sql;
import dev.cdc.event.Position;
import dev.cdc.target.ApplyPlan;
import dev.cdc.target.TopicOffsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * The offsets of a group in a topic on a MySQL/MariaDB target ({@code cdc.applied_offsets}, a row
 * per partition with the next offset and the topic's id) and the positions applied
 * ({@code cdc.applied_positions}, per partition, source and capture epoch), written in the
 * transaction that applies the rows, as on PostgreSQL ({@code sql/mysql/target/}).
 */
final class MySqlOffsetStore extends TopicOffsets {
    MySqlOffsetStore(String group, String topic) {
        super(group, topic, "mysql/target/read_offsets.sql");
    }

    @Override
    public Map<Integer, ApplyPlan.Stored> lock(Handle tx, List<Integer> partitions, Set<ApplyPlan.Origin> origins) {
        Map<Integer, ApplyPlan.Stored> stored = read(tx, partitions);
        if (stored.size() != partitions.size()) { // a partition's first batch: create its row, lock again
            PreparedBatch ensure = tx.prepareBatch(Sql.load("mysql/target/ensure_offset.sql"));
            partitions.forEach(p -> ensure.bind("group_id", group).bind("topic", topic).bind("partition", p).add());
            ensure.execute();
            stored = read(tx, partitions);
        }
        if (!origins.isEmpty()) {
            Map<Integer, ApplyPlan.Stored> of = stored;
            tx.createQuery(Sql.render("mysql/target/read_positions.sql", Map.of("partitions", list(partitions))))
                    .bind("group_id", group).bind("topic", topic)
                    .map((rs, ctx) -> {
                        ApplyPlan.Origin origin = new ApplyPlan.Origin(rs.getString("source"), rs.getString("epoch"));
                        if (origins.contains(origin)) {
                            of.get(rs.getInt("partition")).stored(origin, new Position(origin.epoch(),
                                    rs.getLong("window_id"), rs.getLong("seq"), rs.getInt("idx")));
                        }
                        return null;
                    }).list();
        }
        return stored;
    }

    private Map<Integer, ApplyPlan.Stored> read(Handle tx, List<Integer> partitions) {
        Map<Integer, ApplyPlan.Stored> stored = new HashMap<>();
        tx.createQuery(Sql.render("mysql/target/lock_offsets.sql", Map.of("partitions", list(partitions))))
                .bind("group_id", group).bind("topic", topic)
                .map((rs, ctx) -> stored.put(rs.getInt("partition"), new ApplyPlan.Stored(
                        otherTopic(rs.getString("topic_id")) ? -1 : rs.getLong("next_offset")))).list();
        return stored;
    }

    /** The partitions' numbers for an IN list: digits only, made from integers. */
    private static String list(List<Integer> partitions) {
        return partitions.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", "));
    }

    @Override
    public void save(Handle tx, Map<Integer, ApplyPlan.Stored> stored) {
        PreparedBatch offsets = tx.prepareBatch(Sql.load("mysql/target/save_offset.sql"));
        PreparedBatch positions = tx.prepareBatch(Sql.load("mysql/target/save_position.sql"));
        stored.forEach((p, s) -> {
            if (s.touched()) {
                offsets.bind("group_id", group).bind("topic", topic).bind("partition", p).bind("topic_id", topicId)
                        .bind("next_offset", s.nextOffset()).bind("applied", s.applied()).add();
                s.advanced().forEach((origin, at) -> positions.bind("group_id", group).bind("topic", topic)
                        .bind("partition", p).bind("source", origin.source()).bind("epoch", at.epoch())
                        .bind("window_id", at.window()).bind("seq", at.seq()).bind("idx", at.index()).add());
            }
        });
        if (offsets.size() > 0) {
            offsets.execute();
        }
        if (positions.size() > 0) {
            positions.execute();
        }
    }
}
