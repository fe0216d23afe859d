package dev.cdc.bench;

import java.util.List;
import java.util.Map;

/** Lag over time as a self-contained HTML page with one SVG chart per workload. */
final class LagPlot {
    private static final int W = 760;
    private static final int H = 260;
    private static final int PAD = 50;

    private LagPlot() {
    }

    /** Each series holds rows {seconds, events not yet published, events not yet applied}. */
    static String html(Map<String, List<double[]>> series, Map<String, Object> machine) {
        StringBuilder b = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>cdc bench: lag</title>"
                + "<style>body{font:14px sans-serif;margin:24px}h2{font-size:16px}.k{display:inline-block;width:12px;"
                + "height:3px;margin:0 6px 3px 12px}</style></head><body><h1>cdc bench: lag over time</h1><p>Machine: ")
                .append(machine).append(". Lag = changes committed on the source and not yet published to Kafka "
                        + "<span class=\"k\" style=\"background:#d62728\"></span>or not yet applied to the target"
                        + "<span class=\"k\" style=\"background:#1f77b4\"></span></p>");
        series.forEach((name, rows) -> b.append("<h2>").append(name).append("</h2>").append(chart(rows)));
        return b.append("</body></html>").toString();
    }

    private static String chart(List<double[]> rows) {
        double maxT = 1;
        double maxY = 1;
        for (double[] r : rows) {
            maxT = Math.max(maxT, r[0]);
            maxY = Math.max(maxY, Math.max(r[1], r[2]));
        }
        StringBuilder b = new StringBuilder();
        b.append("<svg width=\"").append(W + 2 * PAD).append("\" height=\"").append(H + 2 * PAD)
                .append("\" xmlns=\"http://www.w3.org/2000/svg\"><g transform=\"translate(").append(PAD).append(',')
                .append(PAD / 2).append(")\">");
        b.append("<rect width=\"").append(W).append("\" height=\"").append(H).append("\" fill=\"none\" stroke=\"#999\"/>");
        for (int i = 0; i <= 4; i++) {
            double y = H - i * H / 4.0;
            b.append(String.format("<text x=\"-6\" y=\"%.0f\" font-size=\"11\" text-anchor=\"end\">%,.0f</text>", y + 4, maxY * i / 4));
            double x = i * W / 4.0;
            b.append(String.format("<text x=\"%.0f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%.1f s</text>", x, H + 16, maxT * i / 4));
        }
        for (int col = 1; col <= 2; col++) {
            StringBuilder pts = new StringBuilder();
            for (double[] r : rows) {
                pts.append(String.format("%.1f,%.1f ", r[0] / maxT * W, H - r[col] / maxY * H));
            }
            b.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(col == 1 ? "#d62728" : "#1f77b4")
                    .append("\" points=\"").append(pts).append("\"/>");
        }
        return b.append("</g></svg>").toString();
    }
}
