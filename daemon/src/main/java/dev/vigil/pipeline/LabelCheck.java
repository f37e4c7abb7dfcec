package dev.vigil.pipeline;

import dev.vigil.config.CameraConfig;
import dev.vigil.config.ConfigException;
import dev.vigil.config.QcConfig;
import dev.vigil.config.VigilConfig;
import dev.vigil.model.CatalogException;
import dev.vigil.model.ModelEntry;
import dev.vigil.model.ModelStore;
import dev.vigil.model.ResolvedModel;
import dev.vigil.postprocess.Labels;
import dev.vigil.rules.GroupRule;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.text.similarity.LevenshteinDistance;

/**
 * The config's labels against the model's: a group label ({@code cameras.<cam>.groups.<group>.labels}) or a QC label
 * ({@code qc.<cam>.ok_labels/ng_labels}) the model never emits is a trigger that can never fire, so it is refused
 * with the closest label of the model. Used by {@code check-config} and by the wiring before the analyzer opens, so
 * both refuse the same configs with the same line. Lives here, not in {@code config}, to keep the config free of
 * models.
 */
public final class LabelCheck {

    private LabelCheck() {}

    /** Closest label is suggested only within this many edits, and never more than a third of the word. */
    private static final int MAX_EDITS = 3;

    /**
     * Throws a {@link ConfigException} naming the key path of the first label the model does not have, e.g.
     * {@code cameras.door.groups.person.labels: "persn" is not a label of ssd_mobilenet_v1_coco_quant; did you mean "person"?}.
     */
    public static void check(VigilConfig cfg, Labels labels, String model) {
        Set<String> names = new LinkedHashSet<>();
        Set<String> qcNames = new LinkedHashSet<>();
        for (int i = 0; i < labels.size(); i++) {
            Optional<String> l = labels.find(i);
            if (l.isEmpty()) continue;
            names.add(l.get());
            qcNames.add(l.get());
            // QC matches one name of a comma-separated ImageNet label (hotdog of "hotdog, hot dog, red hot").
            if (l.get().indexOf(',') >= 0) for (String part : l.get().split(",")) qcNames.add(part.strip());
        }
        for (CameraConfig c : cfg.cameras().values()) {
            for (GroupRule g : c.rules().groups().values()) {
                // The rule engine compares labels exactly.
                for (String l : g.labels()) {
                    if (!names.contains(l)) throw unknown("cameras." + c.name() + ".groups." + g.name() + ".labels", l, names, model);
                }
            }
            if (c.secondStage() != null) {
                for (String l : c.secondStage().labels())
                    if (!names.contains(l)) throw unknown("cameras." + c.name() + ".second_stage.labels", l, names, model);
            }
        }
        for (QcConfig q : cfg.qc().values()) {
            for (String l : q.okLabels()) if (!qcNames.contains(l)) throw unknown("qc." + q.camera() + ".ok_labels", l, qcNames, model);
            for (String l : q.ngLabels()) if (!qcNames.contains(l)) throw unknown("qc." + q.camera() + ".ng_labels", l, qcNames, model);
        }
    }

    /**
     * A camera's group {@code sub_labels} against its second stage's classifier labels (a name of a comma-separated
     * ImageNet label counts, as the rules match it), e.g. {@code cameras.yard.groups.dog.sub_labels: "beagel" is not a
     * label of mobilenet_v2_quant; did you mean "beagle"?}.
     */
    public static void checkSubLabels(CameraConfig c, Labels classifier, String model) {
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < classifier.size(); i++) {
            Optional<String> l = classifier.find(i);
            if (l.isEmpty()) continue;
            names.add(l.get());
            if (l.get().indexOf(',') >= 0) for (String part : l.get().split(",")) names.add(part.strip());
        }
        for (GroupRule g : c.rules().groups().values()) {
            for (String l : g.subLabels())
                if (!names.contains(l)) throw unknown("cameras." + c.name() + ".groups." + g.name() + ".sub_labels", l, names, model);
        }
    }

    /** Each group threshold below the model's decoding floor, as a warning line naming the key (see ModelSpec#belowScoreFloor). */
    public static List<String> scoreFloorWarnings(VigilConfig cfg, ModelSpec spec) {
        List<String> out = new ArrayList<>();
        for (CameraConfig c : cfg.enabledCameras()) {
            for (GroupRule g : c.rules().groups().values()) {
                spec.belowScoreFloor("cameras." + c.name() + ".groups." + g.name() + ".min_score", g.minScore()).ifPresent(out::add);
            }
        }
        return out;
    }

    private static ConfigException unknown(String key, String label, Set<String> names, String model) {
        String msg = key + ": \"" + label + "\" is not a label of " + model;
        Optional<String> near = closest(label, names);
        msg += near.map(n -> "; did you mean \"" + n + "\"?").orElse("; see the model's label file for its names");
        return new ConfigException(msg);
    }

    /** The model label nearest to {@code label} by edit distance ignoring case, when it is near enough to be a typo. */
    static Optional<String> closest(String label, Set<String> names) {
        String wanted = label.toLowerCase(Locale.ROOT);
        int limit = Math.min(MAX_EDITS, Math.max(1, wanted.length() / 3));
        LevenshteinDistance distance = new LevenshteinDistance(limit);
        String best = null;
        int bestD = Integer.MAX_VALUE;
        for (String n : names) {
            int d = distance.apply(wanted, n.toLowerCase(Locale.ROOT));
            if (d >= 0 && d < bestD) {
                best = n;
                bestD = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /** What {@code check-config} could find of the model without the network: its spec, or why it was skipped. */
    public record Offline(Optional<ModelSpec> spec, String skipped) {}

    /**
     * The config's model and labels as {@code run} would resolve them, from local files only: a catalog model neither
     * installed nor in the mirror is skipped with the reason (check-config never downloads). A config {@code labels:}
     * file that cannot be read, and a model run could not have (a missing or modified file, an unknown name), is a
     * {@link ConfigException}.
     */
    public static Offline resolveOffline(VigilConfig cfg, ModelStore store) {
        return resolveOffline(cfg, store, cfg.inference().model(), "model");
    }

    /**
     * Each camera's second stage as {@code run} would open it, from local files only: the model must resolve and be a
     * classifier, the camera's model a detector, and every group {@code sub_labels} one of the classifier's labels.
     *
     * @return warnings (a second-stage model not downloaded yet: its labels are not checked)
     * @throws ConfigException naming the key of the first problem
     */
    public static List<String> checkSecondStages(VigilConfig cfg, ModelStore store, Optional<ModelSpec> detector) {
        List<String> warnings = new ArrayList<>();
        for (CameraConfig c : cfg.cameras().values()) {
            if (c.secondStage() == null) continue;
            String key = "cameras." + c.name() + ".second_stage";
            if (detector.isPresent() && detector.get().kind().orElse(null) == Analyzer.Kind.CLASSIFIER)
                throw new ConfigException(key + ": the model " + detector.get().name() + " is a classifier; a second stage classifies a detector's boxes");
            Offline o = resolveOffline(cfg, store, c.secondStage().model(), key + ".model");
            if (o.spec().isEmpty()) {
                warnings.add(key + ": " + o.skipped());
                continue;
            }
            ModelSpec spec = o.spec().get();
            if (spec.kind().orElse(null) == Analyzer.Kind.DETECTOR)
                throw new ConfigException(key + ".model: " + spec.name() + " is a detector, not a classifier; give a classifier, e.g. mobilenet_v2_quant");
            if (spec.labels().isPresent()) checkSubLabels(c, spec.labels().get(), spec.name());
            else warnings.add(key + ".model: " + spec.name() + " names no labels; sub_labels not checked");
        }
        return warnings;
    }

    private static Offline resolveOffline(VigilConfig cfg, ModelStore store, String m, String key) {
        boolean main = key.equals("model");
        if (cfg.inference().mirror().isPresent()) store = store.withMirror(cfg.inference().mirror().get(), "models.mirror");
        try {
            ModelSpec spec;
            Optional<ModelEntry> entry = store.models().find(m);
            if (isFile(m) || entry.isEmpty()) {
                spec = ModelSpec.of(store.resolve(m), cfg.inference().labelsLocale());
            } else {
                ModelStore.Location model = store.locate(entry.get());
                ModelStore.Location labels = entry.get().labelFile().map(store::locate).orElse(model);
                if (model.path().isEmpty() || labels.path().isEmpty()) {
                    return new Offline(Optional.empty(), "model " + m + " is not downloaded yet (`vigil models pull " + m
                            + "`); its labels are not checked");
                }
                spec = ModelSpec.of(new ResolvedModel(model.path().get(), entry.get().labelFile().isPresent() ? labels.path()
                        : Optional.empty(), entry), cfg.inference().labelsLocale());
            }
            if (main && cfg.inference().labels().isPresent()) {
                try {
                    spec = spec.withLabels(Labels.read(cfg.inference().labels().get()));
                } catch (UncheckedIOException | IllegalArgumentException e) {
                    throw new ConfigException("labels: " + e.getMessage()); // run would stop on the same file
                }
            }
            return new Offline(Optional.of(spec), null);
        } catch (CatalogException e) {
            // A missing or modified model file, an unknown name, a bad mirror: run stops on each, so this is the error.
            throw new ConfigException(key + ": " + e.getMessage());
        }
    }

    private static boolean isFile(String m) {
        try {
            return Files.isRegularFile(Path.of(m));
        } catch (InvalidPathException e) {
            return false;
        }
    }
}
