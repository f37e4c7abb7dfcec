package dev.vigil.inference;

import java.util.List;

/**
 * What a model file declares, read once by {@link ModelInspector}: its input and output tensors and the
 * weights of its FULLY_CONNECTED ops. Plain values, so decisions about a model (can engine djl run it?) are
 * functions of this record and can be tested without a model file.
 *
 * @param model          the file name, for messages
 * @param inputs         input tensors with their quantization
 * @param outputs        output tensors with their quantization
 * @param fullyConnected one entry per FULLY_CONNECTED node
 * @param customOps      names of the custom ops the graph uses (e.g. TFLite_Detection_PostProcess)
 */
public record ModelFacts(String model, List<TensorSpec> inputs, List<TensorSpec> outputs,
                         List<FullyConnected> fullyConnected, List<String> customOps) {

    public ModelFacts {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        fullyConnected = List.copyOf(fullyConnected);
        customOps = List.copyOf(customOps);
    }

    /**
     * One FULLY_CONNECTED node and its weight tensor (input 1).
     *
     * @param node         node index in the primary subgraph
     * @param weights      name of the weight tensor
     * @param weightType   element type of the weights
     * @param weightScales number of quantization scales on the weights: 0 not quantized, 1 per-tensor, more per-channel
     */
    public record FullyConnected(int node, String weights, TensorType weightType, int weightScales) {
        public boolean perChannel() { return weightScales > 1; }
    }
}
