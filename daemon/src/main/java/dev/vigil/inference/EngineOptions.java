package dev.vigil.inference;

/**
 * How to build an engine.
 *
 * @param threads        CPU threads for the interpreter and XNNPACK (>= 1)
 * @param delegate       which path runs the graph
 * @param edgetpuDevice  Edge TPU device: null or "" for the first found, "usb", "pci", "usb:0", or a path
 * @param edgetpuLibrary libedgetpu to load (null: "libedgetpu.so.1" from the system library path)
 * @param xnnpackFlags   flags for the FFM-created XNNPACK delegate; negative means vigil's choice
 */
public record EngineOptions(int threads, Delegate delegate, String edgetpuDevice, String edgetpuLibrary, int xnnpackFlags) {

    public EngineOptions {
        if (threads < 1) throw new IllegalArgumentException("threads: " + threads + " must be at least 1");
        if (delegate == null) delegate = Delegate.CPU;
    }

    public static EngineOptions cpu(int threads) {
        return new EngineOptions(threads, Delegate.CPU, null, null, -1);
    }

    public EngineOptions withDelegate(Delegate d) {
        return new EngineOptions(threads, d, edgetpuDevice, edgetpuLibrary, xnnpackFlags);
    }

    public EngineOptions withXnnpackFlags(int flags) {
        return new EngineOptions(threads, delegate, edgetpuDevice, edgetpuLibrary, flags);
    }
}
