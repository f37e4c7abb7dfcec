package dev.vigil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `vigil eval` on datasets made from the shared photos, with the real models. */
class EvalCommandTest {

    @TempDir
    Path tmp;

    static CliTest.Run eval(String... args) {
        List<String> a = new ArrayList<>(List.of("eval", "--mirror", TestData.shared().toString()));
        if (!List.of(args).contains("--power")) a.addAll(List.of("--power", "off"));
        a.addAll(List.of(args));
        return CliTest.run(a.toArray(String[]::new));
    }

    static JsonNode json(CliTest.Run r) throws Exception {
        assertEquals(1, r.out().lines().count(), r.out() + r.err());
        return new ObjectMapper().readTree(r.out());
    }

    /** Folder name -> shared photos; what the classifier makes of each photo is in the comments. */
    static final Map<String, List<String>> CLASSES = Map.of(
            "Egyptian_cat", List.of("cat.bmp", "chelsea.png"),        // both top-1
            "hotdog", List.of("hot_dog.jpg"),                          // top-1 (a synonym of "hotdog, hot dog, red hot")
            "military uniform", List.of("grace_hopper.bmp"),           // top-1
            "palace", List.of("empty_street.jpg"),                     // top-1
            "Tibetan-terrier", List.of("dog.bmp"),                     // top-1
            "seashore", List.of("kite_and_cold.jpg"),                  // second after sandbar: top-5 only
            "ram", List.of("person_dog_horse.jpg"),                    // second after llama: top-5 only
            "person", List.of("astronaut.png"));                       // no ImageNet label: a miss, and a warning

    @Test
    void classificationAccuracyOnALabelledFolderOfTheSharedPhotos() throws Exception {
        Path ds = tmp.resolve("photos");
        for (var e : CLASSES.entrySet()) {
            Files.createDirectories(ds.resolve(e.getKey()));
            for (String f : e.getValue()) Files.copy(TestData.image(f), ds.resolve(e.getKey()).resolve(f));
        }
        Path report = tmp.resolve("out/report.html");
        CliTest.Run r = eval("--dataset", ds.toString(), "--json", "--report", report.toString(), "--power", "estimate");
        assertEquals(0, r.code(), r.err());
        JsonNode m = json(r).get("models").get(0);
        assertEquals("mobilenet_v2_quant", m.get("model").asText());
        assertEquals(9, m.get("images_evaluated").asInt());
        assertEquals(6.0 / 9, m.get("top1").asDouble(), 1e-4);
        assertEquals(8.0 / 9, m.get("top5").asDouble(), 1e-4);
        assertTrue(r.err().contains("class folder 'person' is not among the model's 1001 labels"), r.err());
        List<String> classes = new ArrayList<>();
        m.get("classes").forEach(c -> classes.add(c.get("class").asText()));
        assertEquals(CLASSES.keySet().stream().sorted().toList(), classes);
        JsonNode cat = m.get("classes").get(classes.indexOf("Egyptian_cat"));
        assertEquals(1.0, cat.get("precision").asDouble());
        assertEquals(1.0, cat.get("recall").asDouble());
        assertEquals(0.0, m.get("classes").get(classes.indexOf("seashore")).get("recall").asDouble());
        assertTrue(m.get("classes").get(classes.indexOf("seashore")).get("precision").isNull()); // never predicted
        // Confusion: the diagonal holds the six hits; the misses went to labels outside the dataset ("other").
        JsonNode conf = m.get("confusion");
        int diagonal = 0, other = 0;
        for (int k = 0; k < classes.size(); k++) {
            diagonal += conf.get(k).get(k).asInt();
            other += conf.get(k).get(classes.size()).asInt();
        }
        assertEquals(6, diagonal);
        assertEquals(3, other);
        assertTrue(m.get("parameters").asLong() > 3_400_000 && m.get("parameters").asLong() < 3_600_000, m.toString());
        // The estimate lies between its idle and busy watts (3 and 7 W) times the run's time per image.
        assertEquals("estimate", m.get("energy_source").asText());
        double perImage = 1 / m.get("fps").asDouble();
        double joules = m.get("energy_per_inference_joules").asDouble();
        assertTrue(joules >= 3 * perImage * 0.9 && joules <= 7 * perImage * 1.5, // the sampled window is a little longer than the timed one
                joules + " J, " + perImage + " s per image");
        assertTrue(m.get("invoke_median_ms").asDouble() > 0 && m.get("invoke_p99_ms").asDouble() >= m.get("invoke_median_ms").asDouble());

        String html = Files.readString(report);
        assertTrue(html.contains("<svg") && html.contains("confusion matrix"), "confusion matrix drawn");
        assertTrue(html.contains("src='data:image/jpeg;base64,"), "worst misses with thumbnails");
        assertTrue(html.contains("is seashore, seen as sandbar, sand bar"), "a miss captioned");
        assertFalse(html.contains("http:") || html.contains("https:") || html.contains("<script"), "self-contained, nothing fetched");
    }

    @Test
    void aClassifierOnABoxDatasetIsOneLine() throws Exception {
        Path ds = writeCoco(List.of(), "instances.json");
        CliTest.Run r = eval("--model", "mobilenet_v2_quant", "--dataset", ds.toString());
        assertEquals(Main.EXIT_USAGE, r.code());
        assertEquals(1, r.err().lines().filter(l -> l.startsWith("vigil:")).count(), r.err());
        assertTrue(r.err().contains("is a classifier") && r.err().contains("give a folder of class folders"), r.err());
    }

    @Test
    void badDatasetsAreOneLineNamingTheFileAndTheFix() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        CliTest.Run r = eval("--dataset", empty.toString());
        assertEquals(Main.EXIT_USAGE, r.code());
        assertEquals("vigil: " + empty + ": no dataset found (no COCO .json, no Pascal VOC .xml, no class folders with images);"
                + " put images in one folder per class, or give the annotation file", r.err().strip());

        Path json = tmp.resolve("bad.json");
        Files.writeString(json, "{\"images\": [{\"id\": 1, \"file_name\": \"a.jpg\"}], \"annotations\": [{\"id\": 4, \"image_id\": 1, "
                + "\"category_id\": 9, \"bbox\": [1, 2, 3, 4]}], \"categories\": [{\"id\": 1, \"name\": \"person\"}]}");
        r = eval("--dataset", json.toString());
        assertEquals("vigil: " + json + ": annotations[id=4] names category_id 9, which categories does not list", r.err().strip());

        Files.writeString(json, "{\"images\": [{\"id\": 1, \"file_name\": \"a.jpg\"}], \"annotations\": [], \"categories\": []}");
        r = eval("--dataset", json.toString());
        assertEquals("vigil: " + json + ": 1 of 1 images not found, the first " + tmp.resolve("a.jpg")
                + " (file_name is looked up beside the .json and in images/ beside it); put the images there", r.err().strip());

        Path voc = Files.createDirectories(tmp.resolve("voc/Annotations"));
        Files.writeString(voc.resolve("a.xml"), "<annotation><filename>a.jpg</filename><object><name>dog</name>"
                + "<bndbox><xmin>1</xmin><ymin>x</ymin><xmax>5</xmax><ymax>5</ymax></bndbox></object></annotation>");
        r = eval("--dataset", tmp.resolve("voc").toString());
        assertEquals("vigil: " + voc.resolve("a.xml") + ": <ymin> is 'x', not a number; fix the file", r.err().strip());
    }

    static final List<String> DETECTED = List.of("person_dog_horse.jpg", "dog_bicycle_car.jpg", "cat.bmp", "kite_and_cold.jpg", "empty_street.jpg");

    /**
     * The ground truth is what the detector itself finds at 0.5 or more (boxes in pixels from `vigil detect`), plus
     * one dog where there is none: every category then has AP 1 but dog, whose one missed box of k+1 caps its
     * precision at recall k/(k+1). Only a right chain (boxes scaled to each image's pixels, labels matched to
     * categories, images found beside the annotation file) gives these numbers.
     */
    @Test
    void detectionMapOnACocoDatasetTheTestWrites() throws Exception {
        List<String> paths = DETECTED.stream().map(f -> TestData.image(f).toString()).toList();
        List<String> args = new ArrayList<>(List.of("detect", "--mirror", TestData.shared().toString(), "--min-score", "0.5", "--json"));
        args.addAll(paths);
        CliTest.Run d = CliTest.run(args.toArray(String[]::new));
        assertEquals(0, d.code(), d.err());
        List<Object[]> boxes = new ArrayList<>();
        java.util.Map<String, Integer> truths = new java.util.TreeMap<>();
        for (JsonNode line : d.lines()) {
            String file = Path.of(line.get("image").asText()).getFileName().toString();
            int[] wh = size(file);
            for (JsonNode det : line.get("detections")) {
                JsonNode b = det.get("box");
                double x0 = b.get(0).asDouble() * wh[0], y0 = b.get(1).asDouble() * wh[1];
                boxes.add(new Object[] {file, det.get("label").asText(), x0, y0, b.get(2).asDouble() * wh[0] - x0, b.get(3).asDouble() * wh[1] - y0});
                truths.merge(det.get("label").asText(), 1, Integer::sum);
            }
        }
        int dogs = truths.getOrDefault("dog", 0);
        assertTrue(dogs >= 1 && truths.containsKey("person") && truths.containsKey("cat"), truths.toString());
        boxes.add(new Object[] {"empty_street.jpg", "dog", 20.0, 300.0, 80.0, 60.0});
        truths.merge("dog", 1, Integer::sum);
        Path json = writeCoco(boxes, "instances_test.json");
        Path config = tmp.resolve("vigil.yaml");
        Files.writeString(config, """
                cameras:
                  door:
                    source: { folder: door }
                    groups:
                      people: { labels: [person], min_score: 0.6 }
                      animals: { labels: [dog, cat, sheep], min_score: 0.5 }
                """);
        Path report = tmp.resolve("detect.html");
        CliTest.Run r = eval("--dataset", json.getParent().toString(), "--config", config.toString(), "--json",
                "--compare", "ssd_mobilenet_v2_oidv4", "--report", report.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode m = json(r).get("models").get(0);
        assertEquals("ssd_mobilenet_v1_coco_quant", m.get("model").asText());
        double dogAp = 0;
        for (int i = 0; i <= 100; i++) if (i * 0.01 <= dogs / (dogs + 1.0)) dogAp += 1.0 / 101;
        for (JsonNode c : m.get("classes")) {
            String name = c.get("class").asText();
            if (!truths.containsKey(name)) {
                assertTrue(c.get("ap").isNull(), name + " has no ground truth: no AP");
                continue;
            }
            assertEquals(name.equals("dog") ? dogAp : 1.0, c.get("ap50").asDouble(), 1e-4, name);
        }
        assertEquals((truths.size() - 1 + dogAp) / truths.size(), m.get("map50").asDouble(), 1e-4);
        assertTrue(r.err().contains("category 'unicorn' is not among the model's"), r.err());
        JsonNode people = m.get("operating_points").get(0), animals = m.get("operating_points").get(1);
        assertEquals("people", people.get("group").asText());
        assertEquals(1.0, people.get("precision").asDouble());
        assertTrue(people.get("recall").asDouble() < 1.0, "the persons found at 0.5..0.6 are missed at 0.6");
        int animalTruths = truths.get("dog") + truths.getOrDefault("cat", 0) + truths.getOrDefault("sheep", 0);
        assertEquals((animalTruths - 1.0) / animalTruths, animals.get("recall").asDouble(), 1e-4);

        JsonNode oid = json(r).get("models").get(1);
        assertEquals("ssd_mobilenet_v2_oidv4", oid.get("model").asText()); // "Cat", "Person": labels match without case
        // Both take 300x300: the second model's images come from the first one's decode, in memory.
        assertEquals(DETECTED.size(), m.get("images_decoded").asInt());
        assertEquals(0, oid.get("images_decoded").asInt());
        assertEquals(DETECTED.size(), oid.get("images_from_memory_cache").asInt());
        assertTrue(oid.get("map50").asDouble() > 0.05 && oid.get("map50").asDouble() < 1.0, oid.toString());
        String html = Files.readString(report);
        assertTrue(html.contains("<th>ssd_mobilenet_v1_coco_quant</th><th>ssd_mobilenet_v2_oidv4</th>"), "side by side");
        assertTrue(html.contains("aria-label='person'") && html.contains("<polyline"), "a PR curve per class");
        assertFalse(html.contains("http:") || html.contains("https:"), "self-contained");

        // The same boxes as a Pascal VOC folder (1-based inclusive pixels, rounded): the same mAP@0.5.
        Path voc = Files.createDirectories(tmp.resolve("voc/Annotations"));
        Files.createDirectories(tmp.resolve("voc/JPEGImages"));
        for (String f : DETECTED) {
            Files.copy(TestData.image(f), tmp.resolve("voc/JPEGImages").resolve(f));
            StringBuilder x = new StringBuilder("<annotation><filename>" + f + "</filename>");
            for (Object[] b : boxes) {
                if (!b[0].equals(f)) continue;
                double bx = (double) b[2], by = (double) b[3];
                x.append("<object><name>").append(b[1]).append("</name><difficult>0</difficult><bndbox><xmin>").append(Math.round(bx) + 1)
                        .append("</xmin><ymin>").append(Math.round(by) + 1).append("</ymin><xmax>").append(Math.round(bx + (double) b[4]))
                        .append("</xmax><ymax>").append(Math.round(by + (double) b[5])).append("</ymax></bndbox></object>");
            }
            Files.writeString(voc.resolve(f.replaceAll("\\.\\w+$", ".xml")), x.append("</annotation>"));
        }
        CliTest.Run v = eval("--dataset", tmp.resolve("voc").toString(), "--json");
        assertEquals(0, v.code(), v.err());
        JsonNode vm = json(v).get("models").get(0);
        assertEquals((truths.size() - 1 + dogAp) / truths.size(), vm.get("map50").asDouble(), 1e-4);
    }

    static int[] size(String file) {
        var img = TestData.read(file);
        try (img) {
            return new int[] {img.cols(), img.rows()};
        }
    }

    /** Images of the shared photos and a COCO file naming them, under tmp/coco; boxes as [file, category, x, y, w, h]. */
    Path writeCoco(List<Object[]> boxes, String name) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("coco/images"));
        var m = new ObjectMapper();
        var root = m.createObjectNode();
        var images = root.putArray("images");
        List<String> files = DETECTED;
        for (int i = 0; i < files.size(); i++) {
            Files.copy(TestData.image(files.get(i)), dir.resolve(files.get(i)));
            images.addObject().put("id", 10 + i).put("file_name", files.get(i));
        }
        List<String> cats = List.of("person", "sheep", "bicycle", "car", "dog", "cat", "kite", "horse", "unicorn");
        var cs = root.putArray("categories");
        for (int i = 0; i < cats.size(); i++) cs.addObject().put("id", 100 + i).put("name", cats.get(i));
        var anns = root.putArray("annotations");
        for (Object[] b : boxes) {
            var a = anns.addObject().put("id", anns.size() + 1).put("image_id", 10 + files.indexOf((String) b[0]))
                    .put("category_id", 100 + cats.indexOf((String) b[1])).put("iscrowd", 0);
            var bb = a.putArray("bbox");
            for (int k = 2; k < 6; k++) bb.add((double) b[k]);
        }
        Path json = tmp.resolve("coco").resolve(name);
        m.writeValue(json.toFile(), root);
        return json;
    }

    @Test
    void evalLeavesACoreToDecodingWhereTheInferenceThreadsWouldTakeThemAllUnlessThreadsAreGiven() {
        org.junit.jupiter.api.Assertions.assertEquals(1, EvalCommand.inferenceThreads(2, 2, false), "2 cores: 1 infers, 1 decodes");
        org.junit.jupiter.api.Assertions.assertEquals(2, EvalCommand.inferenceThreads(2, 2, true), "--threads 2 given: kept");
        org.junit.jupiter.api.Assertions.assertEquals(2, EvalCommand.inferenceThreads(2, 4, false), "a Pi's 4 cores: a core is free already");
        org.junit.jupiter.api.Assertions.assertEquals(3, EvalCommand.inferenceThreads(4, 4, false));
        org.junit.jupiter.api.Assertions.assertEquals(1, EvalCommand.inferenceThreads(1, 1, false), "one core: nothing to leave");
    }
}
