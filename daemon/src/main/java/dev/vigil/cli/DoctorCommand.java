package dev.vigil.cli;

import dev.vigil.inference.TfliteEngine;
import dev.vigil.inference.XnnpackFfm;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "doctor", description = "Check the platform: Java, architecture, TensorFlow Lite, delegates, Edge TPUs.")
final class DoctorCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    record Check(String what, boolean ok, String detail, String remedy) {}

    private static Check xnnpack() {
        try (XnnpackFfm x = XnnpackFfm.create(TfliteEngine.nativeLibrary(), 1, -1)) {
            return new Check("xnnpack", true, "delegate created through FFM (flags " + XnnpackFfm.describe(x.flags())
                    + "; TFLite default flags " + XnnpackFfm.describe(XnnpackFfm.defaultFlags(TfliteEngine.nativeLibrary())) + ")", "");
        } catch (Throwable t) {
            return new Check("xnnpack", false, Main.oneLine(t.getMessage()), "run with --delegate xnnpack (TFLite's built-in default)");
        }
    }

    /** GPIO chips are optional too: without one the daemon uses the Pi4J mock (outputs drive nothing). */
    private static Check gpioChips() {
        List<String> found = new ArrayList<>();
        for (java.nio.file.Path p : dev.vigil.gpio.cdev.CdevChip.list()) {
            try (dev.vigil.gpio.cdev.CdevChip c = dev.vigil.gpio.cdev.CdevChip.open(p)) {
                found.add(c.describe());
            } catch (RuntimeException e) {
                found.add(p + " (" + Main.oneLine(e.getMessage()) + ")");
            }
        }
        return new Check("gpio chips", true, found.isEmpty() ? "none (a gpio: config runs on the Pi4J mock)" : String.join(", ", found), "");
    }

    @Override
    public Integer call() {
        Main.logLevel(false);
        List<Check> checks = new ArrayList<>();
        Runtime.Version v = Runtime.version();
        checks.add(new Check("java", v.feature() >= 25, v.toString(), "install a Java 25 runtime"));
        String arch = System.getProperty("os.arch");
        boolean archOk = arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64");
        checks.add(new Check("architecture", archOk, System.getProperty("os.name") + " " + arch, "vigil ships natives for linux x86_64 and arm64"));
        String tflite;
        boolean tfliteOk;
        try {
            tflite = TfliteEngine.version();
            tfliteOk = true;
        } catch (Throwable t) {
            tflite = t.toString();
            tfliteOk = false;
        }
        checks.add(new Check("tensorflow lite", tfliteOk, tflite, "the TFLite natives for this platform failed to load"));
        if (tfliteOk) {
            checks.add(dev.vigil.nativeio.NativeStderr.capture(DoctorCommand::xnnpack).value());
        }
        dev.vigil.inference.EdgeTpu.Probe tpu = dev.vigil.inference.EdgeTpu.probe(dev.vigil.inference.EdgeTpu.DEFAULT_LIBRARY);
        // An Edge TPU is optional: its absence is information, not a failure.
        String tpuDetail = !tpu.libraryLoaded() ? "none (" + Main.oneLine(tpu.problem()) + ")"
                : tpu.devices().isEmpty() ? "libedgetpu " + tpu.version() + ", no device found"
                : "libedgetpu " + tpu.version() + ", devices " + tpu.devices();
        checks.add(new Check("edge tpu", true, tpuDetail, ""));
        checks.add(gpioChips());
        PrintWriter out = spec.commandLine().getOut();
        boolean allOk = true;
        for (Check c : checks) {
            allOk &= c.ok();
            out.printf("%-16s %-4s %s%s%n", c.what(), c.ok() ? "ok" : "FAIL", c.detail(),
                    c.ok() || c.remedy().isEmpty() ? "" : "  -> " + c.remedy());
        }
        out.flush();
        return allOk ? Main.EXIT_OK : Main.EXIT_FAILED_INPUTS;
    }
}
