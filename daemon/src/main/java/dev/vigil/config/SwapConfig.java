package dev.vigil.config;

import java.time.Duration;

/**
 * How a model deployed into the running daemon takes over (keys {@code models.probation_s}, {@code models.min_agreement},
 * {@code models.rollback_slowdown}).
 *
 * @param probation        how long the previous model stays loaded after a switch, ready to take over again; then it
 *                         is freed (0: at once)
 * @param minAgreement     the share of reference frames on which the new model must agree with the current one (top-1
 *                         label of a classifier, the groups present for a detector) unless the deploy accepts a
 *                         deliberate change
 * @param rollbackSlowdown during probation, the new model's median inference time past this factor of the previous
 *                         model's sends the daemon back to the previous model
 */
public record SwapConfig(Duration probation, double minAgreement, double rollbackSlowdown) {

    public static final SwapConfig DEFAULT = new SwapConfig(Duration.ofSeconds(300), 0.8, 3.0);

    public SwapConfig {
        Check.seconds("probation_s", probation, 0);
        Check.within("min_agreement", minAgreement, 0, 1);
        Check.atLeast("rollback_slowdown", rollbackSlowdown, 1);
    }
}
