package dev.vigil.inference;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * XNNPACK delegate created through FFM with options of our choosing ({@code TfLiteXNNPackDelegateCreate}),
 * instead of the one TFLite's op resolver applies by default. The C functions are exported by the JavaCPP
 * TFLite library itself, so the same XNNPACK build runs either way; only the flags differ.
 */
public final class XnnpackFfm implements NativeDelegate {

    /** TFLITE_XNNPACK_DELEGATE_FLAG_* from tensorflow/lite/delegates/xnnpack/xnnpack_delegate.h. */
    public static final int FLAG_QS8 = 0x1, FLAG_QU8 = 0x2, FLAG_FORCE_FP16 = 0x4, FLAG_DYNAMIC_FULLY_CONNECTED = 0x8,
            FLAG_VARIABLE_OPERATORS = 0x10, FLAG_TRANSIENT_INDIRECTION_BUFFER = 0x20,
            FLAG_ENABLE_LATEST_OPERATORS = 0x40, FLAG_ENABLE_SUBGRAPH_RESHAPING = 0x80;

    /**
     * Big enough for TfLiteXNNPackDelegateOptions of any TFLite 2.x (it is under 100 bytes); a struct this large is
     * returned through a caller-provided buffer on x86_64 and aarch64 alike, so only the size has to be an upper bound.
     */
    private static final MemoryLayout OPTIONS = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("num_threads"), ValueLayout.JAVA_INT.withName("flags"),
            MemoryLayout.sequenceLayout(248, ValueLayout.JAVA_BYTE));

    private static volatile MethodHandle defaults, create, delete;

    private final MemorySegment delegate;
    private final int flags;
    private boolean closed;

    private XnnpackFfm(MemorySegment delegate, int flags) {
        this.delegate = delegate;
        this.flags = flags;
    }

    private static synchronized void bind(String tfliteLibrary) {
        if (create != null) return;
        Linker linker = Linker.nativeLinker();
        SymbolLookup lib = SymbolLookup.libraryLookup(tfliteLibrary, Arena.global());
        defaults = linker.downcallHandle(lib.find("TfLiteXNNPackDelegateOptionsDefault").orElseThrow(),
                FunctionDescriptor.of(OPTIONS));
        create = linker.downcallHandle(lib.find("TfLiteXNNPackDelegateCreate").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        delete = linker.downcallHandle(lib.find("TfLiteXNNPackDelegateDelete").orElseThrow(),
                FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
    }

    /** The flags TFLite's defaults set in this build. */
    public static int defaultFlags(String tfliteLibrary) {
        bind(tfliteLibrary);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment opts = (MemorySegment) defaults.invokeExact((java.lang.foreign.SegmentAllocator) arena);
            return opts.get(ValueLayout.JAVA_INT, 4);
        } catch (Throwable t) {
            throw new IllegalStateException("TfLiteXNNPackDelegateOptionsDefault failed: " + t, t);
        }
    }

    /** Creates a delegate; {@code flags < 0} keeps TFLite's default flags and adds QU8 and QS8. */
    public static XnnpackFfm create(String tfliteLibrary, int threads, int flags) {
        bind(tfliteLibrary);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment opts = (MemorySegment) defaults.invokeExact((java.lang.foreign.SegmentAllocator) arena);
            int f = flags >= 0 ? flags : opts.get(ValueLayout.JAVA_INT, 4) | FLAG_QU8 | FLAG_QS8;
            opts.set(ValueLayout.JAVA_INT, 0, threads);
            opts.set(ValueLayout.JAVA_INT, 4, f);
            MemorySegment d = (MemorySegment) create.invokeExact(opts);
            if (d.address() == 0) throw new ModelLoadException("TfLiteXNNPackDelegateCreate returned no delegate");
            return new XnnpackFfm(d, f);
        } catch (ModelLoadException e) {
            throw e;
        } catch (Throwable t) {
            throw new ModelLoadException("cannot create the XNNPACK delegate: " + t, t);
        }
    }

    @Override
    public long address() { return delegate.address(); }

    @Override
    public String name() { return "xnnpack-ffm(" + describe(flags) + ")"; }

    public int flags() { return flags; }

    public static String describe(int flags) {
        StringBuilder sb = new StringBuilder();
        if ((flags & FLAG_QS8) != 0) sb.append("qs8,");
        if ((flags & FLAG_QU8) != 0) sb.append("qu8,");
        if ((flags & FLAG_FORCE_FP16) != 0) sb.append("fp16,");
        if ((flags & FLAG_DYNAMIC_FULLY_CONNECTED) != 0) sb.append("dynfc,");
        if ((flags & FLAG_VARIABLE_OPERATORS) != 0) sb.append("var,");
        if ((flags & FLAG_TRANSIENT_INDIRECTION_BUFFER) != 0) sb.append("tib,");
        if ((flags & FLAG_ENABLE_LATEST_OPERATORS) != 0) sb.append("latest,");
        if ((flags & FLAG_ENABLE_SUBGRAPH_RESHAPING) != 0) sb.append("reshape,");
        int rest = flags & ~0xff;
        if (rest != 0) sb.append("0x").append(Integer.toHexString(rest)).append(',');
        return sb.isEmpty() ? "none" : sb.substring(0, sb.length() - 1);
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            delete.invokeExact(delegate);
        } catch (Throwable t) {
            throw new IllegalStateException("TfLiteXNNPackDelegateDelete failed: " + t, t);
        }
    }
}
