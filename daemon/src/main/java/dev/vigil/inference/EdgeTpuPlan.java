package dev.vigil.inference;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code delegate: edgetpu} and {@code delegate: auto} turn into before an interpreter is built: the model
 * file, the options with a concrete delegate, and the Edge TPU delegate (owned by the engine from then on).
 *
 * <p>{@code edgetpu}: an Edge TPU must be there, else a {@link ModelLoadException} that says why and names the
 * CPU model. {@code auto}: a model compiled for the Edge TPU runs on one when present, else its CPU build next to
 * it runs on the CPU path after one warning line (an error when that file is missing); a CPU model runs on the CPU
 * path straight away, since the Edge TPU delegate takes only compiled operators and would leave it all to the
 * builtin kernels, slower than XNNPACK.
 */
record EdgeTpuPlan(Path model, EngineOptions options, List<NativeDelegate> delegates) {

    private static final Logger log = LoggerFactory.getLogger(EdgeTpuPlan.class);
    /** The custom op name edgetpu_compiler writes into every model it compiles. */
    private static final byte[] EDGETPU_OP = "edgetpu-custom-op".getBytes(StandardCharsets.US_ASCII);

    static EdgeTpuPlan of(Path model, EngineOptions options) {
        return switch (options.delegate()) {
            case EDGETPU -> onTpu(model, options);
            case AUTO -> auto(model, options);
            default -> new EdgeTpuPlan(model, options, List.of());
        };
    }

    private static EdgeTpuPlan onTpu(Path model, EngineOptions options) {
        try {
            return new EdgeTpuPlan(model, options.withDelegate(Delegate.EDGETPU), List.of(open(options)));
        } catch (EdgeTpu.Unavailable e) {
            String name = model.getFileName().toString();
            throw new ModelLoadException("model " + name + ", delegate edgetpu: " + e.getMessage()
                    + "; on the CPU use " + EdgeTpu.cpuModelName(name) + " with delegate: cpu", e);
        }
    }

    private static EdgeTpuPlan auto(Path model, EngineOptions options) {
        String name = model.getFileName().toString();
        EngineOptions cpu = options.withDelegate(Delegate.CPU);
        if (!compiledForEdgeTpu(model)) {
            log.debug("delegate auto: {} has no Edge TPU operators, running it on the CPU", name);
            return new EdgeTpuPlan(model, cpu, List.of());
        }
        try {
            return new EdgeTpuPlan(model, options.withDelegate(Delegate.EDGETPU), List.of(open(options)));
        } catch (EdgeTpu.Unavailable e) {
            String cpuName = EdgeTpu.cpuModelName(name);
            Path cpuModel = model.resolveSibling(cpuName);
            if (cpuModel.equals(model) || !Files.isRegularFile(cpuModel))
                throw new ModelLoadException("model " + name + ", delegate auto: " + e.getMessage() + "; it runs only on"
                        + " an Edge TPU, and its CPU build " + cpuName + " is not next to it (put it there, or use it)", e);
            log.warn("delegate auto: {}; running {} on the CPU instead of {}", e.getMessage(), cpuName, name);
            return new EdgeTpuPlan(cpuModel, cpu, List.of());
        }
    }

    private static EdgeTpu.TpuDelegate open(EngineOptions options) {
        EdgeTpu tpu = EdgeTpu.load(options.edgetpuLibrary());
        EdgeTpu.Device device = EdgeTpu.select(tpu.listDevices(), options.edgetpuDevice());
        return tpu.createDelegate(device, Map.of());
    }

    /**
     * Whether the file contains the Edge TPU custom op. A plain byte search (the name is stored verbatim in the
     * flatbuffer's operator codes) rather than parsing: TFLite's C++ API exposes the codes only after building.
     */
    static boolean compiledForEdgeTpu(Path model) {
        try (FileChannel ch = FileChannel.open(model, StandardOpenOption.READ)) {
            MappedByteBuffer b = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
            int last = b.limit() - EDGETPU_OP.length;
            outer:
            for (int i = 0; i <= last; i++) {
                if (b.get(i) != EDGETPU_OP[0]) continue;
                for (int k = 1; k < EDGETPU_OP.length; k++) if (b.get(i + k) != EDGETPU_OP[k]) continue outer;
                return true;
            }
            return false;
        } catch (IOException e) {
            throw new ModelLoadException("model " + model + ": " + e.getMessage());
        }
    }
}
