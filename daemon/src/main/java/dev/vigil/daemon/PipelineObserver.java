package dev.vigil.daemon;

import dev.vigil.capture.CameraState;
import dev.vigil.capture.Frame;
import dev.vigil.events.Event;
import dev.vigil.pipeline.Analyzer;
import dev.vigil.postprocess.Detection;
import dev.vigil.rules.Trigger;
import java.util.List;
import java.util.Optional;

/**
 * What the later stages (GPIO alarms, metrics, the status page, systemd's watchdog) learn from the frame path,
 * registered at wiring. Called on the inference thread (state changes: on the capture thread), so implementations
 * return quickly and never block; they must not keep the Frame or its Mat beyond the call (copy what they need).
 * Every method has a no-op default.
 */
public interface PipelineObserver {

    /** A camera went CONNECTING, UP, DOWN or ENDED ({@code from} null for the first state). */
    default void cameraState(String camera, CameraState from, CameraState to, String reason) {}

    /**
     * A frame went through inference and rules. {@code analyzer} holds its results and stage timings
     * (preprocessNanos, invokeNanos, postprocessNanos); {@code decisionNanos} is System.nanoTime() after the rules.
     */
    default void frameProcessed(String camera, Frame frame, Analyzer analyzer, List<Detection> detections, long decisionNanos) {}

    /** A frame skipped inference: {@code reason} "motion" (nothing moved) or a gate's reason (e.g. "wake"). */
    default void frameSkipped(String camera, Frame frame, String reason) {}

    /** A rule group fired; {@code event} is what the event store recorded (empty when it could not). */
    default void triggered(Trigger trigger, Frame frame, Optional<Event> event) {}

    /** A frame failed in a stage ("preprocess", "inference", "rules", "events"). */
    default void failed(String camera, String stage, Exception error) {}
}
