package dev.cdc.source;

import java.util.List;

/** Changelog rows read for one round: at least a page of events, or the rest of the window. */
public record Page(List<ChangelogRow> rows, long events, boolean endsWindow) {
    /** The seq of the page's last row, or {@code otherwise} when it has none. */
    public long lastSeq(long otherwise) {
        return rows.isEmpty() ? otherwise : rows.get(rows.size() - 1).seq();
    }
}
