package dev.cdc.target;

import dev.cdc.db.Sql;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the offset stores of every engine share: the group and topic they keep, the topic's id as
 * Kafka gives it now, and the stored offsets read with the engine's {@code read_offsets.sql}
 * (columns partition, next_offset, topic_id).
 */
public abstract class TopicOffsets implements OffsetStore {
    private static final Logger log = LoggerFactory.getLogger("cdc.consume");
    protected final String group;
    protected final String topic;
    private final String readOffsets;
    protected volatile String topicId;

    protected TopicOffsets(String group, String topic, String readOffsets) {
        this.group = group;
        this.topic = topic;
        this.readOffsets = readOffsets;
    }

    @Override
    public void topicIs(String id) {
        topicId = id;
    }

    /**
     * Whether an offset stored with {@code storedTopicId} was in another topic of the same name than
     * the one Kafka has now (deleted and created again since): no offset in this one. An id unknown
     * on either side (stored before ids were, or Kafka not asked) counts as the same topic.
     */
    protected boolean otherTopic(String storedTopicId) {
        return storedTopicId != null && topicId != null && !storedTopicId.equals(topicId);
    }

    @Override
    public Map<Integer, Long> storedOffsets(Handle h) {
        Map<Integer, Long> m = new HashMap<>();
        Set<String> others = new TreeSet<>();
        h.createQuery(Sql.load(readOffsets)).bind("group_id", group).bind("topic", topic)
                .map((rs, ctx) -> otherTopic(rs.getString("topic_id")) ? others.add(rs.getString("topic_id"))
                        : m.put(rs.getInt("partition"), rs.getLong("next_offset"))).list();
        if (!others.isEmpty()) {
            log.warn("topic {} is not the one whose offsets {} stored (its id is {}, theirs {}): it was deleted and created "
                    + "again; reading it from its start, skipping events applied before", topic, group, topicId, others);
        }
        return m;
    }
}
