package dev.vigil.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.eval.Dataset.BadDatasetException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Opens a dataset by what it looks like: a {@code .json} file (or a folder with one COCO annotation file, also under
 * {@code annotations/}) is COCO; a folder of {@code .xml} files or with {@code Annotations/} is Pascal VOC; a folder
 * whose sub-folders hold images is a classification set, one class per folder.
 */
public final class Datasets {

    private Datasets() {}

    public static Dataset open(Path path) {
        try {
            if (!Files.exists(path)) throw new BadDatasetException(path + ": no such file or folder; give a dataset folder or a COCO .json file");
            if (Files.isRegularFile(path)) {
                if (path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")) return CocoJson.read(path);
                throw new BadDatasetException(path + ": not a dataset; give a COCO .json file, a Pascal VOC folder or a folder of class folders");
            }
            List<Path> cocos = cocoFiles(path);
            if (cocos.size() > 1)
                throw new BadDatasetException(path + ": several COCO annotation files (" + cocos.getFirst().getFileName() + ", "
                        + cocos.get(1).getFileName() + "); give the one to use as --dataset FILE.json");
            if (cocos.size() == 1) return CocoJson.read(cocos.getFirst());
            if (VocXml.annotationFolder(path) != null) return VocXml.read(path);
            return classification(path);
        } catch (IOException e) {
            throw new BadDatasetException(path + ": cannot be read (" + e.getMessage() + ")");
        }
    }

    /**
     * Every image of the dataset is there; the first missing one is named in one line with where it was looked for.
     * Run before a model is loaded: an annotation file away from its images is the usual mistake.
     */
    public static void checkFiles(Dataset ds) {
        List<Path> missing = ds.files().stream().filter(f -> !Files.isRegularFile(f)).toList();
        if (missing.isEmpty()) return;
        Path first = missing.getFirst();
        String where = ds instanceof Dataset.Detection d && d.format().equals("COCO JSON")
                ? " (file_name is looked up beside the .json and in images/ beside it)" : "";
        throw new BadDatasetException(ds.source() + ": " + missing.size() + " of " + ds.files().size() + " images not found, the first "
                + first + where + "; put the images there");
    }

    private static List<Path> cocoFiles(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path d : List.of(dir, dir.resolve("annotations"))) {
            if (!Files.isDirectory(d)) continue;
            try (Stream<Path> s = Files.list(d)) {
                for (Path p : s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")).sorted().toList()) {
                    try {
                        if (CocoJson.looksLikeCoco(new ObjectMapper().readTree(p.toFile()))) out.add(p);
                    } catch (IOException e) {
                        // Not JSON: not an annotation file; other JSON files may lie beside a dataset.
                    }
                }
            }
        }
        return out;
    }

    static Dataset.Classification classification(Path dir) throws IOException {
        List<Path> folders;
        try (Stream<Path> s = Files.list(dir)) {
            folders = s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
        List<String> classes = new ArrayList<>();
        List<Dataset.Classification.Sample> samples = new ArrayList<>();
        for (Path f : folders) {
            List<Path> images;
            try (Stream<Path> s = Files.list(f)) {
                images = s.filter(Files::isRegularFile).filter(Datasets::looksLikeImage).sorted().toList();
            }
            if (images.isEmpty()) continue;
            for (Path i : images) samples.add(new Dataset.Classification.Sample(i, classes.size()));
            classes.add(f.getFileName().toString());
        }
        if (samples.isEmpty())
            throw new BadDatasetException(dir + ": no dataset found (no COCO .json, no Pascal VOC .xml, no class folders with images);"
                    + " put images in one folder per class, or give the annotation file");
        return new Dataset.Classification(dir, List.copyOf(classes), List.copyOf(samples));
    }

    static boolean looksLikeImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return Stream.of(".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff", ".ppm", ".pgm", ".pnm").anyMatch(n::endsWith);
    }
}
