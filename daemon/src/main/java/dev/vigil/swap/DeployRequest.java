package dev.vigil.swap;

/**
 * A model to put into the running daemon.
 *
 * @param model               a catalog name or a model file on the daemon's machine
 * @param acceptDisagreement  a deliberate change: the self-test does not require agreement with the current model
 * @param via                 who asked, for the log ("http 10.0.0.5", "mqtt", "config reload")
 * @param shadow              run it beside the live model on one frame in {@code models.shadow_every} without acting on
 *                            it, instead of switching
 */
public record DeployRequest(String model, boolean acceptDisagreement, String via, boolean shadow) {

    /** A deploy that switches. */
    public DeployRequest(String model, boolean acceptDisagreement, String via) {
        this(model, acceptDisagreement, via, false);
    }

    public DeployRequest {
        if (model == null || model.isBlank()) throw new IllegalArgumentException("no model given; name a catalog model or a .tflite file");
        model = model.strip();
        if (via == null || via.isBlank()) via = "api";
    }
}
