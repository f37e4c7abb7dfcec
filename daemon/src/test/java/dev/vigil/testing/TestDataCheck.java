package dev.vigil.testing;

import dev.vigil.testing.TestDataResolver.TestDataException;

/**
 * The build's step before the tests (daemon/pom.xml, phase process-test-classes): resolves the test data, downloading
 * what no mirror has, and stops the build with one line when it cannot, before hundreds of tests would each fail on it.
 */
public final class TestDataCheck {

    private TestDataCheck() {}

    public static void main(String[] args) {
        try {
            TestDataResolver.fromEnvironment().resolveAll();
        } catch (TestDataException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
    }
}
