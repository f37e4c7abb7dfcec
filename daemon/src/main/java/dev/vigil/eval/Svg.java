package dev.vigil.eval;

import static org.apache.commons.text.StringEscapeUtils.escapeXml10;

import java.util.List;
import java.util.Locale;

/** The report's plots, drawn as inline SVG: nothing to load from elsewhere, readable without scripts. */
final class Svg {

    static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd"};

    private Svg() {}

    /** One series of a PR curve: precision at COCO's 101 recall points. */
    record Series(String name, double[] precision) {}

    /**
     * A precision-recall curve, recall on x and precision on y, one line per model. Series with no data (-1: no
     * ground truth) are left out.
     */
    static String prCurve(String title, List<Series> series) {
        int w = 260, h = 200, l = 34, b = 26, t = 18;
        double pw = w - l - 16, ph = h - b - t;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg width='%d' height='%d' role='img' aria-label='%s'>", w, h, escapeXml10(title)));
        s.append(String.format(Locale.ROOT, "<text x='%d' y='12' font-size='11'>%s</text>", l, escapeXml10(title)));
        s.append(String.format(Locale.ROOT, "<rect x='%d' y='%d' width='%.0f' height='%.0f' fill='none' stroke='#888'/>", l, t, pw, ph));
        for (int i = 0; i <= 4; i++) {
            double v = i / 4.0;
            double y = t + ph * (1 - v), x = l + pw * v;
            s.append(String.format(Locale.ROOT, "<text x='2' y='%.1f' font-size='9'>%.2f</text>", y + 3, v));
            s.append(String.format(Locale.ROOT, "<text x='%.1f' y='%d' font-size='9' text-anchor='middle'>%.2f</text>", x, h - b + 12, v));
        }
        s.append(String.format(Locale.ROOT, "<text x='%.0f' y='%d' font-size='9' text-anchor='middle'>recall</text>", l + pw / 2, h - 2));
        for (int k = 0; k < series.size(); k++) {
            double[] p = series.get(k).precision();
            if (p.length == 0 || p[0] < 0) continue;
            StringBuilder pts = new StringBuilder();
            for (int r = 0; r < p.length; r++) {
                double x = l + pw * r / (p.length - 1.0), y = t + ph * (1 - Math.max(0, p[r]));
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            // Dashed after the first: two models' curves often run on top of each other at precision 1.
            s.append(String.format(Locale.ROOT, "<polyline fill='none' stroke-width='1.6' stroke='%s'%s points='%s'><title>%s</title></polyline>",
                    COLOURS[k % COLOURS.length], k == 0 ? "" : " stroke-dasharray='5,3'", pts.toString().strip(), escapeXml10(series.get(k).name())));
        }
        return s.append("</svg>").toString();
    }

    /** A confusion matrix as a heat map: rows the true class, columns the predicted one, each cell with its count. */
    static String confusion(List<String> classes, int[][] counts) {
        int n = classes.size(), cols = counts.length == 0 ? 0 : counts[0].length;
        int cell = Math.max(14, Math.min(36, 480 / Math.max(1, cols))), left = 130, top = 110;
        int w = left + cell * cols + 10, h = top + cell * n + 10;
        int max = 1;
        for (int[] row : counts) for (int v : row) max = Math.max(max, v);
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg width='%d' height='%d' role='img' aria-label='confusion matrix'>", w, h));
        s.append(String.format(Locale.ROOT, "<text x='%d' y='12' font-size='10'>predicted &#8594;</text><text x='2' y='%d' font-size='10'>true &#8595;</text>",
                left, top - 4));
        for (int c = 0; c < cols; c++) {
            String name = c < n ? classes.get(c) : "other";
            double x = left + cell * c + cell / 2.0;
            s.append(String.format(Locale.ROOT, "<text font-size='10' transform='translate(%.1f,%d) rotate(-60)'>%s</text>", x + 3, top - 4,
                    escapeXml10(shorten(name))));
        }
        for (int r = 0; r < n; r++) {
            int y = top + cell * r;
            s.append(String.format(Locale.ROOT, "<text x='%d' y='%.1f' font-size='10' text-anchor='end'>%s</text>", left - 4, y + cell / 2.0 + 3,
                    escapeXml10(shorten(classes.get(r)))));
            for (int c = 0; c < cols; c++) {
                int v = counts[r][c];
                double a = v == 0 ? 0 : 0.15 + 0.85 * v / max;
                String fill = r == c ? "44,160,44" : "214,39,40";
                s.append(String.format(Locale.ROOT, "<rect x='%d' y='%d' width='%d' height='%d' fill='rgba(%s,%.2f)' stroke='#ddd'><title>%s as %s: %d</title></rect>",
                        left + cell * c, y, cell, cell, fill, a, escapeXml10(classes.get(r)), escapeXml10(c < n ? classes.get(c) : "other"), v));
                if (v > 0) s.append(String.format(Locale.ROOT, "<text x='%.1f' y='%.1f' font-size='9' text-anchor='middle'>%d</text>",
                        left + cell * c + cell / 2.0, y + cell / 2.0 + 3, v));
            }
        }
        return s.append("</svg>").toString();
    }

    /** A bar per model for one figure (accuracy, mAP, latency), labelled with its value. */
    static String bars(String title, List<String> names, double[] values, String unit) {
        int w = 260, rowH = 20, h = 20 + rowH * names.size();
        double max = 0;
        for (double v : values) if (!Double.isNaN(v)) max = Math.max(max, v);
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg width='%d' height='%d' role='img' aria-label='%s'>", w, h, escapeXml10(title)));
        s.append(String.format(Locale.ROOT, "<text x='0' y='12' font-size='11'>%s</text>", escapeXml10(title)));
        for (int i = 0; i < names.size(); i++) {
            double v = values[i], bw = Double.isNaN(v) || max == 0 ? 0 : 150 * v / max;
            int y = 18 + rowH * i;
            s.append(String.format(Locale.ROOT, "<rect x='0' y='%d' width='%.1f' height='14' fill='%s'><title>%s</title></rect>", y, bw,
                    COLOURS[i % COLOURS.length], escapeXml10(names.get(i))));
            s.append(String.format(Locale.ROOT, "<text x='%.1f' y='%d' font-size='10'>%s</text>", bw + 4, y + 11,
                    Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.3g %s", v, unit)));
        }
        return s.append("</svg>").toString();
    }

    private static String shorten(String s) {
        return s.length() <= 18 ? s : s.substring(0, 17) + "\u2026";
    }
}
