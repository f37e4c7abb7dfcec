package dev.vigil.daemon;

/**
 * Decides before inference whether a camera's frame is worth running at all (a PIR sensor says nobody is there, a QC
 * line waits for its trigger). Asked on the inference thread for every frame; must be quick.
 */
public interface FrameGate {

    /** null to run inference on the frame, else the reason it is skipped (counted, e.g. "wake"). */
    String skip(String camera);
}
