package dev.cdc.event;

/**
 * Where a change was in its source, the one shape of a position: the capture's {@code epoch}
 * (new when capture is reinstalled and positions restart), the changelog {@code window} it was
 * published in, the changelog row's {@code seq}, and the change's {@code index} in that row. It
 * grows with every change of a table, so a consumer that stored the last one it applied
 * recognizes an event it has applied already (a producer republishes after a crash).
 */
public record Position(String epoch, long window, long seq, int index) {

    /** Nothing applied yet: every position of any epoch is after it. */
    public static final Position NONE = new Position(null, 0, 0, 0);

    /** True when {@code other} is at or before this position, in the same epoch. */
    public boolean covers(Position other) {
        return other.epoch.equals(epoch == null ? "" : epoch) && (other.window < window || other.window == window
                && (other.seq < seq || other.seq == seq && other.index <= index));
    }
}
