package dev.vigil.daemon;

import dev.vigil.config.CameraConfig;
import dev.vigil.config.ConfigException;
import dev.vigil.config.VigilConfig;
import dev.vigil.pipeline.Analyzer;
import dev.vigil.pipeline.LabelCheck;
import dev.vigil.pipeline.ModelSpec;
import dev.vigil.pipeline.SecondStage;

/** Opens a camera's second stage for the wiring and for a reload, with the checks both make first. */
final class SecondStages {

    private SecondStages() {}

    /**
     * A camera's second stage, opened as the camera's model is (resolved in the store, the same engine and threads),
     * its group sub_labels checked against the classifier's labels before the engine opens; null when the camera has none.
     *
     * @param detector the kind of the camera's model: a second stage needs a detector's boxes
     */
    static SecondStage open(VigilConfig cfg, CameraConfig c, Wiring.Parts parts, Analyzer.Kind detector) {
        if (c.secondStage() == null) return null;
        try {
            if (detector != Analyzer.Kind.DETECTOR)
                throw new ConfigException("cameras." + c.name() + ".second_stage: the model " + cfg.inference().model()
                        + " is a classifier; a second stage classifies a detector's boxes (remove second_stage or use a detector)");
            ModelSpec spec = ModelSpec.of(parts.store().resolve(c.secondStage().model()), cfg.inference().labelsLocale());
            if (spec.labels().isPresent()) LabelCheck.checkSubLabels(c, spec.labels().get(), spec.name());
            return new SecondStage(c.secondStage(), parts.analyzers().open(spec, Wiring.options(cfg)));
        } catch (ConfigException e) {
            throw cfg.file().map(e::in).orElse(e);
        }
    }
}
