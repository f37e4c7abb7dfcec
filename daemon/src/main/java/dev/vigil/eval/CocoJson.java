package dev.vigil.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.eval.Dataset.BadDatasetException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a COCO detection annotation file: {@code images} (id, file_name, width, height), {@code annotations}
 * (image_id, category_id, bbox [x, y, w, h] in pixels, area, iscrowd) and {@code categories} (id, name). An image's
 * file is looked up beside the JSON file, then in an {@code images/} folder beside it.
 */
final class CocoJson {

    private CocoJson() {}

    static boolean looksLikeCoco(JsonNode root) {
        return root.isObject() && root.path("images").isArray() && root.path("annotations").isArray() && root.path("categories").isArray();
    }

    static Dataset.Detection read(Path json) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json.toFile());
        } catch (IOException e) {
            throw new BadDatasetException(json + ": not readable JSON (" + firstLine(e.getMessage()) + "); give a COCO annotation file");
        }
        if (!looksLikeCoco(root))
            throw new BadDatasetException(json + ": not a COCO detection file (it needs the arrays images, annotations and categories)");
        Path dir = json.toAbsolutePath().getParent();
        List<Dataset.Detection.Image> images = new ArrayList<>();
        Set<Integer> imageIds = new HashSet<>();
        for (JsonNode i : root.get("images")) {
            int id = integer(json, i, "id", "images[]");
            String name = text(json, i, "file_name", "images[id=" + id + "]");
            Path file = dir.resolve(name);
            if (!Files.isRegularFile(file) && Files.isRegularFile(dir.resolve("images").resolve(name))) file = dir.resolve("images").resolve(name);
            images.add(new Dataset.Detection.Image(id, file, i.path("width").asInt(0), i.path("height").asInt(0)));
            if (!imageIds.add(id)) throw new BadDatasetException(json + ": image id " + id + " appears twice in images; give each image its own id");
        }
        List<Dataset.Detection.Category> cats = new ArrayList<>();
        Set<Integer> catIds = new HashSet<>();
        for (JsonNode c : root.get("categories")) {
            int id = integer(json, c, "id", "categories[]");
            cats.add(new Dataset.Detection.Category(id, text(json, c, "name", "categories[id=" + id + "]")));
            catIds.add(id);
        }
        List<Box> truths = new ArrayList<>();
        for (JsonNode a : root.get("annotations")) {
            String where = "annotations[id=" + a.path("id").asText("?") + "]";
            int img = integer(json, a, "image_id", where), cat = integer(json, a, "category_id", where);
            if (!imageIds.contains(img)) throw new BadDatasetException(json + ": " + where + " names image_id " + img + ", which images does not list");
            if (!catIds.contains(cat)) throw new BadDatasetException(json + ": " + where + " names category_id " + cat + ", which categories does not list");
            JsonNode b = a.path("bbox");
            if (!b.isArray() || b.size() != 4) throw new BadDatasetException(json + ": " + where + " has no bbox [x, y, width, height]");
            double w = b.get(2).asDouble(), h = b.get(3).asDouble();
            truths.add(Box.truth(img, cat, b.get(0).asDouble(), b.get(1).asDouble(), w, h, a.path("area").asDouble(w * h),
                    a.path("iscrowd").asInt(0) != 0));
        }
        return new Dataset.Detection(json, "COCO JSON", List.copyOf(images), List.copyOf(cats), List.copyOf(truths));
    }

    /** Detections in COCO's results format (image_id, category_id, bbox, score), in file order. */
    static List<Box> readResults(Path json) throws IOException {
        List<Box> out = new ArrayList<>();
        for (JsonNode d : new ObjectMapper().readTree(json.toFile())) {
            JsonNode b = d.get("bbox");
            out.add(Box.detection(d.get("image_id").asInt(), d.get("category_id").asInt(), b.get(0).asDouble(), b.get(1).asDouble(),
                    b.get(2).asDouble(), b.get(3).asDouble(), d.get("score").asDouble()));
        }
        return out;
    }

    private static int integer(Path json, JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.canConvertToInt()) throw new BadDatasetException(json + ": " + where + " has no integer " + field + "; add it");
        return v.asInt();
    }

    private static String text(Path json, JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) throw new BadDatasetException(json + ": " + where + " has no " + field + "; add it");
        return v.asText();
    }

    static String firstLine(String s) {
        if (s == null) return "unknown error";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
