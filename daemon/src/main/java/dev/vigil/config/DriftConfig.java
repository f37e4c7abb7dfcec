package dev.vigil.config;

/**
 * Drift watching ({@code drift: {uncertain_margin}}): how the daemon judges, without labels, whether its model still
 * sees as it did. The uncertain band of each rule group is {@code [min_score, min_score + uncertain_margin)}: a frame
 * whose best score for the group only just passed the group's threshold. A band relative to each group's own threshold,
 * not one absolute band for all: the analyzer keeps nothing below the lowest group threshold, so an absolute band
 * reaching under it would count nothing there, and groups with different thresholds would share a meaningless band.
 *
 * @param uncertainMargin the band's width above each group's min_score; 0 counts no frame as uncertain
 */
public record DriftConfig(double uncertainMargin) {

    public DriftConfig {
        Check.within("uncertain_margin", uncertainMargin, 0, 1);
    }

    public static final DriftConfig DEFAULT = new DriftConfig(0.1);
}
