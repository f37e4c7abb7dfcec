package dev.vigil.cli;

import dev.vigil.model.ModelStore.Check;
import java.io.PrintWriter;
import java.util.List;

/** The lines of a {@code verify} command: one per copy checked, and its exit code. */
final class VerifyReport {

    private final PrintWriter out;
    private int checked;
    private int bad;

    VerifyReport(PrintWriter out) { this.out = out; }

    void add(String what, List<Check> checks) {
        if (checks.isEmpty()) out.println("missing   " + what + " (no installed or mirror copy)");
        for (Check c : checks) {
            checked++;
            if (c.ok()) {
                out.println("ok        " + c.path());
            } else {
                bad++;
                out.println("MISMATCH  " + c.path() + ": sha256 " + c.actualSha256() + ", expected " + c.artifact().sha256()
                        + "; delete it and pull again");
            }
        }
        out.flush();
    }

    /** 1 if any copy is wrong, else 0. */
    int finish() {
        out.println(checked + " checked, " + bad + " wrong");
        out.flush();
        return bad == 0 ? 0 : 1;
    }
}
