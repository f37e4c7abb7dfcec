package dev.vigil.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.vigil.preprocess.Normalization;
import dev.vigil.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelMetadataTest {

    private static final Path MODELS = TestData.shared().resolve("models");

    @TempDir Path tmp;

    @Test
    void quantizedMobilenetCarriesImagenetLabelsInItsAppendedZip() throws IOException {
        ModelMetadata m = ModelMetadata.read(MODELS.resolve("mobilenet_v2_1.0_224_quant.tflite"));
        System.out.println("mobilenet metadata: " + m.name() + " / " + m.version() + " / " + m.inputNormalization()
                + " / files " + m.outputs().stream().flatMap(t -> t.files().stream()).toList());
        assertTrue(m.present());
        assertEquals("imagenet_labels.txt", m.labelFile().orElseThrow());
        List<String> labels = m.labels().orElseThrow();
        assertEquals(1001, labels.size());
        assertEquals("background", labels.get(0));
        assertEquals(Files.readAllLines(MODELS.resolve("imagenet_labels.txt")), labels);
        assertEquals(1, m.outputs().size());
        assertEquals(AssociatedFile.Type.TENSOR_AXIS_LABELS, m.outputs().getFirst().files().getFirst().type());
        assertTrue(m.associatedFile("imagenet_labels.txt").isPresent());
        assertTrue(m.associatedFile("no_such_file.txt").isEmpty());
    }

    @Test
    void ssdModelsHaveNoMetadata() {
        for (String name : List.of("ssd_mobilenetv2_oidv4_fp16.tflite", "ssd_mobilenet_v1_coco_quant_postprocess.tflite")) {
            ModelMetadata m = ModelMetadata.read(MODELS.resolve(name));
            assertFalse(m.present(), name);
            assertTrue(m.labels().isEmpty(), name);
            assertTrue(m.inputNormalization().isEmpty(), name);
        }
    }

    @Test
    void garbageTruncatedEmptyAndMissingFilesGiveEmptyMetadata() throws IOException {
        byte[] real = Files.readAllBytes(MODELS.resolve("mobilenet_v2_1.0_224_quant.tflite"));
        Random random = new Random(7);
        byte[] noise = new byte[4096];
        random.nextBytes(noise);
        byte[] tfl3Noise = noise.clone();
        System.arraycopy("TFL3".getBytes(StandardCharsets.US_ASCII), 0, tfl3Noise, 4, 4);
        List<byte[]> cases = List.of(new byte[0], new byte[] {1, 2, 3}, noise, tfl3Noise,
                "labels\nnot a model\n".getBytes(StandardCharsets.UTF_8), Arrays.copyOf(real, 4096), Arrays.copyOf(real, real.length / 2));
        for (int i = 0; i < cases.size(); i++) {
            Path f = tmp.resolve("case" + i + ".tflite");
            Files.write(f, cases.get(i));
            ModelMetadata m = ModelMetadata.read(f);
            assertTrue(m.labels().isEmpty(), "case " + i);
        }
        // Random corruption of the real model's flatbuffer part: whatever it reads, it must not throw.
        for (int round = 0; round < 50; round++) {
            byte[] damaged = real.clone();
            for (int k = 0; k < 64; k++) damaged[random.nextInt(real.length)] = (byte) random.nextInt();
            Path f = tmp.resolve("damaged.tflite");
            Files.write(f, damaged);
            ModelMetadata.read(f);
        }
        assertFalse(ModelMetadata.read(tmp.resolve("missing.tflite")).present());
        assertFalse(ModelMetadata.read(tmp).present());
    }

    @Test
    void readsNormalizationNamesAndValueLabelsOfABuiltModel() throws IOException {
        Path model = tmp.resolve("built.tflite");
        Files.write(model, modelWithMetadata(true));
        ModelMetadata m = ModelMetadata.read(model);
        assertEquals("tiny detector", m.name().orElseThrow());
        assertEquals("v2", m.version().orElseThrow());
        assertEquals("vigil tests", m.author().orElseThrow());
        assertEquals("Apache-2.0", m.license().orElseThrow());
        assertTrue(m.description().isEmpty());
        Normalization n = m.inputNormalization().orElseThrow();
        assertArrayEquals(new float[] {127.5f}, n.mean());
        assertEquals(127.5f, n.std(2));
        assertEquals("image", m.inputs().getFirst().name());
        // the axis-labels file of the second output wins over the value-labels file of the first
        assertEquals("axis.txt", m.labelFile().orElseThrow());
        assertEquals(List.of("zero", "one"), m.labels().orElseThrow());
    }

    @Test
    void labelFileNamedButNotPackedGivesNoLabels() throws IOException {
        Path model = tmp.resolve("nozip.tflite");
        Files.write(model, modelWithMetadata(false));
        ModelMetadata m = ModelMetadata.read(model);
        assertTrue(m.present());
        assertEquals("axis.txt", m.labelFile().orElseThrow());
        assertTrue(m.labels().isEmpty());
    }

    /**
     * A minimal "TFL3" model flatbuffer whose metadata buffer holds a "M001" flatbuffer, built with the library's
     * builder and the schema's field order, optionally followed by a ZIP with the label files.
     */
    private static byte[] modelWithMetadata(boolean zip) throws IOException {
        FlatBufferBuilder meta = new FlatBufferBuilder();
        int axisFile = file(meta, "axis.txt", 2);
        int valueFile = file(meta, "values.txt", 3);
        meta.startVector(4, 1, 4); meta.addFloat(127.5f); int mean = meta.endVector();
        meta.startVector(4, 1, 4); meta.addFloat(127.5f); int std = meta.endVector();
        meta.startTable(2); meta.addOffset(0, mean, 0); meta.addOffset(1, std, 0); int norm = meta.endTable();
        meta.startTable(2); meta.addByte(0, (byte) 1, 0); meta.addOffset(1, norm, 0); int unit = meta.endTable();
        int units = meta.createVectorOfTables(new int[] {unit});
        int inName = meta.createString("image");
        meta.startTable(7); meta.addOffset(0, inName, 0); meta.addOffset(4, units, 0); int input = meta.endTable();
        int out0Files = meta.createVectorOfTables(new int[] {valueFile});
        meta.startTable(7); meta.addOffset(6, out0Files, 0); int out0 = meta.endTable();
        int out1Files = meta.createVectorOfTables(new int[] {axisFile});
        meta.startTable(7); meta.addOffset(6, out1Files, 0); int out1 = meta.endTable();
        int inputs = meta.createVectorOfTables(new int[] {input});
        int outputs = meta.createVectorOfTables(new int[] {out0, out1});
        meta.startTable(7); meta.addOffset(2, inputs, 0); meta.addOffset(3, outputs, 0); int subgraph = meta.endTable();
        int subgraphs = meta.createVectorOfTables(new int[] {subgraph});
        int name = meta.createString("tiny detector");
        int version = meta.createString("v2");
        int author = meta.createString("vigil tests");
        int license = meta.createString("Apache-2.0");
        meta.startTable(8);
        meta.addOffset(0, name, 0); meta.addOffset(2, version, 0); meta.addOffset(3, subgraphs, 0);
        meta.addOffset(4, author, 0); meta.addOffset(5, license, 0);
        meta.finish(meta.endTable(), "M001");
        byte[] metaBytes = meta.sizedByteArray();

        FlatBufferBuilder fb = new FlatBufferBuilder();
        int data = fb.createByteVector(metaBytes);
        fb.startTable(3); int empty = fb.endTable();
        fb.startTable(3); fb.addOffset(0, data, 0); int metaBuffer = fb.endTable();
        int buffers = fb.createVectorOfTables(new int[] {empty, metaBuffer});
        int other = fb.createString("min_runtime_version");
        fb.startTable(2); fb.addOffset(0, other, 0); fb.addInt(1, 0, -1); int m0 = fb.endTable();
        int metaName = fb.createString("TFLITE_METADATA");
        fb.startTable(2); fb.addOffset(0, metaName, 0); fb.addInt(1, 1, 0); int m1 = fb.endTable();
        int metadata = fb.createVectorOfTables(new int[] {m0, m1});
        fb.startTable(8); fb.addInt(0, 3, 0); fb.addOffset(4, buffers, 0); fb.addOffset(6, metadata, 0);
        fb.finish(fb.endTable(), "TFL3");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(fb.sizedByteArray());
        if (zip) {
            ByteArrayOutputStream z = new ByteArrayOutputStream();
            try (ZipOutputStream zos = new ZipOutputStream(z)) {
                zos.putNextEntry(new ZipEntry("values.txt"));
                zos.write("person\n".getBytes(StandardCharsets.UTF_8));
                zos.putNextEntry(new ZipEntry("axis.txt"));
                zos.write("\uFEFFzero\r\none\n\n".getBytes(StandardCharsets.UTF_8));
            }
            // ZipOutputStream writes offsets from its own start: the archive is relative to where it is appended,
            // as in a self-extracting file. The python writer of the real models writes absolute offsets instead;
            // the real model test covers that case.
            out.write(z.toByteArray());
        }
        return out.toByteArray();
    }

    private static int file(FlatBufferBuilder b, String name, int type) {
        int n = b.createString(name);
        b.startTable(4); b.addOffset(0, n, 0); b.addByte(2, (byte) type, 0);
        return b.endTable();
    }
}
