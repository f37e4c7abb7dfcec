package dev.vigil.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.pipeline.Analyzer;
import dev.vigil.postprocess.TopK;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "classify", description = "Classify images: top-k labels with scores.")
final class ClassifyCommand extends ImageCommand {

    @Option(names = {"-k", "--top"}, defaultValue = "5", description = "How many classes (default: ${DEFAULT-VALUE}).")
    int top;

    @Override Analyzer.Kind kind() { return Analyzer.Kind.CLASSIFIER; }

    @Override int top() {
        if (top < 1) throw new Main.UsageException("--top: " + top + " must be at least 1");
        return top;
    }

    @Override float minScore() { return 0f; }

    @Override
    void result(Analyzer a, ObjectNode line) {
        ArrayNode arr = line.putArray("top");
        TopK t = a.topK();
        for (int i = 0; i < t.count(); i++) {
            ObjectNode c = arr.addObject();
            c.put("index", t.index(i));
            c.put("label", a.label(t.index(i)));
            c.put("score", round(t.score(i), 3));
        }
    }

    @Override
    String text(Analyzer a) {
        TopK t = a.topK();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < t.count(); i++) {
            if (i > 0) sb.append(", ");
            sb.append(String.format(Locale.ROOT, "%s %.3f", a.label(t.index(i)), t.score(i)));
        }
        return sb.toString();
    }
}
