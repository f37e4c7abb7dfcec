package dev.vigil.model;

/**
 * Field indices of the TFLite Support metadata flatbuffer (tensorflow_lite_support/metadata/metadata_schema.fbs,
 * file identifier "M001"), only those vigil reads. Checked against the schema's declarations:
 * <pre>
 * table ModelMetadata { name; description; version; subgraph_metadata; author; license; associated_files;
 *                       min_parser_version }
 * table SubGraphMetadata { name; description; input_tensor_metadata; output_tensor_metadata; associated_files;
 *                          input_process_units; output_process_units }
 * table TensorMetadata { name; description; dimension_names; content; process_units; stats; associated_files }
 * table ProcessUnit { options: ProcessUnitOptions }   // a union: options_type (0), options (1)
 * union ProcessUnitOptions { NormalizationOptions = 1, ScoreCalibrationOptions, ScoreThresholdingOptions, ... }
 * table NormalizationOptions { mean: [float]; std: [float] }
 * table AssociatedFile { name; description; type: AssociatedFileType (byte); locale }
 * </pre>
 */
final class MetadataSchema {
    private MetadataSchema() {}

    static final String IDENTIFIER = "M001";

    static final int MODEL_NAME = 0;
    static final int MODEL_DESCRIPTION = 1;
    static final int MODEL_VERSION = 2;
    static final int MODEL_SUBGRAPHS = 3;
    static final int MODEL_AUTHOR = 4;
    static final int MODEL_LICENSE = 5;
    static final int MODEL_FILES = 6;
    static final int MODEL_MIN_PARSER_VERSION = 7;

    static final int SUBGRAPH_INPUTS = 2;
    static final int SUBGRAPH_OUTPUTS = 3;
    static final int SUBGRAPH_FILES = 4;

    static final int TENSOR_NAME = 0;
    static final int TENSOR_DESCRIPTION = 1;
    static final int TENSOR_PROCESS_UNITS = 4;
    static final int TENSOR_FILES = 6;

    static final int PROCESS_UNIT_OPTIONS_TYPE = 0;
    static final int PROCESS_UNIT_OPTIONS = 1;
    static final int OPTIONS_NORMALIZATION = 1;

    static final int NORMALIZATION_MEAN = 0;
    static final int NORMALIZATION_STD = 1;

    static final int FILE_NAME = 0;
    static final int FILE_DESCRIPTION = 1;
    static final int FILE_TYPE = 2;
    static final int FILE_LOCALE = 3;
}
