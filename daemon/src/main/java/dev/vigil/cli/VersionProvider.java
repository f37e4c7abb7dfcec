package dev.vigil.cli;

import picocli.CommandLine;

/** `vigil --version`: the jar's version and the runtime it runs on. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {"vigil " + (v == null ? "dev" : v),
                "java " + Runtime.version() + " on " + System.getProperty("os.name") + " " + System.getProperty("os.arch")};
    }
}
