package dev.cdc.target;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What cdc setup recorded on the target for one topic: the tables its events may write to, as
 * [schema, name], and for the other side of a two-way sync its table of row versions and the
 * columns rows are related by (empty: one-way).
 */
public record Subscription(Set<List<String>> tables, Optional<TwoWay> twoWay) {
    /**
     * Two-way sync: the table of this side's row versions, the columns rows are related by (null:
     * the key), and the table's name ("schema.table") in the other side's events when it has
     * another name there (null: the same).
     */
    public record TwoWay(String versions, List<String> key, String otherTable) {
    }
}
