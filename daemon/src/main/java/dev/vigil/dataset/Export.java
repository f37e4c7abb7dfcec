package dev.vigil.dataset;

import dev.vigil.sampling.Sample;
import dev.vigil.sampling.SampleStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * What every export format shares: the samples chosen, their split, the boxes each one carries and the class list.
 * A labelled sample carries its labels; an unlabelled one its pre-labels (the model's guess, with a score) unless
 * {@code labelledOnly}, so a labelling tool starts from the model.
 */
public abstract class Export {

    /** The export formats, by their {@code --format} word. */
    public enum Format { COCO, VOC, YOLO, FOLDERS;

        public static Format parse(String s) {
            try {
                return valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--format " + s + " is not one of coco, voc, yolo, folders");
            }
        }
    }

    /** One sample as exported: its split and the boxes it carries ({@code predicted}: the model's, with scores). */
    public record Item(Sample sample, String split, List<Sample.Box> boxes, boolean predicted) {}

    protected final SampleStore store;
    protected final Path out;
    protected final List<Item> items = new ArrayList<>();
    protected final List<String> classes;
    private boolean link;

    protected Export(SampleStore store, List<Sample> samples, Path out, double valShare, boolean labelledOnly) {
        this.store = store;
        this.out = out;
        TreeSet<String> names = new TreeSet<>();
        for (Sample s : samples) {
            if (labelledOnly && !s.labelled()) continue;
            List<Sample.Box> boxes = s.labelled() ? s.labels() : s.predictions();
            items.add(new Item(s, Split.of(s.id(), valShare), boxes, !s.labelled()));
            for (Sample.Box b : boxes) names.add(b.label());
        }
        this.classes = List.copyOf(names);
    }

    /** Writes the export; returns how many samples it holds. */
    public static int write(Format f, SampleStore store, List<Sample> samples, Path out, double valShare, boolean labelledOnly)
            throws IOException {
        Export e = of(f, store, samples, out, valShare, labelledOnly);
        Files.createDirectories(out);
        return e.write();
    }

    private static Export of(Format f, SampleStore store, List<Sample> samples, Path out, double valShare, boolean labelledOnly) {
        return switch (f) {
            case COCO -> new CocoFormat(store, samples, out, valShare, labelledOnly);
            case VOC -> new VocFormat(store, samples, out, valShare, labelledOnly);
            case YOLO -> new YoloFormat(store, samples, out, valShare, labelledOnly);
            case FOLDERS -> new FolderFormat(store, samples, out, valShare, labelledOnly);
        };
    }

    /**
     * As {@link #write}, the images hard-linked to the store's JPEGs (copied where a link cannot be made): for the
     * upload's staging folder, which is rebuilt every pass and must not rewrite a day of JPEGs on an SD card each time.
     * Never for an export a person edits: a link shares the store's file.
     */
    public static int link(Format f, SampleStore store, List<Sample> samples, Path out, double valShare, boolean labelledOnly)
            throws IOException {
        Export e = of(f, store, samples, out, valShare, labelledOnly);
        e.link = true;
        Files.createDirectories(out);
        return e.write();
    }

    protected abstract int write() throws IOException;

    /** Labels from a COCO file into the store (see {@link CocoFormat#read}); images matching no sample go to {@code unmatched}. */
    public static int importCoco(SampleStore store, Path file, boolean reviewed, List<String> unmatched) throws IOException {
        return CocoFormat.read(store, file, reviewed, unmatched);
    }

    protected void copyImage(Sample s, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        if (link) {
            Files.deleteIfExists(target);
            try {
                Files.createLink(target, store.jpeg(s.id()));
                return;
            } catch (IOException | UnsupportedOperationException e) {
                // another file system, or one without links: a copy does the same
            }
        }
        Files.copy(store.jpeg(s.id()), target, StandardCopyOption.REPLACE_EXISTING);
    }

    /** A box in pixels of the stored JPEG, clamped to it: xmin, ymin, xmax, ymax. */
    protected static double[] pixels(Sample s, Sample.Box b) {
        double[] n = b.box() != null ? b.box() : new double[] {0, 0, 1, 1};
        return new double[] {clamp(n[0]) * s.width(), clamp(n[1]) * s.height(), clamp(n[2]) * s.width(), clamp(n[3]) * s.height()};
    }

    static double clamp(double v) { return Math.max(0, Math.min(1, v)); }
}
