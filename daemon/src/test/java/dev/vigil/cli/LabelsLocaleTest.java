package dev.vigil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.vigil.config.ConfigException;
import dev.vigil.config.ConfigLoader;
import dev.vigil.model.ModelMetadata;
import dev.vigil.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model whose metadata packs two label files for its output, machine IDs first and display names with
 * {@code locale: en} after (as the TFLite Task library's models do): the names of the configured locale are used
 * (default en), the first file only when no locale matches. The model is the real quantized MobileNet v2 with its
 * metadata rewritten in place: three label files instead of one.
 */
class LabelsLocaleTest {

    @TempDir static Path tmp;
    static Path model;
    static List<String> names;

    @BeforeEach
    void build() throws Exception {
        if (model != null && Files.exists(model)) return;
        names = Files.readAllLines(TestData.model("imagenet_labels.txt"));
        List<String> ids = new ArrayList<>(), german = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            ids.add("/m/id%04d".formatted(i));
            german.add("(de) " + names.get(i));
        }
        model = withLabelFiles(TestData.model("mobilenet_v2_1.0_224_quant.tflite"), tmp.resolve("mobilenet_v2_locales.tflite"),
                Map.of("labels_ids.txt", ids, "labels_en.txt", names, "labels_de.txt", german));
    }

    @Test
    void theMetadataGivesTheDisplayNamesOfTheLocaleThenOfItsLanguageThenTheFirstFile() {
        ModelMetadata en = ModelMetadata.read(model);
        assertEquals("labels_en.txt", en.labelFile().orElseThrow());
        assertEquals(names, en.labels().orElseThrow());
        assertEquals("labels_de.txt", ModelMetadata.read(model, "de_AT").labelFile().orElseThrow(), "by language");
        assertEquals("labels_ids.txt", ModelMetadata.read(model, "fr").labelFile().orElseThrow(), "no French: the default, the first");
        assertEquals("/m/id0001", ModelMetadata.read(model, "fr").labels().orElseThrow().get(1));
    }

    @Test
    void classifySaysMilitaryUniformNotItsMachineId() {
        String image = TestData.image("grace_hopper.bmp").toString();
        CliTest.Run en = CliTest.run("classify", "--model", model.toString(), "--top", "1", "--json", image);
        assertEquals(0, en.code(), en.err());
        assertEquals("military uniform", en.lines().getFirst().get("top").get(0).get("label").asText(), en.out());
        CliTest.Run de = CliTest.run("classify", "--model", model.toString(), "--labels-locale", "de", "--top", "1", "--json", image);
        assertEquals("(de) military uniform", de.lines().getFirst().get("top").get(0).get("label").asText(), de.out());
        CliTest.Run fr = CliTest.run("classify", "--model", model.toString(), "--labels-locale", "fr", "--top", "1", "--json", image);
        assertTrue(fr.lines().getFirst().get("top").get(0).get("label").asText().startsWith("/m/id"), fr.out());
    }

    static final String CAMERA = "cameras: { door: { source: { folder: x }, groups: { person: { labels: [person] } } } }\n";

    @Test
    void theConfigKeyIsLabelsLocaleAndABadOneIsOneLine() {
        assertEquals("de-CH", ConfigLoader.parse("labels_locale: de-CH\n" + CAMERA, tmp, Map.of()).inference().labelsLocale());
        assertEquals("en", ConfigLoader.parse(CAMERA, tmp, Map.of()).inference().labelsLocale());
        try {
            ConfigLoader.parse("labels_locale: \"en us\"\n" + CAMERA, tmp, Map.of());
            throw new AssertionError("accepted");
        } catch (ConfigException e) {
            assertEquals("labels_locale: \"en us\" is not a locale; give a language tag such as en or de-CH", e.getMessage());
        }
    }

    /**
     * The model with its TFLITE_METADATA buffer overwritten in place (the new one is smaller; the rest of the buffer is
     * zeros) by metadata naming three label files for the output, the IDs first without a locale as the schema's
     * default, and a ZIP of them appended: {@link java.util.zip.ZipFile} reads the last archive of a file, whatever
     * precedes it.
     */
    static Path withLabelFiles(Path source, Path target, Map<String, List<String>> files) throws Exception {
        byte[] bytes = Files.readAllBytes(source);
        int id = indexOf(bytes, "M001".getBytes(StandardCharsets.US_ASCII));
        int start = id - 4;
        int capacity = ByteBuffer.wrap(bytes, start - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        List<String> order = List.of("labels_ids.txt", "labels_en.txt", "labels_de.txt");
        FlatBufferBuilder meta = new FlatBufferBuilder();
        int[] fileTables = new int[order.size()];
        for (int i = 0; i < order.size(); i++) {
            int name = meta.createString(order.get(i));
            String loc = order.get(i).substring(7, 9);
            int locale = loc.equals("id") ? 0 : meta.createString(loc);
            meta.startTable(4);
            meta.addOffset(0, name, 0);
            meta.addByte(2, (byte) 2, 0); // TENSOR_AXIS_LABELS
            if (locale != 0) meta.addOffset(3, locale, 0);
            fileTables[i] = meta.endTable();
        }
        int outFiles = meta.createVectorOfTables(fileTables);
        int outName = meta.createString("probability");
        meta.startTable(7); meta.addOffset(0, outName, 0); meta.addOffset(6, outFiles, 0); int output = meta.endTable();
        int inName = meta.createString("image");
        meta.startTable(7); meta.addOffset(0, inName, 0); int input = meta.endTable();
        int inputs = meta.createVectorOfTables(new int[] {input});
        int outputs = meta.createVectorOfTables(new int[] {output});
        meta.startTable(7); meta.addOffset(2, inputs, 0); meta.addOffset(3, outputs, 0); int subgraph = meta.endTable();
        int subgraphs = meta.createVectorOfTables(new int[] {subgraph});
        int modelName = meta.createString("MobileNetV2 with labels per locale");
        meta.startTable(8); meta.addOffset(0, modelName, 0); meta.addOffset(3, subgraphs, 0);
        meta.finish(meta.endTable(), "M001");
        byte[] m = meta.sizedByteArray();
        if (m.length > capacity) throw new IllegalStateException("metadata " + m.length + " bytes, room for " + capacity);
        java.util.Arrays.fill(bytes, start, start + capacity, (byte) 0);
        System.arraycopy(m, 0, bytes, start, m.length);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(bytes);
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        try (ZipOutputStream zos = new ZipOutputStream(z)) {
            for (String f : order) {
                zos.putNextEntry(new ZipEntry(f));
                zos.write((String.join("\n", files.get(f)) + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        out.write(z.toByteArray());
        return Files.write(target, out.toByteArray());
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        throw new IllegalStateException("no TFLite metadata in the model");
    }
}
