package dev.vigil.swap;

import dev.vigil.pipeline.Analyzer;
import dev.vigil.pipeline.ModelId;

/**
 * A model open in this process: its analyzer (which owns the engine and every native object behind it) and its
 * identity. The frame path runs one at a time; during a swap's probation a second one stays open beside it.
 *
 * @param sizeBytes the model file's size on disk, -1 when it could not be read
 */
public record LoadedModel(Analyzer analyzer, ModelId id, long sizeBytes) implements AutoCloseable {

    public Analyzer.Kind kind() { return analyzer.kind(); }

    /** "name (sha256 prefix)": how a log line names it. */
    public String describe() { return id.name() + " (" + id.shortSha() + ")"; }

    /** Frees the engine's native memory; only once no thread can run it any more. */
    @Override
    public void close() { analyzer.close(); }
}
