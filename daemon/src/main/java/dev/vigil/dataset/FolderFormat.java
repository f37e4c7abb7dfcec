package dev.vigil.dataset;

import dev.vigil.sampling.Sample;
import dev.vigil.sampling.SampleStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Classification as an image folder per class ({@code train/<class>/<id>.jpg}, {@code val/...}), the layout Keras'
 * {@code image_dataset_from_directory} and torchvision's {@code ImageFolder} read. A sample's class is its label (or,
 * unlabelled, its best pre-label); a sample labelled with nothing, or a detector's, has no class and is left out.
 */
final class FolderFormat extends Export {

    FolderFormat(SampleStore store, List<Sample> samples, Path out, double valShare, boolean labelledOnly) {
        super(store, samples, out, valShare, labelledOnly);
    }

    @Override
    protected int write() throws IOException {
        int n = 0;
        for (Item it : items) {
            if (it.sample().detector() || it.boxes().isEmpty()) continue;
            Sample.Box best = it.boxes().stream().max((a, b) -> Double.compare(a.score(), b.score())).orElseThrow();
            copyImage(it.sample(), out.resolve(it.split()).resolve(safe(best.label())).resolve(it.sample().id() + ".jpg"));
            n++;
        }
        return n;
    }

    /** A class name as a folder name: ImageNet's "hotdog, hot dog, red hot" keeps its words, never a path separator. */
    static String safe(String label) { return label.replace('/', '_').replace('\\', '_').replace("..", "_"); }
}
