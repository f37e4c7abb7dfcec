package dev.vigil.postprocess;

/**
 * What a second-stage classifier named a detection's crop (a dog's breed, a bird's species).
 *
 * @param name  the classifier's label, exactly as its label file spells it
 * @param index the classifier's class index
 * @param score the classifier's score of that class, 0..1
 */
public record SubLabel(String name, int index, float score) {}
