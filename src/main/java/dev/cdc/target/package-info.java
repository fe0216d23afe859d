/**
 * Applying events to a target database, the part that is the same for every engine: the
 * {@link dev.cdc.target.DatabaseSink}, the {@link dev.cdc.target.Applier} that runs a batch in one
 * transaction, and the {@link dev.cdc.target.ApplyPlan} (what a batch writes, what was applied
 * already). What differs per database is behind {@link dev.cdc.target.TargetEngine}: the
 * {@link dev.cdc.target.OffsetStore}, the {@link dev.cdc.target.RowWriter} and the two-way
 * {@link dev.cdc.target.ConflictResolver} (PostgreSQL's are in {@code dev.cdc.postgres}). Uses
 * {@code sink}, {@code event}, {@code db} and {@code base}.
 */
package dev.cdc.target;
