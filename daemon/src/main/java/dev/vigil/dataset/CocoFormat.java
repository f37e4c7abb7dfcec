package dev.vigil.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.sampling.Sample;
import dev.vigil.sampling.SampleStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * COCO, a folder per split as Roboflow exports it: {@code <split>/<id>.jpg} beside {@code <split>/_annotations.coco.json}
 * ({@code images}, {@code categories}, {@code annotations} with {@code bbox: [x, y, width, height]} in pixels), so
 * {@code vigil eval --dataset OUT/val} reads it. Human labels are plain annotations; an unlabelled sample's pre-labels
 * are annotations with a {@code score} (the field COCO's results carry), and every pre-label is also in
 * {@code <split>/_predictions.coco.json}, COCO's results format. A classifier's class is an annotation whose box is the
 * whole image.
 */
final class CocoFormat extends Export {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String ANNOTATIONS = "_annotations.coco.json", PREDICTIONS = "_predictions.coco.json";

    CocoFormat(SampleStore store, List<Sample> samples, Path out, double valShare, boolean labelledOnly) {
        super(store, samples, out, valShare, labelledOnly);
    }

    @Override
    protected int write() throws IOException {
        Map<String, ObjectNode> docs = new LinkedHashMap<>();
        Map<String, ArrayNode> predictions = new LinkedHashMap<>();
        int imageId = 0, annotationId = 0;
        for (Item it : items) {
            Sample s = it.sample();
            ObjectNode doc = docs.computeIfAbsent(it.split(), k -> document());
            ArrayNode results = predictions.computeIfAbsent(it.split(), k -> JSON.createArrayNode());
            copyImage(s, out.resolve(it.split()).resolve(s.id() + ".jpg"));
            imageId++;
            ObjectNode img = ((ArrayNode) doc.get("images")).addObject().put("id", imageId).put("file_name", s.id() + ".jpg")
                    .put("width", s.width()).put("height", s.height()).put("date_captured", s.time().toString());
            img.put("vigil_id", s.id()).put("camera", s.camera()).put("strategy", s.strategy()).put("labelled", s.labelled());
            for (Sample.Box b : it.boxes()) {
                double[] p = pixels(s, b);
                double w = p[2] - p[0], h = p[3] - p[1];
                ObjectNode a = ((ArrayNode) doc.get("annotations")).addObject().put("id", ++annotationId).put("image_id", imageId)
                        .put("category_id", classes.indexOf(b.label()) + 1).put("area", w * h).put("iscrowd", 0);
                a.putArray("bbox").add(p[0]).add(p[1]).add(w).add(h);
                if (it.predicted()) {
                    a.put("score", b.score());
                    ObjectNode r = results.addObject().put("image_id", imageId).put("category_id", classes.indexOf(b.label()) + 1);
                    r.putArray("bbox").add(p[0]).add(p[1]).add(w).add(h);
                    r.put("score", b.score());
                }
            }
        }
        for (var e : docs.entrySet()) JSON.writeValue(out.resolve(e.getKey()).resolve(ANNOTATIONS).toFile(), e.getValue());
        for (var e : predictions.entrySet()) JSON.writeValue(out.resolve(e.getKey()).resolve(PREDICTIONS).toFile(), e.getValue());
        return items.size();
    }

    private ObjectNode document() {
        ObjectNode doc = JSON.createObjectNode();
        doc.putObject("info").put("description", "vigil dataset export").put("version", "1.0");
        doc.putArray("licenses");
        doc.putArray("images");
        doc.putArray("annotations");
        ArrayNode cats = doc.putArray("categories");
        for (int i = 0; i < classes.size(); i++) cats.addObject().put("id", i + 1).put("name", classes.get(i)).put("supercategory", "none");
        return doc;
    }

    /**
     * Labels from a COCO file back into the store. An image is matched to its sample by its file name's stem (the sample
     * id). Its annotations without a {@code score} (a person's) become the sample's labels; an image with none is left
     * as it was unless {@code reviewed}: every image of the file was looked at, so none means nothing is there.
     *
     * @return how many samples got labels; an image that matches no sample is counted in {@code unmatched}
     */
    static int read(SampleStore store, Path file, boolean reviewed, List<String> unmatched) throws IOException {
        JsonNode doc = JSON.readTree(file.toFile());
        if (doc == null || !doc.path("images").isArray() || !doc.path("categories").isArray()) {
            throw new IOException(file + " is not a COCO file (it needs images and categories)");
        }
        Map<Long, String> names = new HashMap<>();
        for (JsonNode c : doc.get("categories")) names.put(c.path("id").asLong(), c.path("name").asText());
        Map<Long, JsonNode> images = new LinkedHashMap<>();
        for (JsonNode i : doc.get("images")) images.put(i.path("id").asLong(), i);
        Map<Long, List<JsonNode>> byImage = new HashMap<>();
        for (JsonNode a : doc.path("annotations")) {
            if (a.has("score")) continue; // a prediction, not a label
            byImage.computeIfAbsent(a.path("image_id").asLong(), k -> new ArrayList<>()).add(a);
        }
        int n = 0;
        for (var e : images.entrySet()) {
            String fileName = e.getValue().path("file_name").asText();
            String stem = Path.of(fileName).getFileName().toString().replaceFirst("\\.[^.]*$", "");
            Sample s = store.get(stem);
            if (s == null) {
                unmatched.add(fileName);
                continue;
            }
            List<JsonNode> anns = byImage.getOrDefault(e.getKey(), List.of());
            if (anns.isEmpty() && !reviewed) continue;
            double w = e.getValue().path("width").asDouble(s.width()), h = e.getValue().path("height").asDouble(s.height());
            List<Sample.Box> labels = new ArrayList<>();
            for (JsonNode a : anns) {
                String label = names.get(a.path("category_id").asLong());
                if (label == null) throw new IOException(file + ": annotation " + a.path("id").asText() + " names no category of the file");
                JsonNode b = a.path("bbox");
                double[] box = null;
                if (s.detector() && b.isArray() && b.size() == 4) {
                    box = new double[] {b.get(0).asDouble() / w, b.get(1).asDouble() / h, (b.get(0).asDouble() + b.get(2).asDouble()) / w,
                            (b.get(1).asDouble() + b.get(3).asDouble()) / h};
                }
                labels.add(new Sample.Box(label, 1, box));
            }
            store.label(s.id(), labels);
            n++;
        }
        return n;
    }
}
