package dev.vigil.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** systemd/vigil.service as systemd reads it. */
class SystemdUnitTest {

    @TempDir
    Path tmp;

    static Path unit() {
        return TestData.root().resolve("systemd/vigil.service");
    }

    /** Every Key=value of a section, repeated keys in order. */
    static Map<String, List<String>> section(String name) throws IOException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String current = null;
        for (String line : Files.readAllLines(unit())) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) continue;
            if (l.startsWith("[")) {
                current = l;
                continue;
            }
            if (!("[" + name + "]").equals(current)) continue;
            int eq = l.indexOf('=');
            out.computeIfAbsent(l.substring(0, eq), k -> new ArrayList<>()).add(l.substring(eq + 1));
        }
        return out;
    }

    static String systemdAnalyze() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, "systemd-analyze");
            if (Files.isExecutable(p)) return p.toString();
        }
        throw new AssertionError("systemd-analyze is not installed; it comes with the systemd package (apt-get install systemd;"
                + " .ci/run installs it)");
    }

    static Path systemUnits() {
        for (String d : new String[] {"/usr/lib/systemd/system", "/lib/systemd/system"})
            if (Files.isRegularFile(Path.of(d, "sysinit.target"))) return Path.of(d);
        throw new AssertionError("systemd's own units (sysinit.target) are not in /usr/lib/systemd/system; install systemd");
    }

    /**
     * `systemd-analyze verify` in a root of its own: the unit where the package puts it, an executable at
     * /usr/bin/vigil and /bin/kill (verify insists that ExecStart and ExecReload name one) and systemd's targets the unit pulls in. Any line verify
     * prints (an unknown key, a bad value, a missing binary) fails the test.
     */
    @Test
    void systemdAnalyzeVerifyFindsNothingToSay() throws Exception {
        Path root = tmp.resolve("root");
        Path units = root.resolve("usr/lib/systemd/system");
        Files.createDirectories(units);
        try (Stream<Path> s = Files.list(systemUnits())) {
            for (Path p : s.filter(Files::isRegularFile).toList()) Files.copy(p, units.resolve(p.getFileName()));
        }
        Files.copy(unit(), units.resolve("vigil.service"), StandardCopyOption.REPLACE_EXISTING);
        Path bin = Files.createDirectories(root.resolve("usr/bin")).resolve("vigil");
        Files.writeString(bin, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path kill = Files.createDirectories(root.resolve("bin")).resolve("kill"); // ExecReload's
        Files.writeString(kill, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(kill, PosixFilePermissions.fromString("rwxr-xr-x"));

        Process p = new ProcessBuilder(systemdAnalyze(), "verify", "--root=" + root, "vigil.service").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "systemd-analyze verify hangs");
        assertEquals(0, p.exitValue(), out);
        assertEquals("", out.strip(), "systemd-analyze verify complains");

        // The same check notices a broken unit: a misspelt key and a bad time span.
        Files.writeString(units.resolve("vigil.service"), Files.readString(unit()).replace("WatchdogSec=30", "WatchdogSec=soon")
                .replace("RestartSec=5", "RestartSecs=5"));
        Process bad = new ProcessBuilder(systemdAnalyze(), "verify", "--root=" + root, "vigil.service").redirectErrorStream(true).start();
        String complaint = new String(bad.getInputStream().readAllBytes());
        bad.waitFor(60, TimeUnit.SECONDS);
        assertTrue(complaint.contains("Failed to parse sec value") && complaint.contains("Unknown key 'RestartSecs'"), complaint);
    }

    @Test
    void notifyWatchdogRestartAndTheHardeningTheIssueAsksFor() throws Exception {
        Map<String, List<String>> s = section("Service");
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("Type", "notify");
        expected.put("NotifyAccess", "main");
        expected.put("WatchdogSec", "30");
        expected.put("Restart", "on-failure");
        expected.put("RestartSec", "5");
        expected.put("User", "vigil");
        expected.put("SupplementaryGroups", "video gpio plugdev");
        expected.put("NoNewPrivileges", "yes");
        expected.put("ProtectSystem", "strict");
        expected.put("ProtectHome", "yes");
        expected.put("PrivateTmp", "yes");
        expected.put("ReadWritePaths", "/var/lib/vigil");
        expected.put("DevicePolicy", "closed");
        expected.put("ExecStart", "/usr/bin/vigil run --config /etc/vigil/vigil.yaml");
        expected.put("ExecStopPost", "-/bin/sh -c '[ \"$$EXIT_CODE\" = exited ] && [ \"$$EXIT_STATUS\" = 0 ]"
                + " || exec /usr/bin/vigil gpio reset --config /etc/vigil/vigil.yaml'");
        expected.forEach((k, v) -> assertEquals(List.of(v), s.get(k), k));
        assertEquals(List.of("char-video4linux rw", "char-gpiochip rw", "char-apex rw", "char-usb_device rw"), s.get("DeviceAllow"));
        assertEquals(List.of("multi-user.target"), section("Install").get("WantedBy"));
    }

    /**
     * ExecStopPost's shell line, run as systemd runs it after each way the main process can end (systemd.exec(5)'s
     * table of $SERVICE_RESULT, $EXIT_CODE, $EXIT_STATUS): the GPIO reset runs unless the daemon exited 0, which it
     * does only after putting its outputs safe itself.
     */
    @Test
    void gpioResetRunsAfterEveryEndButACleanExit() throws Exception {
        String line = section("Service").get("ExecStopPost").getFirst();
        assertTrue(line.startsWith("-/bin/sh -c '") && line.endsWith("'"), line);
        Path calls = tmp.resolve("calls");
        Path vigil = tmp.resolve("vigil");
        Files.writeString(vigil, "#!/bin/sh\necho \"$*\" >> '" + calls + "'\n");
        Files.setPosixFilePermissions(vigil, PosixFilePermissions.fromString("rwxr-xr-x"));
        // systemd turns '$$' into '$' and hands the quoted word to sh as one argument.
        String script = line.substring("-/bin/sh -c '".length(), line.length() - 1).replace("$$", "$")
                .replace("/usr/bin/vigil", vigil.toString());

        Map<String, Boolean> resetAfter = new LinkedHashMap<>();
        resetAfter.put("success exited 0", false);  // SIGTERM handled, outputs safe, exit 0
        resetAfter.put("success killed TERM", true); // died of the signal itself: nothing of ours ran
        resetAfter.put("exit-code exited 143", true); // a JVM without our handler: shutdown hooks only
        resetAfter.put("exit-code exited 1", true);
        resetAfter.put("watchdog dumped ABRT", true);
        resetAfter.put("signal killed KILL", true);
        resetAfter.put("timeout killed KILL", true);
        resetAfter.put("core-dump dumped SEGV", true);
        for (var c : resetAfter.entrySet()) {
            String[] v = c.getKey().split(" ");
            Files.deleteIfExists(calls);
            ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", script).redirectErrorStream(true);
            pb.environment().put("SERVICE_RESULT", v[0]);
            pb.environment().put("EXIT_CODE", v[1]);
            pb.environment().put("EXIT_STATUS", v[2]);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), c.getKey());
            assertEquals(0, p.exitValue(), c.getKey() + ": " + out);
            if (c.getValue()) {
                assertEquals(List.of("gpio reset --config /etc/vigil/vigil.yaml"), Files.readAllLines(calls), c.getKey());
            } else {
                assertTrue(Files.notExists(calls), c.getKey() + ": reset ran after a clean exit");
            }
        }
    }
}
