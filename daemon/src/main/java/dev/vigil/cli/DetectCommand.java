package dev.vigil.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.pipeline.Analyzer;
import dev.vigil.postprocess.Detections;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "detect", description = "Detect objects in images: label, score and box (normalized xmin, ymin, xmax, ymax).")
final class DetectCommand extends ImageCommand {

    @Option(names = {"-s", "--min-score"}, defaultValue = "0.5", description = "Minimum score (default: ${DEFAULT-VALUE}).")
    float minScore;

    @Override Analyzer.Kind kind() { return Analyzer.Kind.DETECTOR; }

    @Override int top() { return 5; }

    @Override float minScore() {
        if (!(minScore >= 0f && minScore <= 1f)) throw new Main.UsageException("--min-score: " + minScore + " is not within 0..1");
        return minScore;
    }

    @Override
    void result(Analyzer a, ObjectNode line) {
        ArrayNode arr = line.putArray("detections");
        Detections d = a.detections();
        for (int i = 0; i < d.count(); i++) {
            ObjectNode o = arr.addObject();
            o.put("label", a.label(d.classIndex(i)));
            o.put("index", d.classIndex(i));
            o.put("score", round(d.score(i), 3));
            ArrayNode box = o.putArray("box");
            box.add(round(d.xmin(i), 4)).add(round(d.ymin(i), 4)).add(round(d.xmax(i), 4)).add(round(d.ymax(i), 4));
        }
    }

    @Override
    String text(Analyzer a) {
        Detections d = a.detections();
        if (d.count() == 0) return "nothing";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < d.count(); i++) {
            if (i > 0) sb.append(", ");
            sb.append(String.format(Locale.ROOT, "%s %.2f [%.2f %.2f %.2f %.2f]", a.label(d.classIndex(i)), d.score(i),
                    d.xmin(i), d.ymin(i), d.xmax(i), d.ymax(i)));
        }
        return sb.toString();
    }
}
