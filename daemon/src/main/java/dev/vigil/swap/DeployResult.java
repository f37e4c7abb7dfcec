package dev.vigil.swap;

import dev.vigil.pipeline.ModelId;

/**
 * What a deploy did: switched to the new model, or refused with one line saying why (the current model runs on).
 *
 * @param model     the model that runs now (the new one when switched, else the one that ran before)
 * @param agreement the share of reference frames on which the new model agreed with the old one; NaN when not measured
 * @param shadowing the model passed its checks and now runs as the shadow (nothing switched)
 */
public record DeployResult(boolean switched, String message, ModelId model, double agreement, boolean shadowing) {

    public DeployResult(boolean switched, String message, ModelId model, double agreement) {
        this(switched, message, model, agreement, false);
    }

    /** Switched, or shadowing as asked: what the transports answer as success. */
    public boolean ok() { return switched || shadowing; }

    static DeployResult refused(String why, ModelId current) { return new DeployResult(false, why, current, Double.NaN); }
}
