package dev.vigil.rules;

/** A group triggers when it matched in at least {@code frames} of the last {@code of} processed frames. */
public record Confirm(int frames, int of) {
    public static final Confirm ONE_OF_ONE = new Confirm(1, 1);
}
