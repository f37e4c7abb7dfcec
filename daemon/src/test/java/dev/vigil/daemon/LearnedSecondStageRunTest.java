package dev.vigil.daemon;

import static org.bytedeco.opencv.global.opencv_core.flip;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.SecondStageConfig;
import dev.vigil.events.Event;
import dev.vigil.inference.EngineOptions;
import dev.vigil.learn.Head;
import dev.vigil.learn.Learner;
import dev.vigil.model.ModelStore;
import dev.vigil.pipeline.Analyzer;
import dev.vigil.pipeline.ModelSpec;
import dev.vigil.pipeline.SecondStage;
import dev.vigil.postprocess.Detection;
import dev.vigil.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loop's second half on the shared photos: a person names each animal the detector boxed (dog.bmp's dog {@code rex},
 * dog_bicycle_car's {@code max}, cat.bmp's cat {@code tom}, chelsea's {@code chelsea}) on jittered copies of the photos,
 * {@code vigil learn --crops} learns those names from the boxes, and a daemon whose camera runs the detector with the
 * learned model as its second stage gives each animal its name, which a group's {@code sub_labels} then selects.
 *
 * <p>The shared set has one photo per animal (person_dog_horse's dog scores under 0.5), too few to hold whole photos
 * out: learning a dog from dog.bmp alone names dog_bicycle_car's dog {@code tom} (measured: 0 of 30 crops right), so
 * the held-out crops here are other cuts of the same photos, made with a jitter training never used (the box itself
 * moved, another seed), and the replayed photos are the originals, uncut, which no training image is.
 */
class LearnedSecondStageRunTest {

    @TempDir
    Path tmp;

    final String name = "pets-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    static final float MARGIN = SecondStageConfig.DEFAULT_MARGIN;
    static final Set<String> ANIMALS = Set.of("dog", "cat");
    static final Map<String, String> NAMES = Map.of("dog.bmp", "rex", "dog_bicycle_car.jpg", "max", "cat.bmp", "tom", "chelsea.png", "chelsea");

    @AfterEach
    void removeLearnedModel() throws Exception {
        Path dir = ModelStore.fromEnvironment().learnedDir().resolve(name);
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    /** The detector's dog and cat boxes of a photo (score >= 0.5), as the daemon's camera would see them. */
    static List<Detection> animals(Analyzer detector, Mat photo) {
        detector.analyze(photo, 0.5f);
        var d = detector.detections();
        List<Detection> out = new ArrayList<>();
        for (int i = 0; i < d.count(); i++) {
            String label = detector.label(d.classIndex(i));
            if (ANIMALS.contains(label))
                out.add(new Detection(label, d.classIndex(i), d.score(i), new float[] {d.xmin(i), d.ymin(i), d.xmax(i), d.ymax(i)}));
        }
        return out;
    }

    /** A copy of {@code photo} cut to a random window (75..100% of each side), maybe mirrored, lighter or darker; {@code box} follows. */
    record Jittered(Mat image, float[] box) {}

    static Jittered jitter(Mat photo, float[] box, Random r) {
        return jitter(photo, box, r, 0);
    }

    /** {@code moveBox}: each edge of the box moved by up to this share of its size, as another detector's box would be. */
    static Jittered jitter(Mat photo, float[] box, Random r, float moveBox) {
        float bw = box[2] - box[0], bh = box[3] - box[1];
        box = new float[] {clamp(box[0] + bw * moveBox * (2 * r.nextFloat() - 1)), clamp(box[1] + bh * moveBox * (2 * r.nextFloat() - 1)),
                clamp(box[2] + bw * moveBox * (2 * r.nextFloat() - 1)), clamp(box[3] + bh * moveBox * (2 * r.nextFloat() - 1))};
        int w = photo.cols(), h = photo.rows();
        int ww = (int) (w * (0.75 + 0.25 * r.nextDouble())), wh = (int) (h * (0.75 + 0.25 * r.nextDouble()));
        int x0 = r.nextInt(w - ww + 1), y0 = r.nextInt(h - wh + 1);
        Mat out = new Mat();
        try (Rect rect = new Rect(x0, y0, ww, wh); Mat window = new Mat(photo, rect)) {
            window.convertTo(out, -1, 0.8 + 0.4 * r.nextDouble(), -20 + 40 * r.nextDouble());
        }
        float[] b = {clamp((box[0] * w - x0) / ww), clamp((box[1] * h - y0) / wh), clamp((box[2] * w - x0) / ww), clamp((box[3] * h - y0) / wh)};
        if (r.nextBoolean()) {
            flip(out, out, 1);
            b = new float[] {1 - b[2], b[1], 1 - b[0], b[3]};
        }
        return new Jittered(out, b);
    }

    static float clamp(float v) { return Math.clamp(v, 0f, 1f); }

    @Test
    void eachAnimalTheDetectorBoxesGetsItsLearnedNameOnUnseenCropsAndInTheDaemonsEvents() throws Exception {
        Analyzer.Options opts = Analyzer.Options.defaults(2);
        ModelStore store = ModelStore.fromEnvironment();
        Map<String, List<Detection>> found = new LinkedHashMap<>();
        try (Analyzer detector = Analyzer.open(ModelSpec.of(store.resolve("ssd_mobilenet_v1_coco_quant")), opts)) {
            for (String p : List.of("dog.bmp", "cat.bmp", "chelsea.png", "dog_bicycle_car.jpg", "person_dog_horse.jpg")) {
                try (Mat m = TestData.read(p)) {
                    found.put(p, animals(detector, m));
                }
            }
        }
        // What the detector finds, pinned: the test below relies on one animal per photo (person_dog_horse's dog scores under 0.5).
        Map<String, List<String>> labels = found.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                e -> e.getValue().stream().map(Detection::label).toList()));
        assertEquals(Map.of("dog.bmp", List.of("dog"), "cat.bmp", List.of("cat"), "chelsea.png", List.of("cat"),
                "dog_bicycle_car.jpg", List.of("dog"), "person_dog_horse.jpg", List.of()), labels);

        // 25 jittered copies of each photo, its box labelled with the animal's name: a COCO dataset of 100 crops.
        Path coco = Files.createDirectories(tmp.resolve("coco"));
        ObjectMapper json = new ObjectMapper();
        ObjectNode doc = json.createObjectNode();
        ArrayNode images = doc.putArray("images"), anns = doc.putArray("annotations"), cats = doc.putArray("categories");
        List<String> photos = List.of("dog.bmp", "dog_bicycle_car.jpg", "cat.bmp", "chelsea.png"); // a fixed order: the same jitter every run
        List<String> names = photos.stream().map(NAMES::get).sorted().toList();
        for (int c = 0; c < names.size(); c++) cats.addObject().put("id", c + 1).put("name", names.get(c));
        Random r = new Random(13);
        int id = 0;
        for (String p : photos) {
            Detection animal = found.get(p).getFirst();
            try (Mat photo = TestData.read(p)) {
                for (int k = 0; k < 25; k++) {
                    Jittered j = jitter(photo, animal.box(), r);
                    try (Mat img = j.image()) {
                        String file = p.replace('.', '_') + "-" + k + ".jpg";
                        assertTrue(imwrite(coco.resolve(file).toString(), img));
                        id++;
                        images.addObject().put("id", id).put("file_name", file).put("width", img.cols()).put("height", img.rows());
                        float[] b = j.box();
                        anns.addObject().put("id", id).put("image_id", id).put("category_id", names.indexOf(NAMES.get(p)) + 1)
                                .putArray("bbox").add(b[0] * img.cols()).add(b[1] * img.rows()).add((b[2] - b[0]) * img.cols()).add((b[3] - b[1]) * img.rows());
                    }
                }
            }
        }
        json.writeValue(coco.resolve("_annotations.coco.json").toFile(), doc);

        Learner.Result learned = Learner.learn(store, new Learner.Options(name, coco, Learner.DEFAULT_BASE, null, "tflite",
                EngineOptions.cpu(2), 0.2, true, new Learner.Crops(MARGIN, Set.of())));
        assertEquals(100, learned.examples());
        assertEquals(List.of("chelsea", "max", "rex", "tom"), learned.model().head().labels());
        System.out.printf(Locale.ROOT, "learned from 100 crops: embeddings %.2f s, fit imprinting %.3f s, softmax %.3f s; %s%n",
                learned.embedNanos() / 1e9, learned.fitNanos().get(Head.Kind.IMPRINTING) / 1e9, learned.fitNanos().get(Head.Kind.SOFTMAX) / 1e9, learned.why());

        // Crops training never saw (the box moved by up to 15% per edge, another seed), through the second stage's own crop path.
        r = new Random(31);
        int right = 0, all = 0;
        try (SecondStage second = new SecondStage(new SecondStageConfig(name, Set.of("dog", "cat"), MARGIN, 5, 0f),
                Analyzer.open(ModelSpec.of(store.resolve(name)), opts))) {
            for (String p : photos) {
                Detection animal = found.get(p).getFirst();
                try (Mat photo = TestData.read(p)) {
                    for (int k = 0; k < 15; k++) {
                        Jittered j = jitter(photo, animal.box(), r, 0.15f);
                        try (Mat img = j.image()) {
                            List<Detection> ds = new ArrayList<>(List.of(new Detection(animal.label(), animal.index(), animal.score(), j.box())));
                            second.apply(img, ds);
                            all++;
                            if (ds.getFirst().sub() != null && ds.getFirst().sub().name().equals(NAMES.get(p))) right++;
                        }
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "held-out crops named right: %d of %d (%.1f%%)%n", right, all, 100.0 * right / all);
        assertTrue(right >= 0.9 * all, right + " of " + all + " held-out crops got their animal's learned name");

        // The daemon: detector, the learned model as its second stage, the original photos replayed once.
        Path folder = Files.createDirectories(tmp.resolve("photos"));
        for (String p : photos) Files.copy(TestData.image(p), folder.resolve(p));
        Path file = Files.writeString(tmp.resolve("pets.yaml"), """
                model: ssd_mobilenet_v1_coco_quant
                threads: 1
                http: { listen: "127.0.0.1:0" }
                events: { dir: %s }
                cameras:
                  yard:
                    source: { folder: %s, fps: 20, loop: false }
                    groups:
                      pet: { labels: [dog, cat], min_score: 0.5 }
                      tom: { labels: [dog, cat], min_score: 0.5, sub_labels: [tom], sub_label_min_score: 0.5 }
                    second_stage: { model: %s, labels: [dog, cat], margin: %s }
                    confirm: { frames: 1, of: 1 }
                    tracking: false
                """.formatted(tmp.resolve("events"), folder, name, MARGIN));
        try (Vigil v = Wiring.start(ConfigLoader.load(file), Wiring.Parts.forTest(store).withOnce(true).withHttp(false))) {
            assertTrue(v.awaitStopped(Duration.ofSeconds(90)));
        }
        List<Event> events = Files.readAllLines(tmp.resolve("events/events.jsonl")).stream().map(Event::fromJson).toList();
        Map<String, List<String>> byPhoto = events.stream().collect(Collectors.groupingBy(Event::sourceRef,
                Collectors.mapping(e -> e.group() + "=" + e.subLabel(), Collectors.toList())));
        assertEquals(Map.of("dog.bmp", List.of("pet=rex"), "dog_bicycle_car.jpg", List.of("pet=max"), "cat.bmp", List.of("pet=tom", "tom=tom"),
                "chelsea.png", List.of("pet=chelsea")), byPhoto);
    }
}
