package dev.vigil.inference;

import dev.vigil.nativeio.NativeStderr;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.tensorflowlite.BuiltinOpResolverWithoutDefaultDelegates;
import org.bytedeco.tensorflowlite.FlatBufferModel;
import org.bytedeco.tensorflowlite.Interpreter;
import org.bytedeco.tensorflowlite.InterpreterBuilder;
import org.bytedeco.tensorflowlite.RegistrationNodePair;
import org.bytedeco.tensorflowlite.TfLiteAffineQuantization;
import org.bytedeco.tensorflowlite.TfLiteIntArray;
import org.bytedeco.tensorflowlite.TfLiteQuantization;
import org.bytedeco.tensorflowlite.TfLiteRegistration;
import org.bytedeco.tensorflowlite.TfLiteTensor;
import org.bytedeco.tensorflowlite.global.tensorflowlite;

/**
 * Reads {@link ModelFacts} from a model file with a short-lived TFLite 2.20 interpreter (builtin kernels, no
 * delegate, so the node list is the graph as written). The interpreter, resolver and model are created and freed
 * inside {@link #inspect}; nothing native outlives the call.
 *
 * <p>An interpreter rather than a flatbuffer parser: it verifies the file, resolves the ops and prepares the
 * tensors, so output shapes set by ops at prepare time (TFLite_Detection_PostProcess) are the real ones.
 */
public final class ModelInspector {

    private ModelInspector() {}

    /** Inspects {@code model}; a file TFLite cannot read or prepare is a {@link ModelLoadException}. */
    public static ModelFacts inspect(Path model) {
        TfliteEngine.checkFile(model);
        TfliteEngine.nativeLibrary();
        Native n = new Native();
        try {
            NativeStderr.Captured<String> r = NativeStderr.capture(() -> n.build(model));
            if (r.value() != null) throw new ModelLoadException(TfliteEngine.explain(model, r.value(), r.text().strip()));
            return n.facts(model.getFileName().toString());
        } finally {
            n.close();
        }
    }

    /** The native objects of one inspection, held together so none is collected while the interpreter lives. */
    private static final class Native implements AutoCloseable {
        private FlatBufferModel model;
        private BuiltinOpResolverWithoutDefaultDelegates resolver;
        private Interpreter interpreter;

        /** Returns null on success or the stage that failed, as {@link TfliteEngine#explain} expects. */
        String build(Path path) {
            model = FlatBufferModel.VerifyAndBuildFromFile(path.toString());
            if (model == null || model.isNull()) { model = null; return "verify"; }
            resolver = new BuiltinOpResolverWithoutDefaultDelegates();
            interpreter = new Interpreter((Pointer) null);
            try (InterpreterBuilder builder = new InterpreterBuilder(model, resolver)) {
                builder.SetNumThreads(1);
                if (builder.apply(interpreter) != tensorflowlite.kTfLiteOk || interpreter.isNull()) return "build";
            }
            if (interpreter.AllocateTensors() != tensorflowlite.kTfLiteOk) return "allocate";
            return null;
        }

        ModelFacts facts(String name) {
            List<TensorSpec> inputs = new ArrayList<>(), outputs = new ArrayList<>();
            for (int i : ints(interpreter.inputs())) inputs.add(TfliteEngine.spec(interpreter.tensor(i)));
            for (int i : ints(interpreter.outputs())) outputs.add(TfliteEngine.spec(interpreter.tensor(i)));
            List<ModelFacts.FullyConnected> fc = new ArrayList<>();
            Set<String> custom = new LinkedHashSet<>();
            for (int node = 0; node < interpreter.nodes_size(); node++) {
                RegistrationNodePair pair = interpreter.node_and_registration(node);
                TfLiteRegistration reg = pair.second();
                int code = reg.builtin_code();
                if (code == tensorflowlite.kTfLiteBuiltinCustom) {
                    BytePointer cn = reg.custom_name();
                    custom.add(cn == null || cn.isNull() ? "?" : cn.getString());
                } else if (code == tensorflowlite.kTfLiteBuiltinFullyConnected) {
                    TfLiteIntArray in = pair.first().inputs();
                    int w = in.size() > 1 ? in.data(1) : tensorflowlite.kTfLiteOptionalTensor;
                    if (w == tensorflowlite.kTfLiteOptionalTensor) continue;
                    TfLiteTensor t = interpreter.tensor(w);
                    fc.add(new ModelFacts.FullyConnected(node, t.name().getString(), TfliteEngine.type(t.type()), scales(t)));
                }
            }
            return new ModelFacts(name, inputs, outputs, fc, List.copyOf(custom));
        }

        private static int scales(TfLiteTensor t) {
            TfLiteQuantization q = t.quantization();
            if (q == null || q.isNull() || q.type() != tensorflowlite.kTfLiteAffineQuantization) return 0;
            TfLiteAffineQuantization aq = new TfLiteAffineQuantization(q.params());
            return aq.isNull() || aq.scale() == null || aq.scale().isNull() ? 0 : aq.scale().size();
        }

        private static int[] ints(IntPointer p) {
            int[] a = new int[(int) p.limit()];
            p.get(a);
            return a;
        }

        @Override
        public void close() {
            // Interpreter first: it points into the resolver's registrations and the model's buffers.
            if (interpreter != null) interpreter.close();
            if (resolver != null) resolver.close();
            if (model != null) model.close();
            interpreter = null;
            resolver = null;
            model = null;
        }
    }
}
