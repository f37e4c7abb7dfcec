package dev.vigil.daemon;

import dev.vigil.config.CameraConfig;
import dev.vigil.config.VigilConfig;
import dev.vigil.events.EventStore;
import dev.vigil.gpio.GpioStage;
import dev.vigil.control.Control;
import dev.vigil.metrics.Metrics;
import dev.vigil.config.QcConfig;
import dev.vigil.config.SamplingConfig;
import dev.vigil.qc.QcRules;
import dev.vigil.sampling.Feedback;
import dev.vigil.sampling.SampleStore;
import dev.vigil.sampling.Sampler;
import dev.vigil.sampling.Selector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wiring of the learning loop's parts (the sampler and its store, the upload, the GPIO "wrong" buttons), apart
 * from {@link Wiring} so that each stays readable: what is optional here is off unless its config section is on.
 */
final class LearningLoop {

    private static final Logger log = LoggerFactory.getLogger(LearningLoop.class);

    private LearningLoop() {}

    /** The hard-example sampler, or null when sampling is off or its store cannot be opened (then one error line). */
    static Sampler sampler(VigilConfig cfg, Wiring.Parts parts, Metrics metrics) {
        SamplingConfig sc = cfg.sampling();
        if (!sc.enabled()) return null;
        SampleStore store;
        try {
            store = SampleStore.open(sc.dir(), sc.quota(), parts.eventFiles());
        } catch (java.io.IOException e) {
            log.error("sampling.dir: {} cannot be used ({}); running without sampling", sc.dir(), e.toString());
            return null;
        }
        Map<String, Selector> selectors = new LinkedHashMap<>();
        for (CameraConfig c : cfg.enabledCameras()) {
            QcConfig q = cfg.qc().get(c.name());
            QcRules qc = q == null ? null : new QcRules(q.okLabels(), q.ngLabels(), q.okMinScore(), q.ngMinScore());
            selectors.put(c.name(), Sampler.selector(c.name(), List.copyOf(c.rules().groups().values()), sc.of(c.name()), qc,
                    c.motion().enabled()));
        }
        return new Sampler(sc, store, selectors, parts.time(), metrics.registry());
    }

    /** The dataset's upload (sampling.upload), announced on MQTT when it is on; null (one error line) when the store cannot be opened. */
    static dev.vigil.upload.Uploader upload(VigilConfig cfg, Sampler sampler, Wiring.Parts parts, Vigil v) {
        var uc = cfg.sampling().upload().orElseThrow();
        try {
            // Without sampling on, the store may still hold labelled events and imports to send; the upload never adds to it.
            SampleStore store = sampler != null ? sampler.store() : SampleStore.open(cfg.sampling().dir(), Long.MAX_VALUE, parts.eventFiles());
            return dev.vigil.upload.Uploader.start(uc, store, dev.vigil.upload.Uploader.environmentCredentials(), parts.time(), r -> {
                if (v.mqtt != null) v.mqtt.datasetUploaded(dev.vigil.upload.Uploader.announcement(uc, r));
            });
        } catch (java.io.IOException e) {
            log.error("sampling.upload: the dataset in {} cannot be read ({}); running without the upload", cfg.sampling().dir(), e.toString());
            return null;
        }
    }

    /** The "wrong" buttons (gpio inputs of kind wrong) mark events through the same feedback as HTTP and MQTT. */
    static void wrongButtons(VigilConfig cfg, GpioStage gpio, EventStore events, Control.Feedback feedback) {
        List<String> names = cfg.gpio().inputs(dev.vigil.config.GpioConfig.InputKind.WRONG).stream().map(i -> i.name()).toList();
        if (names.isEmpty()) return;
        if (feedback == null) {
            log.warn("gpio: input(s) {} of kind wrong mark nothing: sampling is off (sampling: {enabled: true} keeps marked frames)", names);
            return;
        }
        // A thread per press: presses are rare, and marking one writes JPEGs the GPIO timer thread must not wait for.
        gpio.onWrong(new dev.vigil.sampling.FeedbackButton(events, feedback,
                r -> Thread.ofPlatform().name("vigil-feedback").daemon(true).start(r)));
    }
}
