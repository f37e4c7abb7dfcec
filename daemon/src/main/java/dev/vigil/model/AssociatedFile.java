package dev.vigil.model;

/**
 * A file the model's metadata refers to, packed in the ZIP archive appended to the model.
 *
 * @param name        the archive entry's name
 * @param description what the file is; "" when absent
 * @param type        how the file is used
 * @param locale      e.g. "en"; "" when absent
 */
public record AssociatedFile(String name, String description, Type type, String locale) {

    /** {@code AssociatedFileType} of the metadata schema, by value; values this schema version lacks read as UNKNOWN. */
    public enum Type {
        UNKNOWN, DESCRIPTIONS, TENSOR_AXIS_LABELS, TENSOR_VALUE_LABELS, TENSOR_AXIS_SCORE_CALIBRATION, VOCABULARY;

        static Type of(int value) {
            Type[] all = values();
            return value >= 0 && value < all.length ? all[value] : UNKNOWN;
        }

        /** Label files: one label per line, for the tensor's last axis (classifiers) or its values (detectors). */
        public boolean labels() { return this == TENSOR_AXIS_LABELS || this == TENSOR_VALUE_LABELS; }
    }
}
