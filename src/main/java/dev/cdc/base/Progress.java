package dev.cdc.base;

/** Counts work and says every few seconds how much was done and how fast. */
public final class Progress {
    private final long intervalNanos;
    private long total;
    private long lastTotal;
    private long lastReport = System.nanoTime();

    public Progress(long intervalMillis) {
        this.intervalNanos = intervalMillis * 1_000_000;
    }

    public void add(long n) {
        total += n;
    }

    public long total() {
        return total;
    }

    /** True when a report is due; then {@link #rate()} covers the interval since the last one. */
    public boolean due() {
        return intervalNanos > 0 && System.nanoTime() - lastReport >= intervalNanos;
    }

    /** Events per second since the last report, and starts a new interval. */
    public long rate() {
        long now = System.nanoTime();
        double seconds = Math.max(1e-9, (now - lastReport) / 1e9);
        long r = Math.round((total - lastTotal) / seconds);
        lastTotal = total;
        lastReport = now;
        return r;
    }
}
