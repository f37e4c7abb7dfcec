package dev.vigil.testing;

import dev.vigil.config.Secrets;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Every test forgets the secrets its configs registered: the registry lives as long as the process, which here is
 * the whole test run, and a value such as {@code rpicam-vid} from one test would read {@code ***} in the next.
 * Registered for every test through junit-platform.properties (extension autodetection).
 */
public final class ForgetSecrets implements AfterEachCallback {

    @Override
    public void afterEach(ExtensionContext context) {
        Secrets.clear();
    }
}
