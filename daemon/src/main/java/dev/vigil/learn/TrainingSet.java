package dev.vigil.learn;

import dev.vigil.events.EventFiles;
import dev.vigil.sampling.Sample;
import dev.vigil.sampling.SampleStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The labelled images of a dataset: a sample store ({@code sampling.dir}: a {@code samples} folder; its samples with a
 * whole-frame label) or an image folder per class. A dataset that cannot teach anything is one line saying why.
 */
final class TrainingSet {

    /**
     * One labelled image, or one box of it ({@code box} xmin, ymin, xmax, ymax normalised; null for the whole image);
     * {@code key} is stable across runs (the sample id, or class/file in a folder; a box adds its corners and the margin).
     */
    record Item(String key, String label, Path image, double[] box) {

        Item(String key, String label, Path image) { this(key, label, image, null); }
    }

    record Read(List<Item> items, String source, int skipped) {}

    private TrainingSet() {}

    static Read read(Path dataset) { return read(dataset, null); }

    /** With {@code crops}, the boxes of a sample store or of a COCO dataset, each an item; else whole images. */
    static Read read(Path dataset, Learner.Crops crops) {
        if (crops != null) return BoxCrops.read(dataset, crops);
        if (!Files.exists(dataset))
            throw new IllegalArgumentException("dataset " + dataset + " does not exist; give a sample store (sampling.dir) or a folder with one folder of images per class");
        if (!Files.isDirectory(dataset))
            throw new IllegalArgumentException("dataset " + dataset + " is a file; give a sample store (sampling.dir) or a folder with one folder of images per class");
        try {
            return Files.isDirectory(dataset.resolve("samples")) ? store(dataset) : folders(dataset);
        } catch (IOException e) {
            throw new IllegalArgumentException("dataset " + dataset + " cannot be read: " + e.getMessage());
        }
    }

    private static Read store(Path dir) throws IOException {
        SampleStore store = SampleStore.open(dir, Long.MAX_VALUE, EventFiles.local());
        List<Item> items = new ArrayList<>();
        int skipped = 0;
        for (Sample s : store.list()) {
            if (!s.labelled()) continue;
            // Whole-frame classes only; a box label names an object, not the frame (the second stage learns those).
            String label = s.labels().stream().filter(b -> b.box() == null).map(Sample.Box::label).findFirst().orElse(null);
            if (label == null) {
                skipped++;
                continue;
            }
            items.add(new Item(s.id(), label, store.jpeg(s.id())));
        }
        return new Read(List.copyOf(items), "sample store " + dir.toAbsolutePath(), skipped);
    }

    private static Read folders(Path dir) throws IOException {
        List<Path> classes;
        try (Stream<Path> s = Files.list(dir)) {
            classes = s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
        if (classes.isEmpty())
            throw new IllegalArgumentException("dataset " + dir + " has no class folders; give a sample store (sampling.dir) or a folder with one folder of images per class");
        List<Item> items = new ArrayList<>();
        for (Path c : classes) {
            List<Path> images;
            try (Stream<Path> s = Files.list(c)) {
                images = s.filter(TrainingSet::image).sorted().toList();
            }
            if (images.isEmpty())
                throw new IllegalArgumentException("class " + c.getFileName() + " of dataset " + dir + " has no images (.jpg, .jpeg, .png, .bmp); add some or remove the folder");
            for (Path p : images) items.add(new Item(c.getFileName() + "/" + p.getFileName(), c.getFileName().toString(), p));
        }
        return new Read(List.copyOf(items), "image folders " + dir.toAbsolutePath(), 0);
    }

    private static boolean image(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return Files.isRegularFile(p) && (n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png") || n.endsWith(".bmp"));
    }
}
