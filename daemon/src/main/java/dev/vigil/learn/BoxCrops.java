package dev.vigil.learn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.events.EventFiles;
import dev.vigil.sampling.Sample;
import dev.vigil.sampling.SampleStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The boxes of a dataset as training items, for a classifier stage after a detector: the labelled boxes of a sample
 * store, or the annotations of a COCO file ({@code _annotations.coco.json}, as {@code vigil dataset export --format coco}
 * and labelling tools write it, or an export's root with one per split folder; annotations with a {@code score} are
 * predictions and are left out). The source names the margin, so the head file says how its crops were cut. The class is the
 * box's label as a person gave it (a dog's box labelled {@code rex} teaches {@code rex}).
 */
final class BoxCrops {

    static final String COCO = "_annotations.coco.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private BoxCrops() {}

    static TrainingSet.Read read(Path dataset, Learner.Crops crops) {
        if (!Files.exists(dataset))
            throw new IllegalArgumentException("dataset " + dataset + " does not exist; with --crops give a sample store (sampling.dir) or a COCO dataset (" + COCO + ")");
        try {
            if (Files.isDirectory(dataset.resolve("samples"))) return store(dataset, crops);
            Path coco = Files.isDirectory(dataset) ? dataset.resolve(COCO) : dataset;
            if (Files.isRegularFile(coco) && coco.getFileName().toString().endsWith(".json")) return coco(List.of(coco), crops, coco);
            if (Files.isDirectory(dataset)) { // an export's root: a COCO file per split folder
                List<Path> splits;
                try (var s = Files.list(dataset)) {
                    splits = s.map(d -> d.resolve(COCO)).filter(Files::isRegularFile).sorted().toList();
                }
                if (!splits.isEmpty()) return coco(splits, crops, dataset);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("dataset " + dataset + " cannot be read: " + e.getMessage());
        }
        throw new IllegalArgumentException("dataset " + dataset + " has no boxes to crop; with --crops give a sample store (sampling.dir)"
                + " or a COCO dataset (a folder with " + COCO + "); an image folder per class is learned without --crops");
    }

    private static TrainingSet.Read store(Path dir, Learner.Crops crops) throws IOException {
        SampleStore store = SampleStore.open(dir, Long.MAX_VALUE, EventFiles.local());
        List<TrainingSet.Item> items = new ArrayList<>();
        int skipped = 0;
        for (Sample s : store.list()) {
            if (!s.labelled()) continue;
            int before = items.size();
            for (Sample.Box b : s.labels())
                if (b.box() != null && crops.wants(b.label())) items.add(item(s.id(), b.label(), store.jpeg(s.id()), b.box(), crops));
            if (items.size() == before) skipped++;
        }
        return new TrainingSet.Read(List.copyOf(items), "box crops (margin " + crops.margin() + ") of sample store " + dir.toAbsolutePath(), skipped);
    }

    private static TrainingSet.Read coco(List<Path> files, Learner.Crops crops, Path source) throws IOException {
        List<TrainingSet.Item> items = new ArrayList<>();
        int skipped = 0;
        for (Path f : files) skipped += coco(f, crops, items);
        return new TrainingSet.Read(List.copyOf(items), "box crops (margin " + crops.margin() + ") of COCO " + source.toAbsolutePath(), skipped);
    }

    /** Adds the file's labelled boxes to {@code items}; returns how many annotations had no usable box. */
    private static int coco(Path file, Learner.Crops crops, List<TrainingSet.Item> items) throws IOException {
        JsonNode doc = JSON.readTree(file.toFile());
        if (doc == null || !doc.path("images").isArray() || !doc.path("annotations").isArray() || !doc.path("categories").isArray())
            throw new IOException(file + " is not a COCO file (it needs images, annotations and categories)");
        Map<Long, String> names = new HashMap<>();
        for (JsonNode c : doc.get("categories")) names.put(c.path("id").asLong(), c.path("name").asText());
        Map<Long, JsonNode> images = new HashMap<>();
        for (JsonNode i : doc.get("images")) images.put(i.path("id").asLong(), i);
        int skipped = 0;
        for (JsonNode a : doc.get("annotations")) {
            if (a.has("score")) continue; // a prediction, not a label
            JsonNode img = images.get(a.path("image_id").asLong()), b = a.path("bbox");
            String label = names.get(a.path("category_id").asLong());
            if (img == null || label == null)
                throw new IOException(file + ": annotation " + a.path("id").asText() + " names no " + (img == null ? "image" : "category") + " of the file");
            double w = img.path("width").asDouble(0), h = img.path("height").asDouble(0);
            if (!b.isArray() || b.size() != 4 || w <= 0 || h <= 0) {
                skipped++;
                continue;
            }
            if (!crops.wants(label)) continue;
            double x = b.get(0).asDouble(), y = b.get(1).asDouble();
            double[] box = {x / w, y / h, (x + b.get(2).asDouble()) / w, (y + b.get(3).asDouble()) / h};
            String fileName = img.path("file_name").asText();
            items.add(item(fileName, label, file.resolveSibling(fileName), box, crops));
        }
        return skipped;
    }

    /** The key names the image, the box and the margin: a crop taken with another margin is another example. */
    private static TrainingSet.Item item(String image, String label, Path jpeg, double[] box, Learner.Crops crops) {
        String key = String.format(Locale.ROOT, "%s#%.4f,%.4f,%.4f,%.4f@%.3f", image, box[0], box[1], box[2], box[3], crops.margin());
        return new TrainingSet.Item(key, label, jpeg, box.clone());
    }
}
