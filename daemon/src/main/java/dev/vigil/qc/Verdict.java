package dev.vigil.qc;

/** The judgement of one part. */
public enum Verdict {
    /** A good part: it goes on. */
    OK,
    /** No good: it is pushed off the line. */
    NG,
    /** Neither list matched confidently, or no frame came: it goes on unless {@code reject_uncertain}. */
    UNCERTAIN
}
