package dev.vigil.learn;

import dev.vigil.inference.EngineOptions;
import dev.vigil.inference.Engines;
import dev.vigil.inference.InferenceEngine;
import dev.vigil.inference.ModelLoadException;
import dev.vigil.model.ModelStore;
import dev.vigil.model.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where learned models live and how one opens. {@code <store home>/learned/<name>/} holds {@code <name>.head.json}
 * (the model as far as every {@code --model} is concerned: {@link ModelStore#resolve} finds it by name),
 * {@code labels.txt} and {@code embeddings.bin} (every example learned so far, so learning goes on as labels arrive).
 */
public final class LearnedModels {

    static final String SUFFIX = ".head.json";

    private LearnedModels() {}

    /** Whether {@code model} is a head file (opened by {@link #open}, not by an engine directly). */
    public static boolean isHead(Path model) {
        return model.getFileName() != null && model.getFileName().toString().endsWith(SUFFIX);
    }

    /** The learned model's name, from its head file's name. */
    public static String nameOf(Path head) {
        String n = head.getFileName().toString();
        return n.substring(0, n.length() - SUFFIX.length());
    }

    static Path embeddings(Path head) { return head.resolveSibling("embeddings.bin"); }

    static Path labels(Path head) { return head.resolveSibling("labels.txt"); }

    /** Opens a learned model: its extractor on the named engine, the head behind it. A missing extractor is one line. */
    public static InferenceEngine open(Path head, String engine, EngineOptions options) {
        LearnedModel m;
        try {
            m = HeadFile.read(head);
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(e.getMessage());
        }
        Path extractor = extractorFile(head, m.extractor());
        EmbeddingEngine ee = new EmbeddingEngine(Engines.open(engine, extractor, options));
        try {
            return new LearnedEngine(ee, m.head(), m.roi());
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException("learned model " + m.name() + ": " + e.getMessage() + "; run vigil learn again");
        }
    }

    /** The region of the frame a learned model looks at (its preprocessor's region), when it has one. */
    public static java.util.Optional<Roi> roi(InferenceEngine engine) {
        return engine instanceof LearnedEngine le ? java.util.Optional.ofNullable(le.roi()) : java.util.Optional.empty();
    }

    /**
     * The extractor's exact bytes: beside the head, in the store the head lies in ({@code <home>/models}), or where it
     * was when the model was learned (a mirror).
     */
    static Path extractorFile(Path head, LearnedModel.Extractor x) {
        List<Path> candidates = new ArrayList<>();
        candidates.add(head.resolveSibling(x.file()));
        Path home = head.toAbsolutePath().getParent().getParent().getParent();
        if (home != null) candidates.add(home.resolve("models").resolve(x.file()));
        if (!x.path().isEmpty()) candidates.add(Path.of(x.path()));
        for (Path p : candidates) {
            if (Files.isRegularFile(p) && Sha256.of(p).equals(x.sha256())) return p;
        }
        throw new ModelLoadException("learned model " + nameOf(head) + " needs extractor " + x.name() + " (sha256 " + x.sha256()
                + "), found nowhere; pull it: vigil models pull " + x.name());
    }
}
