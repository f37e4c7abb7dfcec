package dev.vigil.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.vigil.cli.Main;
import dev.vigil.events.EventFiles;
import dev.vigil.sampling.Sample;
import dev.vigil.sampling.SampleStore;
import dev.vigil.testing.TestData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import picocli.CommandLine;

/** Exports of a store through `vigil dataset`: COCO loads and its boxes lie in their images, VOC and YOLO are well formed, labels come back. */
class DatasetExportTest {

    @TempDir
    Path tmp;

    static final ObjectMapper JSON = new ObjectMapper();
    SampleStore store;
    final List<String> ids = new ArrayList<>();

    @BeforeEach
    void fill() throws Exception {
        store = SampleStore.open(tmp.resolve("ds"), Long.MAX_VALUE, EventFiles.local());
        byte[] jpeg = Files.readAllBytes(TestData.image("dog_bicycle_car.jpg"));
        Instant t = Instant.parse("2026-11-21T08:00:00Z");
        for (int i = 0; i < 12; i++) {
            List<Sample.Box> pred = List.of(new Sample.Box("dog", 0.55, new double[] {0.1, 0.3, 0.45, 0.95}),
                    new Sample.Box("bicycle", 0.62, new double[] {-0.02, 0.2, 0.8, 1.01})); // a model's box may poke out
            Sample s = new Sample(Sample.id(t.plusSeconds(i), "door", Integer.toString(i + 1)), t.plusSeconds(i), "door", "p" + i + ".jpg",
                    "near_threshold", List.of("near_threshold"), "ssd", "b".repeat(64), "detector", 768, 576, pred,
                    i == 0 ? List.of(new Sample.Box("dog", 1, new double[] {0.12, 0.31, 0.44, 0.9})) : null, null, null, i);
            store.add(s, jpeg);
            ids.add(s.id());
        }
        for (int i = 0; i < 4; i++) {
            Sample s = new Sample(Sample.id(t.plusSeconds(100 + i), "belt", Integer.toString(i + 1)), t.plusSeconds(100 + i), "belt", "x",
                    "qc", List.of("qc"), "mobilenet", "c".repeat(64), "classifier", 768, 576,
                    List.of(new Sample.Box(i % 2 == 0 ? "hotdog, hot dog, red hot" : "pizza", 0.5, null)), null, null, null, 100 + i);
            store.add(s, jpeg);
        }
    }

    String vigil(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        assertEquals(0, code, err.toString());
        return out.toString();
    }

    @Test
    void cocoLoadsEveryBoxLiesInItsImageAndPreLabelsCarryTheirScore() throws Exception {
        String said = vigil("dataset", "export", "--dir", tmp.resolve("ds").toString(), "--format", "coco", "--out", tmp.resolve("coco").toString());
        assertTrue(said.startsWith("16 sample(s) exported as coco"), said);
        int images = 0;
        for (String split : List.of("train", "val")) {
            JsonNode doc = JSON.readTree(tmp.resolve("coco/" + split + "/_annotations.coco.json").toFile());
            Map<Long, JsonNode> byId = new HashMap<>();
            for (JsonNode img : doc.get("images")) {
                byId.put(img.get("id").asLong(), img);
                assertTrue(Files.isRegularFile(tmp.resolve("coco").resolve(split).resolve(img.get("file_name").asText())), img.toString());
                images++;
            }
            List<Long> categories = new ArrayList<>();
            doc.get("categories").forEach(c -> categories.add(c.get("id").asLong()));
            for (JsonNode a : doc.get("annotations")) {
                JsonNode img = byId.get(a.get("image_id").asLong());
                assertTrue(img != null && categories.contains(a.get("category_id").asLong()), a.toString());
                double x = a.at("/bbox/0").asDouble(), y = a.at("/bbox/1").asDouble(), w = a.at("/bbox/2").asDouble(), h = a.at("/bbox/3").asDouble();
                assertTrue(x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= img.get("width").asDouble() + 1e-9
                        && y + h <= img.get("height").asDouble() + 1e-9, "box outside its image: " + a);
                assertEquals(!img.get("labelled").asBoolean(), a.has("score"), "pre-labels have a score, labels none: " + a);
            }
            // vigil eval reads the split as a COCO dataset: the same images and boxes.
            var ds = (dev.vigil.eval.Dataset.Detection) dev.vigil.eval.Datasets.open(tmp.resolve("coco").resolve(split));
            assertEquals(doc.get("images").size(), ds.images().size());
            assertEquals(doc.get("annotations").size(), ds.truths().size());
            dev.vigil.eval.Datasets.checkFiles(ds);
        }
        assertEquals(16, images);
    }

    @Test
    void theSplitOfASampleIsTheSameInEveryExport() throws Exception {
        vigil("dataset", "export", "--dir", tmp.resolve("ds").toString(), "--format", "yolo", "--out", tmp.resolve("a").toString(), "--val", "0.5");
        store.delete(ids.get(3));
        vigil("dataset", "export", "--dir", tmp.resolve("ds").toString(), "--format", "yolo", "--out", tmp.resolve("b").toString(), "--camera", "door", "--val", "0.5");
        for (String id : ids) {
            if (id.equals(ids.get(3))) continue;
            String split = Split.of(id, 0.5);
            assertTrue(Files.exists(tmp.resolve("a/images/" + split + "/" + id + ".jpg")) && Files.exists(tmp.resolve("b/images/" + split + "/" + id + ".jpg")), id);
        }
        long val = ids.stream().filter(id -> Split.of(id, 0.5).equals("val")).count();
        assertTrue(val > 0 && val < ids.size(), "both splits hold samples: " + val);
    }

    @Test
    void yoloAndVocAreWellFormed() throws Exception {
        vigil("dataset", "export", "--dir", tmp.resolve("ds").toString(), "--format", "yolo", "--out", tmp.resolve("yolo").toString(), "--camera", "door");
        JsonNode data = new YAMLMapper().readTree(tmp.resolve("yolo/data.yaml").toFile());
        int classes = data.get("names").size();
        assertEquals(List.of("bicycle", "dog"), List.of(data.at("/names/0").asText(), data.at("/names/1").asText()));
        try (Stream<Path> files = Files.walk(tmp.resolve("yolo/labels"))) {
            List<Path> txt = files.filter(p -> p.toString().endsWith(".txt")).toList();
            assertEquals(12, txt.size());
            for (Path p : txt) {
                for (String line : Files.readAllLines(p)) {
                    String[] f = line.split(" ");
                    assertTrue(f.length == 5 || f.length == 6, line);
                    assertTrue(Integer.parseInt(f[0]) < classes, line);
                    for (int i = 1; i < f.length; i++) assertTrue(Double.parseDouble(f[i]) >= 0 && Double.parseDouble(f[i]) <= 1, line);
                    double cx = Double.parseDouble(f[1]), w = Double.parseDouble(f[3]);
                    assertTrue(cx - w / 2 >= -1e-6 && cx + w / 2 <= 1 + 1e-6, line);
                }
            }
        }
        vigil("dataset", "export", "--dir", tmp.resolve("ds").toString(), "--format", "voc", "--out", tmp.resolve("voc").toString(), "--camera", "door");
        List<String> sets = new ArrayList<>(Files.readAllLines(tmp.resolve("voc/ImageSets/Main/train.txt")));
        sets.addAll(Files.readAllLines(tmp.resolve("voc/ImageSets/Main/val.txt")));
        assertEquals(12, sets.size());
        for (String id : sets) {
            Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(tmp.resolve("voc/Annotations/" + id + ".xml").toFile());
            int width = Integer.parseInt(doc.getElementsByTagName("width").item(0).getTextContent());
            int height = Integer.parseInt(doc.getElementsByTagName("height").item(0).getTextContent());
            assertTrue(Files.isRegularFile(tmp.resolve("voc/JPEGImages/" + doc.getElementsByTagName("filename").item(0).getTextContent())));
            NodeList boxes = doc.getElementsByTagName("bndbox");
            assertTrue(boxes.getLength() > 0);
            for (int i = 0; i < boxes.getLength(); i++) {
                Element b = (Element) boxes.item(i);
                int x0 = num(b, "xmin"), y0 = num(b, "ymin"), x1 = num(b, "xmax"), y1 = num(b, "ymax");
                assertTrue(1 <= x0 && x0 < x1 && x1 <= width && 1 <= y0 && y0 < y1 && y1 <= height, id + " box " + i);
            }
        }
        vigil("dataset", "export", "--dir", tmp.resolve("ds").toString(), "--format", "folders", "--out", tmp.resolve("f").toString());
        try (Stream<Path> files = Files.walk(tmp.resolve("f"))) {
            List<String> classDirs = files.filter(p -> p.toString().endsWith(".jpg")).map(p -> p.getParent().getFileName().toString()).distinct().sorted().toList();
            assertEquals(List.of("hotdog, hot dog, red hot", "pizza"), classDirs);
        }
        for (String split : List.of("train", "val")) {
            if (!Files.isDirectory(tmp.resolve("f").resolve(split))) continue;
            var cls = (dev.vigil.eval.Dataset.Classification) dev.vigil.eval.Datasets.open(tmp.resolve("f").resolve(split));
            assertTrue(List.of("hotdog, hot dog, red hot", "pizza").containsAll(cls.classes()), cls.classes().toString());
        }
        var voc = (dev.vigil.eval.Dataset.Detection) dev.vigil.eval.Datasets.open(tmp.resolve("voc"));
        assertEquals(12, voc.images().size(), "vigil eval reads the VOC export");
    }

    static int num(Element e, String tag) { return Integer.parseInt(e.getElementsByTagName(tag).item(0).getTextContent()); }

    @Test
    void labelsMadeElsewhereComeBackThroughCocoImport() throws Exception {
        vigil("dataset", "export", "--dir", tmp.resolve("ds").toString(), "--format", "coco", "--out", tmp.resolve("coco").toString(), "--val", "0");
        Path file = tmp.resolve("coco/train/_annotations.coco.json");
        ObjectNode doc = (ObjectNode) JSON.readTree(file.toFile());
        JsonNode target = null;
        for (JsonNode img : doc.get("images")) if (img.get("vigil_id").asText().equals(ids.get(5))) target = img;
        long dog = 0;
        for (JsonNode c : doc.get("categories")) if (c.get("name").asText().equals("dog")) dog = c.get("id").asLong();
        // A labelling tool kept the model's dog, moved it, and dropped the bicycle: its own annotation has no score.
        ObjectNode a = ((ArrayNode) doc.get("annotations")).addObject().put("id", 9999).put("image_id", target.get("id").asLong())
                .put("category_id", dog).put("iscrowd", 0);
        a.putArray("bbox").add(76.8).add(172.8).add(307.2).add(288.0);
        JSON.writeValue(file.toFile(), doc);
        String said = vigil("dataset", "import", "--dir", tmp.resolve("ds").toString(), file.toString());
        assertTrue(said.startsWith("2 sample(s) labelled"), said); // the one labelled before keeps its label, now read back
        Sample s = store.get(ids.get(5));
        assertEquals(1, s.labels().size());
        assertEquals("dog", s.labels().getFirst().label());
        double[] box = s.labels().getFirst().box();
        double[] want = {0.1, 0.3, 0.5, 0.8};
        for (int i = 0; i < 4; i++) assertEquals(want[i], box[i], 1e-9);
        assertFalse(store.get(ids.get(6)).labelled(), "an image with only pre-labels stays unlabelled");
        assertTrue(vigil("dataset", "list", "--dir", tmp.resolve("ds").toString(), "--labelled").contains("2 sample(s)"));
        said = vigil("dataset", "prune", "--dir", tmp.resolve("ds").toString(), "--unlabelled", "--camera", "door");
        assertTrue(said.startsWith("deleted 10 sample(s); 6 left"), said);
    }
}
