package dev.vigil.learn;

/**
 * One labelled embedding, as stored: {@code key} names its image (a sample id, or a path within an image folder),
 * {@code validation} its split ({@link dev.vigil.dataset.Split}, by the key).
 */
record Example(String key, String label, boolean validation, float[] embedding) {

    Example withLabel(String l) { return new Example(key, l, validation, embedding); }
}
