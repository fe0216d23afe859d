package dev.cdc.target;

import dev.cdc.event.ChangeEvent;
import dev.cdc.event.Position;
import dev.cdc.sink.Decoded;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * What a batch writes, decided from the batch and the stored state of its partitions alone (no
 * database): the truncates to run first, the changes to write (the last one of each row, in
 * order), and what was skipped and why.
 */
public record ApplyPlan(List<Truncate> truncates, List<ChangeEvent> changes, int events, int skipped,
                        Map<TopicPartition, Long> seeks) {

    /**
     * Whose positions an event's is compared with: its source (by name; "" for a producer without
     * --source-name) and its capture's epoch. Each captured table has its own epoch, so a topic that
     * carries many tables keeps a position per table.
     */
    public record Origin(String source, String epoch) {
        static Origin of(ChangeEvent ev) {
            return new Origin(ev.sourceName() == null ? "" : ev.sourceName(), ev.position().epoch());
        }
    }

    /**
     * The stored state of one partition: next offset (-1: nothing applied), and per {@link Origin}
     * the position of the last event applied from it.
     */
    public static final class Stored {
        long nextOffset;
        /** Positions stored per source name alone, before positions were kept per epoch (read only). */
        private final Map<String, Position> legacy = new TreeMap<>();
        private final Map<Origin, Position> positions = new HashMap<>();
        private final Set<Origin> advanced = new HashSet<>();
        long applied;
        boolean touched;

        public Stored(long nextOffset) {
            this.nextOffset = nextOffset;
        }

        /** With the position of a source without a name stored the old way (its epoch null: none). */
        public Stored(long nextOffset, String epoch, long window, long seq, int index) {
            this(nextOffset);
            if (epoch != null) {
                legacy.put("", new Position(epoch, window, seq, index));
            }
        }

        public long nextOffset() {
            return nextOffset;
        }

        /**
         * Moves the partition's next offset (an operator's reset, the consumer stopped): stored with
         * the positions kept, so that events applied before are recognized and skipped when read again.
         */
        public void moveTo(long offset) {
            nextOffset = offset;
            touched = true;
        }

        /** Events applied from this partition, in all. */
        public long applied() {
            return applied;
        }

        /** Whether the batch read this partition (its state is then stored again). */
        public boolean touched() {
            return touched;
        }

        /** Records a position stored the old way: of a source by name, in one epoch. */
        public void legacy(String source, Position at) {
            legacy.put(source, at);
        }

        /** Records the stored position of an origin. */
        public void stored(Origin origin, Position at) {
            positions.put(origin, at);
        }

        /** The positions the batch advanced, to store. */
        public Map<Origin, Position> advanced() {
            Map<Origin, Position> m = new HashMap<>();
            advanced.forEach(o -> m.put(o, positions.get(o)));
            return m;
        }

        /** The position of the last event applied from the origin (none: {@link Position#NONE}). */
        Position position(Origin origin) {
            Position at = positions.get(origin);
            if (at != null) {
                return at;
            }
            Position old = legacy.get(origin.source());
            return old != null && origin.epoch().equals(old.epoch()) ? old : Position.NONE;
        }

        void advance(ChangeEvent ev) {
            Origin o = Origin.of(ev);
            positions.put(o, ev.position());
            advanced.add(o);
        }
    }

    /** The origins of a batch's events, whose stored positions decide what it skips. */
    public static Set<Origin> origins(Map<TopicPartition, List<Decoded>> batch) {
        Set<Origin> origins = new HashSet<>();
        batch.values().forEach(list -> list.forEach(d -> {
            if (d.event() != null && d.event().op() != 's') {
                origins.add(Origin.of(d.event()));
            }
        }));
        return origins;
    }

    /**
     * The rows of a table that belong to some of the topic's {@code partitions} are to be deleted;
     * in a consolidated table only those of {@code source} (else null).
     */
    public record Truncate(String table, int partitions, String source, SortedSet<Integer> of) {
    }

    static ApplyPlan of(Map<TopicPartition, List<Decoded>> batch, Map<Integer, Stored> stored,
                        Map<TopicPartition, Long> soughtBack) {
        return of(batch, stored, soughtBack, false);
    }

    /**
     * Decides what a batch writes, given the stored state of its partitions, and advances that
     * state. Records below a partition's stored offset were applied already (before a crash, or by
     * another group member); a first record above it means the consumer read past a gap, so it
     * seeks back once — if the same gap comes again, no record lies in it (Kafka skips the markers
     * of other, transactional writers) and it is crossed; an event at or before the stored source
     * position is a republished duplicate. Of the rest, each row keeps only its last change.
     *
     * @param consolidated the events go into a consolidated table ({@link ChangeEvent#consolidated}):
     *                     a truncate deletes only the rows of the source that was truncated
     */
    static ApplyPlan of(Map<TopicPartition, List<Decoded>> batch, Map<Integer, Stored> stored,
                        Map<TopicPartition, Long> soughtBack, boolean consolidated) {
        Map<TopicPartition, Long> seeks = new HashMap<>();
        LinkedHashMap<String, ChangeEvent> last = new LinkedHashMap<>(); // by partition, table and key
        Map<String, Truncate> truncates = new LinkedHashMap<>();
        int skipped = 0;
        int events = 0;
        for (var e : batch.entrySet()) {
            Stored s = stored.get(e.getKey().partition());
            for (Decoded d : e.getValue()) {
                ConsumerRecord<byte[], byte[]> r = d.record();
                if (s.nextOffset >= 0 && r.offset() < s.nextOffset) {
                    skipped++;
                    continue;
                }
                if (s.nextOffset >= 0 && r.offset() > s.nextOffset && !s.touched
                        && !Long.valueOf(s.nextOffset).equals(soughtBack.get(e.getKey()))) {
                    seeks.put(e.getKey(), s.nextOffset);
                    soughtBack.put(e.getKey(), s.nextOffset);
                    break;
                }
                s.nextOffset = r.offset() + 1;
                s.touched = true;
                ChangeEvent ev = d.event();
                if (ev == null) {
                    skipped++; // in the dead-letter topic
                    continue;
                }
                if (ev.op() == 's') {
                    continue; // applied before the batch, see Applier.addColumns
                }
                if (s.position(Origin.of(ev)).covers(ev.position())) {
                    skipped++;
                    continue;
                }
                s.advance(ev);
                s.applied++;
                events++;
                String prefix = e.getKey().partition() + "\u0000" + ev.table() + '\u0000';
                if (ev.op() == 't') {
                    String source = consolidated ? ev.sourceName() : null;
                    last.entrySet().removeIf(c -> c.getKey().startsWith(prefix) // deleted by the truncate anyway
                            && (source == null || source.equals(c.getValue().sourceName())));
                    truncates.computeIfAbsent(ev.table() + '\u0000' + ev.partitions() + '\u0000' + source,
                            k -> new Truncate(ev.table(), ev.partitions(), source, new TreeSet<>()))
                            .of().add(e.getKey().partition());
                    continue;
                }
                String key = prefix + ev.key();
                last.remove(key); // keeps the map in the order of each row's last change
                last.put(key, ev);
            }
        }
        return new ApplyPlan(new ArrayList<>(truncates.values()), new ArrayList<>(last.values()), events, skipped, seeks);
    }
}
