package dev.vigil.inference;

import dev.vigil.nativeio.NativeStderr;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.tensorflowlite.BuiltinOpResolver;
import org.bytedeco.tensorflowlite.BuiltinOpResolverWithoutDefaultDelegates;
import org.bytedeco.tensorflowlite.FlatBufferModel;
import org.bytedeco.tensorflowlite.Interpreter;
import org.bytedeco.tensorflowlite.InterpreterBuilder;
import org.bytedeco.tensorflowlite.OpResolver;
import org.bytedeco.tensorflowlite.TfLiteAffineQuantization;
import org.bytedeco.tensorflowlite.TfLiteDelegate;
import org.bytedeco.tensorflowlite.TfLiteIntArray;
import org.bytedeco.tensorflowlite.TfLiteQuantization;
import org.bytedeco.tensorflowlite.TfLiteTensor;
import org.bytedeco.tensorflowlite.global.tensorflowlite;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TensorFlow Lite 2.20 through JavaCPP.
 *
 * <p>Ownership: this object holds every native peer the interpreter points into (the model, the op resolver,
 * the delegates) in fields, so none can be collected while the interpreter lives, and {@link #close()} frees
 * them in reverse order of creation: interpreter, delegates, resolver, model. A {@code System.gc()} at any
 * moment is therefore harmless.
 */
public final class TfliteEngine implements InferenceEngine {

    private static final Logger log = LoggerFactory.getLogger(TfliteEngine.class);
    private static volatile String libraryPath;

    private final Path path;
    private FlatBufferModel model;
    private OpResolver resolver;
    private Interpreter interpreter;
    private final List<NativeDelegate> delegates = new ArrayList<>();
    private final List<TfLiteDelegate> delegateViews = new ArrayList<>();
    private final List<TensorSpec> inputs = new ArrayList<>();
    private final List<TensorSpec> outputs = new ArrayList<>();
    private final List<ByteBuffer> inputBuffers = new ArrayList<>();
    private final List<ByteBuffer> outputBuffers = new ArrayList<>();
    private String delegateName = "none";
    private boolean closed;

    private TfliteEngine(Path path) { this.path = path; }

    /** Loads the native library once and returns its file, which also exports the TFLite and XNNPACK C API. */
    public static String nativeLibrary() {
        String p = libraryPath;
        if (p == null) {
            synchronized (TfliteEngine.class) {
                if (libraryPath == null) libraryPath = Loader.load(tensorflowlite.class);
                p = libraryPath;
            }
        }
        return p;
    }

    public static String version() {
        nativeLibrary();
        return tensorflowlite.TfLiteVersion().getString();
    }

    /**
     * Opens a model. Every failure is a {@link ModelLoadException} with a one-line message naming the file and
     * what to do; whatever was built before the failure is freed. {@code edgetpu} and {@code auto} first find the
     * Edge TPU (see {@link EdgeTpuPlan}); with its delegate applied no XNNPACK is added.
     */
    public static TfliteEngine open(Path model, EngineOptions options) {
        if (options.delegate() == Delegate.EDGETPU || options.delegate() == Delegate.AUTO) {
            checkFile(model);
            EdgeTpuPlan plan = EdgeTpuPlan.of(model, options);
            return open(plan.model(), plan.options(), plan.delegates());
        }
        return open(model, options, List.of());
    }

    /**
     * Opens a model with extra delegates already created by the caller (the Edge TPU); on success the engine
     * takes ownership of them, on failure they are closed.
     */
    public static TfliteEngine open(Path model, EngineOptions options, List<NativeDelegate> extra) {
        try {
            checkFile(model);
        } catch (RuntimeException ex) {
            extra.forEach(NativeDelegate::close);
            throw ex;
        }
        nativeLibrary();
        TfliteEngine e = new TfliteEngine(model);
        e.delegates.addAll(extra);
        try {
            NativeStderr.Captured<String> r = NativeStderr.capture(() -> e.build(options));
            String nativeText = r.text().strip();
            if (r.value() != null) throw new ModelLoadException(explain(model, r.value(), nativeText));
            if (!nativeText.isEmpty()) log.debug("tflite: {}", nativeText.replace('\n', ' '));
            e.describeTensors();
            log.info("model {} loaded: {} thread(s), {}", model.getFileName(), options.threads(), e.delegateName);
            return e;
        } catch (RuntimeException ex) {
            e.close();
            throw ex;
        }
    }

    static void checkFile(Path model) {
        if (!Files.isRegularFile(model))
            throw new ModelLoadException("model " + model + ": no such file (give a path or a catalog name; `vigil models list`)");
        if (!Files.isReadable(model)) throw new ModelLoadException("model " + model + ": not readable (check its permissions)");
        try {
            if (Files.size(model) < 16)
                throw new ModelLoadException("model " + model + ": " + Files.size(model)
                        + " bytes is not a TFLite model (truncated download? `vigil models verify`)");
        } catch (java.io.IOException ex) {
            throw new ModelLoadException("model " + model + ": " + ex.getMessage());
        }
    }

    /** Builds the interpreter; returns null on success or the stage that failed. */
    private String build(EngineOptions options) {
        // The verifier rejects truncated or random files instead of letting the interpreter read out of bounds.
        model = FlatBufferModel.VerifyAndBuildFromFile(path.toString());
        if (model == null || model.isNull()) { model = null; return "verify"; }
        Delegate d = options.delegate();
        boolean resolverXnnpack = d == Delegate.XNNPACK_DEFAULT || (d == Delegate.CPU && !preferFfmXnnpack());
        resolver = resolverXnnpack ? new BuiltinOpResolver() : new BuiltinOpResolverWithoutDefaultDelegates();
        interpreter = new Interpreter((Pointer) null);
        try (InterpreterBuilder builder = new InterpreterBuilder(model, resolver)) {
            builder.SetNumThreads(options.threads());
            if (builder.apply(interpreter) != tensorflowlite.kTfLiteOk || interpreter.isNull()) return "build";
        }
        if (!resolverXnnpack && d != Delegate.NONE && d != Delegate.EDGETPU) {
            XnnpackFfm x = XnnpackFfm.create(nativeLibrary(), options.threads(), options.xnnpackFlags());
            delegates.add(x);
        }
        List<String> names = new ArrayList<>();
        for (NativeDelegate nd : delegates) {
            TfLiteDelegate view = new TfLiteDelegate(new Pointer() { { address = nd.address(); } });
            delegateViews.add(view);
            if (interpreter.ModifyGraphWithDelegate(view) != tensorflowlite.kTfLiteOk) return "delegate " + nd.name();
            names.add(nd.name());
        }
        if (interpreter.AllocateTensors() != tensorflowlite.kTfLiteOk) return "allocate";
        if (resolverXnnpack) names.add("xnnpack-default");
        delegateName = names.isEmpty() ? "builtin" : String.join("+", names);
        return null;
    }

    /** Which XNNPACK the CPU choice uses; measured in README "Delegates": the FFM one with QU8 is faster. */
    private static boolean preferFfmXnnpack() {
        return !"default".equals(System.getProperty("vigil.xnnpack", "ffm"));
    }

    static String explain(Path model, String stage, String nativeText) {
        String name = model.getFileName().toString();
        String firstError = nativeText.lines().filter(l -> !l.startsWith("INFO:")).findFirst().orElse("").strip();
        if (nativeText.contains("edgetpu-custom-op")) {
            String cpu = name.replace("_edgetpu", "");
            return "model " + name + " is compiled for the Coral Edge TPU and needs one (libedgetpu and a USB or PCIe"
                    + " Coral, delegate: edgetpu); on the CPU use " + cpu + " instead";
        }
        return switch (stage) {
            case "verify" -> "model " + model + " is not a valid TFLite model (" + (firstError.isEmpty()
                    ? "flatbuffer verification failed" : firstError) + "); download it again (`vigil models pull`)";
            case "build" -> "model " + model + " cannot be built: " + (firstError.isEmpty() ? "interpreter build failed" : firstError);
            case "allocate" -> "model " + model + " cannot be prepared: " + (firstError.isEmpty() ? "tensor allocation failed" : firstError);
            default -> "model " + model + ": " + stage + " failed" + (firstError.isEmpty() ? "" : ": " + firstError);
        };
    }

    private void describeTensors() {
        IntArrays io = new IntArrays(interpreter.inputs(), interpreter.outputs());
        for (int i = 0; i < io.inputs.length; i++) {
            TfLiteTensor t = interpreter.tensor(io.inputs[i]);
            inputs.add(spec(t));
            inputBuffers.add(buffer(t));
        }
        for (int i = 0; i < io.outputs.length; i++) {
            TfLiteTensor t = interpreter.tensor(io.outputs[i]);
            outputs.add(spec(t));
            outputBuffers.add(buffer(t));
        }
    }

    /** Snapshot of the interpreter's input and output tensor index vectors (std::vector<int> behind IntPointer). */
    private record IntArrays(int[] inputs, int[] outputs) {
        IntArrays(org.bytedeco.javacpp.IntPointer in, org.bytedeco.javacpp.IntPointer out) {
            this(read(in), read(out));
        }

        private static int[] read(org.bytedeco.javacpp.IntPointer p) {
            int[] a = new int[(int) p.limit()];
            p.get(a);
            return a;
        }
    }

    private static ByteBuffer buffer(TfLiteTensor t) {
        BytePointer raw = t.data().raw();
        return raw.capacity(t.bytes()).asByteBuffer().order(ByteOrder.nativeOrder());
    }

    static TensorSpec spec(TfLiteTensor t) {
        TfLiteIntArray dims = t.dims();
        int[] shape = new int[dims.size()];
        for (int i = 0; i < shape.length; i++) shape[i] = dims.data(i);
        float scale = t.params().scale();
        int zp = t.params().zero_point();
        TfLiteQuantization q = t.quantization();
        if (q != null && !q.isNull() && q.type() == tensorflowlite.kTfLiteAffineQuantization) {
            TfLiteAffineQuantization aq = new TfLiteAffineQuantization(q.params());
            if (aq.scale() != null && !aq.scale().isNull() && aq.scale().size() > 1) scale = Float.NaN; // per-channel
        }
        return new TensorSpec(t.name().getString(), type(t.type()), shape, scale, zp);
    }

    static TensorType type(int tfType) {
        if (tfType == tensorflowlite.kTfLiteFloat32) return TensorType.FLOAT32;
        if (tfType == tensorflowlite.kTfLiteUInt8) return TensorType.UINT8;
        if (tfType == tensorflowlite.kTfLiteInt8) return TensorType.INT8;
        if (tfType == tensorflowlite.kTfLiteInt32) return TensorType.INT32;
        if (tfType == tensorflowlite.kTfLiteInt64) return TensorType.INT64;
        if (tfType == tensorflowlite.kTfLiteFloat16) return TensorType.FLOAT16;
        return TensorType.OTHER;
    }

    /**
     * What runs each step of the execution plan after delegation, e.g. "3 nodes: TfLiteXNNPackDelegate x1 (63 of 64
     * ops), builtin 32 x1". Tells whether a delegate took the whole graph or left ops on the slower builtin kernels.
     */
    public String graphSummary() {
        org.bytedeco.javacpp.IntPointer plan = interpreter.execution_plan();
        org.bytedeco.javacpp.IntPointer before = interpreter.primary_subgraph().pre_delegation_execution_plan();
        int ops = before == null || before.isNull() ? 0 : (int) before.limit(); // empty when no delegate ran
        java.util.Map<String, Integer> byKernel = new java.util.TreeMap<>();
        int n = (int) plan.limit();
        for (int i = 0; i < n; i++) {
            org.bytedeco.tensorflowlite.RegistrationNodePair p = interpreter.node_and_registration(plan.get(i));
            org.bytedeco.tensorflowlite.TfLiteRegistration r = p.second();
            BytePointer custom = r.custom_name();
            String k = custom != null && !custom.isNull() ? custom.getString() : "builtin " + r.builtin_code();
            byKernel.merge(k, 1, Integer::sum);
        }
        StringBuilder sb = new StringBuilder().append(n).append(" nodes for ").append(ops == 0 ? n : ops).append(" ops:");
        byKernel.forEach((k, v) -> sb.append(' ').append(k).append(" x").append(v).append(','));
        sb.setLength(sb.length() - 1);
        return sb.toString();
    }

    @Override public List<TensorSpec> inputs() { return inputs; }

    @Override public List<TensorSpec> outputs() { return outputs; }

    @Override public ByteBuffer input(int i) { return inputBuffers.get(i); }

    @Override public ByteBuffer output(int i) { return outputBuffers.get(i); }

    @Override
    public void invoke() {
        if (closed) throw new IllegalStateException("engine for " + path.getFileName() + " is closed");
        if (interpreter.Invoke() != tensorflowlite.kTfLiteOk)
            throw new InferenceException("model " + path.getFileName() + ": invoke failed");
    }

    @Override public String delegate() { return delegateName; }

    public Path path() { return path; }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        // Interpreter first: it references the delegates, the resolver's registrations and the model's buffers.
        if (interpreter != null) interpreter.close();
        interpreter = null;
        for (TfLiteDelegate v : delegateViews) v.setNull();
        delegateViews.clear();
        for (int i = delegates.size() - 1; i >= 0; i--) delegates.get(i).close();
        delegates.clear();
        if (resolver != null) resolver.close();
        resolver = null;
        if (model != null) model.close();
        model = null;
        inputBuffers.clear();
        outputBuffers.clear();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "tflite %s [%s]", path.getFileName(), delegateName);
    }
}
