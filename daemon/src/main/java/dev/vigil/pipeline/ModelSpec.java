package dev.vigil.pipeline;

import dev.vigil.learn.LearnedModels;
import dev.vigil.model.ModelEntry;
import dev.vigil.model.ModelMetadata;
import dev.vigil.model.ResolvedModel;
import dev.vigil.postprocess.Labels;
import dev.vigil.postprocess.SsdSpec;
import dev.vigil.preprocess.Normalization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Everything needed to run a model besides the engine: labels, input normalization, kind and (for raw-output SSD
 * detectors) the decoding spec. Each comes from the first source that has it: an explicit option, the catalog entry,
 * the model's own TFLite metadata, files next to the model.
 */
public record ModelSpec(Path model, String name, Optional<Labels> labels, Optional<Normalization> normalization,
                        Optional<Analyzer.Kind> kind, Optional<SsdSpec> decoding) {

    /** A model file with what it carries itself (metadata, its labels in English) and what lies next to it. */
    public static ModelSpec forFile(Path model) {
        return forFile(model, ModelMetadata.DEFAULT_LOCALE);
    }

    /** As {@link #forFile(Path)}, the metadata's label file of {@code locale} when it packs one per locale. */
    public static ModelSpec forFile(Path model, String locale) {
        // A learned model's head file: labels beside it, a classifier named after its file.
        if (LearnedModels.isHead(model)) return new ModelSpec(model, LearnedModels.nameOf(model), sidecarLabels(model), Optional.empty(),
                Optional.of(Analyzer.Kind.CLASSIFIER), Optional.empty());
        ModelMetadata meta = ModelMetadata.read(model, locale);
        Optional<Labels> labels = meta.labels().map(l -> Labels.parse(l, 0).from(model.getFileName() + " metadata")).or(() -> sidecarLabels(model));
        Optional<SsdSpec> decoding = Files.isRegularFile(SsdSpec.sidecar(model)) ? SsdSpec.forModel(model) : Optional.empty();
        return new ModelSpec(model, model.getFileName().toString(), labels, meta.inputNormalization(), Optional.empty(), decoding);
    }

    /**
     * A resolved model: the catalog entry's labels, input normalization, kind and decoding win over what the file
     * carries; the file's metadata and sidecars fill the rest.
     */
    public static ModelSpec of(ResolvedModel r) {
        return of(r, ModelMetadata.DEFAULT_LOCALE);
    }

    /** As {@link #of(ResolvedModel)}, the metadata's labels in {@code locale}. */
    public static ModelSpec of(ResolvedModel r, String locale) {
        ModelSpec s = forFile(r.model(), locale);
        if (r.labels().isPresent()) s = s.withLabels(Labels.read(r.labels().get()));
        if (r.entry().isEmpty()) return s;
        ModelEntry e = r.entry().get();
        // The catalog's skip_first: lines before the model's index 0 (a background line the model does not count).
        if (r.labels().isPresent() && e.labels() != null && e.labels().skipFirst() > 0)
            s = s.withLabels(s.labels().orElseThrow().withOffset(e.labels().skipFirst()));
        s = s.withName(e.name()).withKind(switch (e.kind()) {
            case CLASSIFIER -> Analyzer.Kind.CLASSIFIER;
            case DETECTOR -> Analyzer.Kind.DETECTOR;
            case EMBEDDING -> null; // its one output reads as class scores: 1024 "classes" without names
        });
        if (e.input() != null) s = s.withNormalization(Normalization.of((float) e.input().mean(), (float) e.input().std()));
        if (!e.decoding().isEmpty()) s = s.withDecoding(SsdSpec.fromMap(e.decoding(), "catalog entry " + e.name() + ".decoding"));
        return s;
    }

    /** {@code <model stem>.txt} or {@code labels.txt} beside the model. */
    static Optional<Labels> sidecarLabels(Path model) {
        String n = model.getFileName().toString();
        int dot = n.lastIndexOf('.');
        for (Path p : new Path[] {model.resolveSibling((dot > 0 ? n.substring(0, dot) : n) + ".txt"), model.resolveSibling("labels.txt")}) {
            if (Files.isRegularFile(p)) return Optional.of(Labels.read(p));
        }
        return Optional.empty();
    }

    /**
     * A detection threshold below the decoding's {@code min_score} is honoured (the decoder uses the caller's); this is
     * the warning line saying so, e.g. {@code --min-score 0.2 is below 0.4, ...}, or empty when it is not below.
     *
     * @param setting where the threshold was set, named in the line ({@code --min-score}, a config key)
     */
    public Optional<String> belowScoreFloor(String setting, float threshold) {
        if (decoding.isEmpty() || threshold >= decoding.get().minScore()) return Optional.empty();
        return Optional.of(setting + " " + threshold + " is below " + decoding.get().minScore() + ", the decoding min_score of "
                + name + ": honoured, though this raw SSD's scores under it are mostly noise and take longer to decode");
    }

    public ModelSpec withLabels(Labels l) { return new ModelSpec(model, name, Optional.of(l), normalization, kind, decoding); }

    public ModelSpec withKind(Analyzer.Kind k) { return new ModelSpec(model, name, labels, normalization, Optional.ofNullable(k), decoding); }

    public ModelSpec withNormalization(Normalization n) { return new ModelSpec(model, name, labels, Optional.ofNullable(n), kind, decoding); }

    public ModelSpec withDecoding(SsdSpec s) { return new ModelSpec(model, name, labels, normalization, kind, Optional.ofNullable(s)); }

    public ModelSpec withName(String n) { return new ModelSpec(model, n, labels, normalization, kind, decoding); }
}
