package dev.vigil.swap;

/**
 * A model to put into the running daemon.
 *
 * @param model               a catalog name or a model file on the daemon's machine
 * @param acceptDisagreement  a deliberate change: the self-test does not require agreement with the current model
 * @param via                 who asked, for the log ("http 10.0.0.5", "mqtt", "config reload")
 */
public record DeployRequest(String model, boolean acceptDisagreement, String via) {

    public DeployRequest {
        if (model == null || model.isBlank()) throw new IllegalArgumentException("no model given; name a catalog model or a .tflite file");
        model = model.strip();
        if (via == null || via.isBlank()) via = "api";
    }
}
