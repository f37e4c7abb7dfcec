package dev.vigil.inference;

import java.util.Locale;

/** Which accelerator path runs the graph. */
public enum Delegate {
    /** The fastest CPU path measured for the model (see {@link TfliteEngine}). */
    CPU,
    /** TFLite's built-in default XNNPACK, applied by the op resolver. */
    XNNPACK_DEFAULT,
    /** An XNNPACK delegate created through FFM with our own flags (QU8 on). */
    XNNPACK_FFM,
    /** Builtin kernels only, no delegate (slow; for comparison). */
    NONE,
    /** Coral Edge TPU through libedgetpu; an error when none is present. */
    EDGETPU,
    /** Edge TPU when one is present, else the CPU with a warning. */
    AUTO;

    public static Delegate parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "cpu" -> CPU;
            case "xnnpack", "xnnpack-default" -> XNNPACK_DEFAULT;
            case "xnnpack-ffm" -> XNNPACK_FFM;
            case "none", "builtin" -> NONE;
            case "edgetpu" -> EDGETPU;
            case "auto" -> AUTO;
            default -> throw new IllegalArgumentException(
                    "delegate: \"" + s + "\" is not one of cpu, xnnpack, xnnpack-ffm, none, edgetpu, auto");
        };
    }
}
