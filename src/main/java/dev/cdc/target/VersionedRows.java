package dev.cdc.target;

import dev.cdc.base.Failure;
import dev.cdc.event.ChangeEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * Two-way sync's apply of a batch, table by table, on any engine: the rows the batch changes are
 * locked first, then their versions (the order in which the capture triggers of local writers
 * take them); an incoming row whose key has no row yet is inserted at once ("claimed"), so that a
 * local writer's insert of that key not yet committed is waited for and compared, instead of being
 * overwritten unseen; {@link ConflictRule} decides; a claimed row whose change lost (against a
 * local delete) is deleted again, and the conflicts are recorded. A delete that wins for a key
 * with no row here is not run, its version only recorded: on MySQL a DELETE waits for a local
 * writer's insert of that key not yet committed, whose trigger waits for the version this batch
 * holds, and one of the two would be killed as a deadlock (that writer's insert then comes after
 * the delete and wins, as it should). {@code T}: the engine's handle on a target table.
 */
public abstract class VersionedRows<T> implements ConflictResolver {

    /** The engine's handle on the target table of that name ("schema.table"). */
    protected abstract T target(Handle tx, String table);

    /** Locks the rows of the changes' keys; returns the places (from 0) of the keys that have one. */
    protected abstract Set<Integer> lockRows(Handle tx, T target, List<ChangeEvent> changes);

    /**
     * Inserts the rows of the changes at {@code absent} (places whose key had no row) unless their
     * key has one by now (waiting for a local writer's insert not yet committed); returns the places
     * of the rows it inserted.
     */
    protected abstract Set<Integer> claim(Handle tx, T target, List<ChangeEvent> changes, List<Integer> absent);

    /** The local version of each change's row, by place, locked until the batch ends ({@link ConflictRule.Local#NONE}: none). */
    protected abstract List<ConflictRule.Local> versions(Handle tx, T target, List<ChangeEvent> changes);

    /** Deletes the rows of the changes' keys. */
    protected abstract void delete(Handle tx, T target, List<ChangeEvent> changes);

    /** The local rows of the changes' keys as JSON, by place (none: no row). */
    protected abstract Map<Integer, String> localRows(Handle tx, T target, List<ChangeEvent> changes);

    /** Writes the conflicts (a JSON array, see {@link ConflictRule#record}) into cdc.conflicts. */
    protected abstract void logConflicts(Handle tx, String conflicts);

    @Override
    public final List<ChangeEvent> resolve(Handle tx, List<ChangeEvent> changes) {
        Map<String, List<ChangeEvent>> byTable = new LinkedHashMap<>();
        changes.forEach(e -> byTable.computeIfAbsent(e.table(), t -> new ArrayList<>()).add(e));
        List<ChangeEvent> kept = new ArrayList<>(changes.size());
        for (var entry : byTable.entrySet()) {
            List<ChangeEvent> list = entry.getValue();
            T target = target(tx, entry.getKey());
            Set<Integer> existing = lockRows(tx, target, list);
            List<Integer> absent = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i).after() != null && !existing.contains(i)) {
                    absent.add(i);
                }
            }
            Set<Integer> claimed = absent.isEmpty() ? Set.of() : claim(tx, target, list, absent);
            Set<Integer> withRow = new java.util.HashSet<>(existing);
            if (claimed.size() < absent.size()) { // inserted here meanwhile, and committed: lock those too
                Set<Integer> now = lockRows(tx, target, list);
                withRow.addAll(now);
                absent.stream().filter(i -> !claimed.contains(i) && !now.contains(i)).findFirst().ifPresent(i -> {
                    throw Failure.precondition("the row of key " + list.get(i).key() + " could not be inserted into "
                            + entry.getKey() + ": another unique index of the table has a row with the same values; "
                            + "nothing of the batch was written");
                });
            }
            List<ConflictRule.Local> local = versions(tx, target, list);
            ConflictRule.Outcome outcome = ConflictRule.decide(list, local);
            Set<String> present = new java.util.HashSet<>();
            withRow.forEach(i -> present.add(list.get(i).key()));
            List<ChangeEvent> noRow = new ArrayList<>();
            for (int i : outcome.kept()) {
                ChangeEvent e = list.get(i);
                if (e.after() != null) {
                    present.add(e.key());
                    kept.add(e);
                } else if (present.remove(e.key())) {
                    kept.add(e);
                } else {
                    noRow.add(e); // nothing to delete: only its version
                }
            }
            if (!noRow.isEmpty()) {
                recordVersions(tx, noRow);
            }
            List<Integer> lost = outcome.lost();
            List<ChangeEvent> unclaim = lost.stream().filter(claimed::contains).map(list::get).toList();
            if (!unclaim.isEmpty()) { // inserted above, and lost against a local delete: gone again
                delete(tx, target, unclaim);
            }
            if (!lost.isEmpty()) {
                List<ChangeEvent> lostChanges = lost.stream().map(list::get).toList();
                logConflicts(tx, ConflictRule.record(lostChanges, lost.stream().map(local::get).toList(),
                        localRows(tx, target, lostChanges)));
            }
        }
        return kept;
    }
}
