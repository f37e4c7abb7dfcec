package dev.vigil.testing;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Resolves the test data once before any test runs (META-INF/services), and makes its folder the mirror of every store
 * the tests build from the environment ({@code vigil.mirror}), in this JVM and, through {@link TestData#shared()}, in the
 * daemons they start. Without the data the run stops here with one line, not with a failure per test.
 */
public final class TestDataSession implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        System.setProperty("vigil.mirror", TestData.shared().toAbsolutePath().toString());
    }
}
