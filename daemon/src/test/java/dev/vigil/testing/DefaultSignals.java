package dev.vigil.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * A child process with SIGHUP back at its default, whatever the test run inherited: a suite started under nohup (or
 * any parent ignoring SIGHUP) hands the ignore on to every child, and a JVM started so installs no SIGHUP handler, so a
 * test of the reload by SIGHUP would depend on how the suite was started. Java cannot reset a signal's disposition for
 * a child; python3 (which the RTSP relay tests need too) resets it and execs the command.
 */
public final class DefaultSignals {

    private DefaultSignals() {}

    public static List<String> command(List<String> cmd) {
        List<String> out = new ArrayList<>(List.of("python3", "-c",
                "import os, signal, sys; signal.signal(signal.SIGHUP, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])"));
        out.addAll(cmd);
        return out;
    }
}
