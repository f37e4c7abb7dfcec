package dev.vigil.cli;

import dev.vigil.inference.Delegate;
import dev.vigil.inference.EngineOptions;
import dev.vigil.pipeline.Analyzer;
import dev.vigil.preprocess.ImagePreprocessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** Options shared by every command that runs a model. */
public final class ModelOptions {

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL", description = "Model file or catalog name.")
    String model;

    @Option(names = "--labels", paramLabel = "FILE", description = "Label file (default: the model's metadata or catalog entry).")
    Path labels;

    @Option(names = {"-t", "--threads"}, defaultValue = "2", description = "CPU threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--delegate", defaultValue = "cpu", description = "cpu, xnnpack, xnnpack-ffm, none, edgetpu, auto (default: ${DEFAULT-VALUE}).")
    String delegate;

    @Option(names = "--edgetpu-device", description = "Edge TPU: usb, pci, usb:N, pci:N or a device path.")
    String edgetpuDevice;

    @Option(names = "--engine", defaultValue = "tflite", description = "tflite or djl (x86_64 only) (default: ${DEFAULT-VALUE}).")
    String engine;

    @Option(names = "--letterbox", description = "Keep the aspect ratio (pad) instead of stretching the image.")
    boolean letterbox;

    @Option(names = {"-v", "--verbose"}, description = "Log what happens (to stderr).")
    boolean verbose;

    Analyzer.Options analyzerOptions(Analyzer.Kind kind, int top) {
        if (threads < 1) throw new Main.UsageException("--threads: " + threads + " must be at least 1");
        Delegate d;
        try {
            d = Delegate.parse(delegate);
        } catch (IllegalArgumentException e) {
            throw new Main.UsageException("--" + e.getMessage());
        }
        EngineOptions eo = new EngineOptions(threads, d, edgetpuDevice, null, -1);
        return new Analyzer.Options(engine, eo, letterbox ? ImagePreprocessor.Resize.LETTERBOX : ImagePreprocessor.Resize.STRETCH,
                null, kind, null, top, 100);
    }

    Path modelPath() {
        return Path.of(model);
    }

    List<String> labelList() {
        if (labels == null) return List.of();
        try {
            return Files.readAllLines(labels);
        } catch (IOException e) {
            throw new Main.UsageException("--labels " + labels + ": cannot read (" + e.getMessage() + ")");
        }
    }
}
