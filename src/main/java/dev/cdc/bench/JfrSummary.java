package dev.cdc.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/** Where a JFR recording's CPU samples fall: by library and by top method. */
final class JfrSummary {
    private JfrSummary() {
    }

    static String of(Path recording) throws IOException {
        Map<String, Integer> byArea = new HashMap<>();
        Map<String, Integer> byMethod = new HashMap<>();
        int total = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(recording)) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) {
                continue;
            }
            List<RecordedFrame> frames = e.getStackTrace().getFrames();
            if (frames.isEmpty()) {
                continue;
            }
            total++;
            RecordedFrame top = frames.get(0);
            String cls = top.getMethod().getType().getName();
            byMethod.merge(cls + "." + top.getMethod().getName(), 1, Integer::sum);
            // the library that asked for the work: the first frame outside the JDK
            String area = "JDK";
            for (RecordedFrame f : frames) {
                String c = f.getMethod().getType().getName();
                if (!c.startsWith("java.") && !c.startsWith("jdk.") && !c.startsWith("sun.")) {
                    area = area(c);
                    break;
                }
            }
            byArea.merge(area, 1, Integer::sum);
        }
        int n = Math.max(1, total);
        return total + " CPU samples\n  by library: " + top(byArea, n, 8) + "\n  top methods: " + top(byMethod, n, 8);
    }

    private static String area(String cls) {
        for (String[] a : new String[][] {{"org.apache.kafka.common.compress", "Kafka compression"},
            {"net.jpountz", "Kafka compression"}, {"org.apache.kafka", "Kafka client"}, {"org.postgresql", "PostgreSQL JDBC"},
            {"com.fasterxml.jackson", "Jackson"}, {"org.jdbi", "Jdbi"}, {"dev.cdc", "cdc"}, {"org.slf4j", "logging"}}) {
            if (cls.startsWith(a[0])) {
                return a[1];
            }
        }
        return cls.contains(".") ? cls.substring(0, cls.lastIndexOf('.')) : cls;
    }

    private static String top(Map<String, Integer> counts, int total, int limit) {
        return counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(limit)
                .map(e -> String.format("%s %.0f%%", e.getKey(), 100.0 * e.getValue() / total))
                .collect(Collectors.joining(", "));
    }
}
