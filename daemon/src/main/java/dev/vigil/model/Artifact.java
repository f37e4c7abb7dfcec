package dev.vigil.model;

import java.net.URI;

/**
 * A file the catalog names by its exact bytes: a model, its label file or a test image.
 * The store, the mirror and a download all hand out the same file only when size and sha256 match.
 */
public sealed interface Artifact permits ModelEntry, ModelEntry.Labels, ImageEntry {

    /** File name in the store and in the mirror (no folder). */
    String file();

    /** Where the bytes are published; {@code null} when no plain URL serves them (see {@link #origin()}). */
    URI url();

    /** Lowercase hex sha256 of the exact bytes. */
    String sha256();

    /** Size in bytes, checked before the (slower) hash. */
    long size();

    /** Where to get the bytes by hand when {@link #url()} is null, e.g. the package that ships them. */
    default String origin() { return null; }

    /** Folder of this kind of file in the store ({@code $VIGIL_HOME/<folder>}) and in a mirror. */
    String folder();
}
