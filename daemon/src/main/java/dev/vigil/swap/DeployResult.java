package dev.vigil.swap;

import dev.vigil.pipeline.ModelId;

/**
 * What a deploy did: switched to the new model, or refused with one line saying why (the current model runs on).
 *
 * @param model     the model that runs now (the new one when switched, else the one that ran before)
 * @param agreement the share of reference frames on which the new model agreed with the old one; NaN when not measured
 */
public record DeployResult(boolean switched, String message, ModelId model, double agreement) {

    static DeployResult refused(String why, ModelId current) { return new DeployResult(false, why, current, Double.NaN); }
}
