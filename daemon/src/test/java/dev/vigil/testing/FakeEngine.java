package dev.vigil.testing;

import dev.vigil.inference.InferenceEngine;
import dev.vigil.inference.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** An engine double with tensors in plain direct buffers: tests write outputs and read inputs directly. */
public final class FakeEngine implements InferenceEngine {

    private final List<TensorSpec> inputs, outputs;
    private final List<ByteBuffer> in = new ArrayList<>(), out = new ArrayList<>();
    public int invocations;
    public boolean closed;

    public FakeEngine(List<TensorSpec> inputs, List<TensorSpec> outputs) {
        this.inputs = inputs;
        this.outputs = outputs;
        for (TensorSpec t : inputs) in.add(ByteBuffer.allocateDirect(t.elements() * t.type().bytes()).order(ByteOrder.nativeOrder()));
        for (TensorSpec t : outputs) out.add(ByteBuffer.allocateDirect(t.elements() * t.type().bytes()).order(ByteOrder.nativeOrder()));
    }

    @Override public List<TensorSpec> inputs() { return inputs; }
    @Override public List<TensorSpec> outputs() { return outputs; }
    @Override public ByteBuffer input(int i) { return in.get(i); }
    @Override public ByteBuffer output(int i) { return out.get(i); }
    @Override public void invoke() { invocations++; }
    @Override public String delegate() { return "fake"; }
    @Override public void close() { closed = true; }
}
