package dev.vigil.model;

/**
 * Field indices of the TensorFlow Lite model flatbuffer (tensorflow/lite/schema/schema.fbs, file identifier
 * "TFL3"), only those vigil reads. Checked against the schema's declarations:
 * {@code table Model { version; operator_codes; subgraphs; description; buffers; metadata_buffer; metadata;
 * signature_defs }}, {@code table Metadata { name; buffer }}, {@code table Buffer { data; offset; size }},
 * {@code table OperatorCode { deprecated_builtin_code; custom_code; version; builtin_code }},
 * {@code table SubGraph { tensors; inputs; outputs; operators; name }},
 * {@code table Tensor { shape; type; buffer; name; ... }},
 * {@code table Operator { opcode_index; inputs; outputs; builtin_options (union: type, value); custom_options; ... }}.
 */
final class TfliteSchema {
    private TfliteSchema() {}

    static final String IDENTIFIER = "TFL3";
    /** The name of the {@code Model.metadata} entry whose buffer holds the TFLite Support metadata. */
    static final String METADATA_NAME = "TFLITE_METADATA";

    static final int MODEL_OPERATOR_CODES = 1;
    static final int MODEL_SUBGRAPHS = 2;
    static final int MODEL_DESCRIPTION = 3;
    static final int MODEL_BUFFERS = 4;
    static final int MODEL_METADATA = 6;

    static final int METADATA_NAME_FIELD = 0;
    static final int METADATA_BUFFER = 1;

    static final int OPERATOR_CODE_CUSTOM_CODE = 1;
    static final int SUBGRAPH_TENSORS = 0;
    static final int SUBGRAPH_OPERATORS = 3;
    static final int TENSOR_SHAPE = 0;
    static final int TENSOR_BUFFER = 2;
    static final int OPERATOR_OPCODE_INDEX = 0;
    static final int OPERATOR_CUSTOM_OPTIONS = 5;

    static final int BUFFER_DATA = 0;
    /** For models over 2 GB: data stored outside the flatbuffer, offset from the start of the file (valid if > 1). */
    static final int BUFFER_OFFSET = 1;
    static final int BUFFER_SIZE = 2;
}
