package dev.vigil.eval;

import java.nio.file.Path;
import java.util.List;

/** A labelled set of images to evaluate a model on: classes by folder, or boxes from COCO JSON or Pascal VOC XML. */
public sealed interface Dataset permits Dataset.Classification, Dataset.Detection {

    /** What the dataset was read from, for messages and the report. */
    Path source();

    /** e.g. "image folders", "COCO JSON", "Pascal VOC". */
    String format();

    /** Every image to run, in evaluation order. */
    List<Path> files();

    /**
     * An ImageNet-style tree: one folder per class, named after it.
     *
     * @param classes class names, sorted
     * @param samples every image with the index of its class
     */
    record Classification(Path source, List<String> classes, List<Sample> samples) implements Dataset {

        public record Sample(Path file, int classIndex) {}

        @Override public String format() { return "image folders"; }

        @Override public List<Path> files() { return samples.stream().map(Sample::file).toList(); }
    }

    /**
     * Images with boxes.
     *
     * @param truths the boxes in pixels, in the annotation files' order
     */
    record Detection(Path source, String format, List<Image> images, List<Category> categories, List<Box> truths) implements Dataset {

        public record Image(int id, Path file, int width, int height) {}

        public record Category(int id, String name) {}

        @Override public List<Path> files() { return images.stream().map(Image::file).toList(); }

        public List<Integer> imageIds() { return images.stream().map(Image::id).toList(); }

        public List<Integer> categoryIds() { return categories.stream().map(Category::id).toList(); }

        public String categoryName(int id) {
            return categories.stream().filter(c -> c.id() == id).map(Category::name).findFirst().orElse("category " + id);
        }
    }

    /** A dataset that cannot be read: its message is one line naming the file and the fix. */
    final class BadDatasetException extends RuntimeException {
        public BadDatasetException(String message) { super(message); }
    }
}
