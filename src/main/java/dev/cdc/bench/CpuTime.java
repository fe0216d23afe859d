package dev.cdc.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** CPU time used by a process and its children, from Linux's /proc (0 elsewhere). */
final class CpuTime {
    private static final double TICKS_PER_SECOND = 100.0;

    private CpuTime() {
    }

    /** User plus system CPU seconds of {@code pid} alone. */
    static double of(long pid) {
        try {
            String s = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** User plus system CPU seconds of {@code pid} and of every process below it. */
    static double ofTree(long pid) {
        Map<Long, List<Long>> stats = new HashMap<>(); // pid -> {ppid, ticks}
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
                try {
                    String s = Files.readString(p.resolve("stat"));
                    String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
                    stats.put(Long.parseLong(p.getFileName().toString()),
                            List.of(Long.parseLong(f[1]), Long.parseLong(f[11]) + Long.parseLong(f[12])));
                } catch (IOException | RuntimeException e) {
                    // the process ended meanwhile
                }
            });
        } catch (IOException e) {
            return 0;
        }
        long ticks = 0;
        for (var e : stats.entrySet()) {
            for (long p = e.getKey(); p > 1 && stats.containsKey(p); p = stats.get(p).get(0)) {
                if (p == pid) {
                    ticks += e.getValue().get(1);
                    break;
                }
            }
        }
        return ticks / TICKS_PER_SECOND;
    }
}
