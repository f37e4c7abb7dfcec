package dev.vigil.cli;

import dev.vigil.doctor.Doctor;
import dev.vigil.doctor.Doctor.Check;
import dev.vigil.doctor.Host;
import dev.vigil.inference.EdgeTpu;
import dev.vigil.inference.TfliteEngine;
import dev.vigil.inference.XnnpackFfm;
import dev.vigil.model.ModelStore;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "doctor", description = {"Check the platform and the config: Java, architecture, TensorFlow Lite, XNNPACK, engines, "
        + "Edge TPU, cameras, GPIO chips, power sensors, and what the config needs (its cameras, model, events directory, "
        + "HTTP port).", "Exit 1 when something fails; each failing line says how to fix it."})
final class DoctorCommand implements Callable<Integer> {

    static final String SERVICE_CONFIG = "/etc/vigil/vigil.yaml";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Config to check (default: " + SERVICE_CONFIG + " when it exists).")
    Path config;

    /** Fixture roots for tests: /dev, /sys, /proc and the default config are read below DIR. */
    @Option(names = "--root", paramLabel = "DIR", hidden = true)
    Path root;

    private static Check xnnpack() {
        try (XnnpackFfm x = XnnpackFfm.create(TfliteEngine.nativeLibrary(), 1, -1)) {
            return Check.ok("xnnpack", "delegate created through FFM (flags " + XnnpackFfm.describe(x.flags())
                    + "; TFLite default flags " + XnnpackFfm.describe(XnnpackFfm.defaultFlags(TfliteEngine.nativeLibrary())) + ")");
        } catch (Throwable t) {
            return Check.fail("xnnpack", Main.oneLine(t.getMessage()), "run with --delegate xnnpack (TFLite's built-in default)");
        }
    }

    private static Check bool(String what, boolean ok, String detail, String remedy) {
        return ok ? Check.ok(what, detail) : Check.fail(what, detail, remedy);
    }

    @Override
    public Integer call() {
        Main.logLevel(false);
        Host host = root == null ? Host.system() : new Host(root, Host.system().path());
        List<Check> checks = new ArrayList<>();
        Runtime.Version v = Runtime.version();
        checks.add(bool("java", v.feature() >= 25, v.toString(), "install a Java 25 runtime"));
        String arch = System.getProperty("os.arch");
        boolean archOk = arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64");
        checks.add(bool("architecture", archOk, System.getProperty("os.name") + " " + arch, "vigil ships natives for linux x86_64 and arm64"));
        String tflite;
        boolean tfliteOk;
        try {
            tflite = TfliteEngine.version();
            tfliteOk = true;
        } catch (Throwable t) {
            tflite = t.toString();
            tfliteOk = false;
        }
        checks.add(bool("tensorflow lite", tfliteOk, tflite, "the TFLite natives for this platform failed to load"));
        if (tfliteOk) checks.add(dev.vigil.nativeio.NativeStderr.capture(DoctorCommand::xnnpack).value());

        Path file = config != null ? config : Files.isRegularFile(host.resolve(SERVICE_CONFIG)) ? host.resolve(SERVICE_CONFIG) : null;
        Doctor.Config cfg = file == null ? null : Doctor.Config.load(file);
        Optional<dev.vigil.config.VigilConfig> loaded = cfg == null ? Optional.empty() : Optional.ofNullable(cfg.config());
        checks.add(Doctor.engines(loaded));
        checks.addAll(Doctor.edgeTpu(host, EdgeTpu.probe(EdgeTpu.DEFAULT_LIBRARY), loaded));
        checks.add(Doctor.cameras(host));
        checks.add(Doctor.gpio(host));
        checks.add(Doctor.power(host));
        if (cfg == null) checks.add(Check.absent("config", "none given and no " + SERVICE_CONFIG + "; checked the platform only (--config FILE)"));
        else checks.addAll(Doctor.config(host, cfg, ModelStore.fromEnvironment()));

        PrintWriter out = spec.commandLine().getOut();
        boolean allOk = true;
        for (Check c : checks) {
            allOk &= !c.failed();
            out.printf("%-16s %-4s %s%s%n", c.what(), c.status().word, c.detail(), c.failed() && !c.remedy().isEmpty() ? "  -> " + c.remedy() : "");
        }
        out.flush();
        return allOk ? Main.EXIT_OK : Main.EXIT_FAILED_INPUTS;
    }
}
