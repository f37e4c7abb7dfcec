package dev.vigil.inference;

import java.nio.file.Path;
import java.util.Optional;

/** Engine djl for {@link Engines}: registered in META-INF/services, so the daemon finds it only where this jar is. */
public final class DjlEngineProvider implements EngineProvider {

    static final String NAME = "djl";

    @Override public String name() { return NAME; }

    /** Decided without loading DjlEngine, so a doctor run lists engines without touching DJL's classes. */
    @Override
    public Optional<String> unavailable() {
        return Engines.wrongPlatform(NAME, Engines.platform());
    }

    @Override
    public InferenceEngine open(Path model, EngineOptions options) { return DjlEngine.open(model, options); }
}
