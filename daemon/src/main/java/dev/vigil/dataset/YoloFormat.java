package dev.vigil.dataset;

import dev.vigil.sampling.Sample;
import dev.vigil.sampling.SampleStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * YOLO (Ultralytics' layout): {@code images/<split>/<id>.jpg}, {@code labels/<split>/<id>.txt} with one line
 * {@code class cx cy w h} per box (normalised), and {@code data.yaml} naming the classes. Pre-labels carry their score
 * as a sixth column, as YOLO's own {@code save_conf} predictions do.
 */
final class YoloFormat extends Export {

    YoloFormat(SampleStore store, List<Sample> samples, Path out, double valShare, boolean labelledOnly) {
        super(store, samples, out, valShare, labelledOnly);
    }

    @Override
    protected int write() throws IOException {
        for (Item it : items) {
            Sample s = it.sample();
            copyImage(s, out.resolve("images").resolve(it.split()).resolve(s.id() + ".jpg"));
            StringBuilder txt = new StringBuilder();
            for (Sample.Box b : it.boxes()) {
                double[] n = b.box() != null ? b.box() : new double[] {0, 0, 1, 1};
                double x0 = clamp(n[0]), y0 = clamp(n[1]), x1 = clamp(n[2]), y1 = clamp(n[3]);
                txt.append(String.format(Locale.ROOT, "%d %.6f %.6f %.6f %.6f", classes.indexOf(b.label()), (x0 + x1) / 2, (y0 + y1) / 2,
                        x1 - x0, y1 - y0));
                if (it.predicted()) txt.append(String.format(Locale.ROOT, " %.4f", b.score()));
                txt.append('\n');
            }
            Path labels = out.resolve("labels").resolve(it.split()).resolve(s.id() + ".txt");
            Files.createDirectories(labels.getParent());
            Files.writeString(labels, txt, StandardCharsets.UTF_8);
        }
        StringBuilder yaml = new StringBuilder("# written by vigil dataset export\npath: .\ntrain: images/train\nval: images/val\nnames:\n");
        for (int i = 0; i < classes.size(); i++) yaml.append("  ").append(i).append(": ").append(quote(classes.get(i))).append('\n');
        Files.writeString(out.resolve("data.yaml"), yaml, StandardCharsets.UTF_8);
        return items.size();
    }

    /** YAML's double-quoted scalar: a label may hold commas or colons. */
    private static String quote(String s) { return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\""; }
}
