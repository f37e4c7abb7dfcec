package dev.vigil.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.cli.Main;
import dev.vigil.events.EventFiles;
import dev.vigil.inference.EngineOptions;
import dev.vigil.sampling.Sample;
import dev.vigil.sampling.SampleStore;
import dev.vigil.learn.Washers.Part;
import dev.vigil.model.ModelStore;
import dev.vigil.testing.TestData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code vigil learn} as a user runs it on an image folder per class: the model it makes classifies by name, learning
 * again under its name adds a class to what it knew, and a dataset that cannot teach anything is one line.
 */
class LearnCommandTest {

    @TempDir
    Path tmp;

    final String name = "washers-" + ProcessHandle.current().pid() + "-" + System.nanoTime();

    record Cli(int code, String out, String err) {}

    static Cli cli(String... args) {
        CommandLine c = Main.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        c.setOut(new PrintWriter(out));
        c.setErr(new PrintWriter(err));
        int code = c.execute(args);
        return new Cli(code, out.toString(), err.toString());
    }

    @AfterEach
    void removeLearnedModels() throws Exception {
        for (String n : new String[] {name, name + "-3"}) {
            Path dir = ModelStore.fromEnvironment().learnedDir().resolve(n);
            if (!Files.exists(dir)) continue;
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        }
    }

    @Test
    void aLearnedModelClassifiesByNameAndLearningAgainAddsAClass() throws Exception {
        Path two = Washers.folder(tmp.resolve("two"), 15, 1, Part.OK, Part.NOTCH);
        String mirror = TestData.shared().toString();
        Cli learned = cli("learn", "--dataset", two.toString(), "--name", name, "--mirror", mirror);
        assertEquals(0, learned.code(), learned.out() + learned.err());
        System.out.print(learned.out());
        assertTrue(learned.out().contains("validation accuracy: imprinting "), learned.out());
        assertTrue(learned.out().matches("(?s).*\\nkept (imprinting|softmax): .*"), learned.out());
        assertTrue(learned.out().contains("per-class recall: notch "), learned.out());
        Path head = ModelStore.fromEnvironment().learnedHead(name);
        assertTrue(Files.isRegularFile(head), head + " written");
        assertEquals(name, HeadFile.read(head).name());

        Cli list = cli("models", "list");
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith(name + " ") && l.contains(" learned ") && l.contains(" installed ")), list.out());

        Path photo = Washers.folder(tmp.resolve("photos"), 1, 99, Part.NOTCH).resolve("notch").resolve("notch-99-000.png");
        Cli classified = cli("classify", "--model", name, photo.toString());
        assertEquals(0, classified.code(), classified.out() + classified.err());
        assertTrue(classified.out().contains("notch"), classified.out());

        Cli eval = cli("eval", "--model", name, "--dataset", two.toString());
        assertEquals(0, eval.code(), eval.out() + eval.err());
        assertTrue(eval.out().contains("top-1"), eval.out());

        // Learning again under the same name with a new class keeps the examples learned before and adds it; an image
        // learned before (same class folder and file) is not embedded again.
        Path scratch = Washers.folder(tmp.resolve("scratch"), 15, 2, Part.SCRATCH);
        Files.createDirectories(scratch.resolve("ok"));
        Files.copy(two.resolve("ok").resolve("ok-1-000.png"), scratch.resolve("ok").resolve("ok-1-000.png"));
        Cli more = cli("learn", "--dataset", scratch.toString(), "--name", name + "-3", "--mirror", mirror);
        assertEquals(0, more.code(), more.out() + more.err());
        Cli again = cli("learn", "--dataset", scratch.toString(), "--name", name, "--mirror", mirror);
        assertEquals(0, again.code(), again.out() + again.err());
        assertTrue(again.out().contains(": 45 examples (15 embedded now, 30 from before)"), again.out());
        assertEquals(java.util.List.of("notch", "ok", "scratch"), HeadFile.read(head).head().labels());

    }

    @Test
    void theLabelledSamplesOfASampleStoreAreADataset() throws Exception {
        SampleStore samples = SampleStore.open(tmp.resolve("sampling"), Long.MAX_VALUE, EventFiles.local());
        java.util.Random rnd = new java.util.Random(5);
        java.time.Instant t = java.time.Instant.parse("2026-11-30T04:00:00Z");
        int frame = 0;
        for (Part p : new Part[] {Part.OK, Part.NOTCH}) {
            for (int i = 0; i < 12; i++) add(samples, t, frame++, "classifier", Washers.photo(p, rnd), List.of(new Sample.Box(p.label(), 1, null)));
        }
        add(samples, t, frame++, "detector", Washers.photo(Part.OK, rnd), List.of(new Sample.Box("washer", 1, new double[] {0.1, 0.1, 0.9, 0.9})));
        add(samples, t, frame++, "classifier", Washers.photo(Part.OK, rnd), null);
        ModelStore store = ModelStore.fromEnvironment().withMirror(TestData.shared(), "test");
        Learner.Result r = Learner.learn(store, new Learner.Options(name, samples.dir(), Learner.DEFAULT_BASE, null, "tflite",
                EngineOptions.cpu(2), 0.2, false));
        assertEquals(24, r.examples(), "the whole-frame labels; the unlabelled and the box-only samples left out");
        assertEquals(1, r.skipped(), "the sample with a box label only");
        assertEquals(List.of("notch", "ok"), r.model().head().labels());
        assertTrue(r.model().datasetSource().startsWith("sample store "), r.model().datasetSource());
        assertEquals(24, r.train() + r.validation());
    }

    @Test
    void withCropsTheLabelledBoxesOfAStoreAreTheExamples() throws Exception {
        SampleStore samples = SampleStore.open(tmp.resolve("sampling"), Long.MAX_VALUE, EventFiles.local());
        java.util.Random rnd = new java.util.Random(7);
        java.time.Instant t = java.time.Instant.parse("2026-11-30T04:00:00Z");
        int frame = 0;
        double[] part = {0.05, 0.05, 0.95, 0.95};
        for (Part p : new Part[] {Part.OK, Part.NOTCH}) {
            for (int i = 0; i < 10; i++) {
                // a box the filter keeps and one it leaves out, on the same frame
                add(samples, t, frame++, "detector", Washers.photo(p, rnd), List.of(new Sample.Box(p.label(), 1, part),
                        new Sample.Box("tray", 1, new double[] {0, 0, 0.04, 0.04})));
            }
        }
        add(samples, t, frame++, "classifier", Washers.photo(Part.OK, rnd), List.of(new Sample.Box("ok", 1, null)));
        add(samples, t, frame++, "detector", Washers.photo(Part.OK, rnd), List.of(new Sample.Box("ok", 1, new double[] {0.5, 0.5, 0.501, 0.501})));
        Cli learned = cli("learn", "--dataset", samples.dir().toString(), "--name", name, "--crops", "--labels", "ok,notch", "--margin", "0.05",
                "--mirror", TestData.shared().toString());
        assertEquals(0, learned.code(), learned.out() + learned.err());
        System.out.print(learned.out());
        assertTrue(learned.out().startsWith("learned " + name + " from box crops (margin 0.05) of sample store "), learned.out());
        assertTrue(learned.out().contains(": 20 examples (20 embedded now, 0 from before)"), learned.out());
        // the whole-frame label has no box; the box of one pixel is under the second stage's smallest crop
        assertTrue(learned.out().contains(", 2 skipped (unreadable, too small, or no label of the kind learned)"), learned.out());
        assertEquals(List.of("notch", "ok"), HeadFile.read(ModelStore.fromEnvironment().learnedHead(name)).head().labels());

        assertOneLine(cli("learn", "--dataset", samples.dir().toString(), "--name", name, "--labels", "ok"),
                "vigil: --margin and --labels apply to box crops; add --crops");
        Path folders = Washers.folder(tmp.resolve("folders"), 2, 1, Part.OK, Part.NOTCH);
        assertOneLine(cli("learn", "--dataset", folders.toString(), "--name", name, "--crops", "--mirror", TestData.shared().toString()),
                "vigil: dataset " + folders + " has no boxes to crop; with --crops give a sample store (sampling.dir) or a COCO dataset"
                        + " (a folder with _annotations.coco.json); an image folder per class is learned without --crops");
        assertOneLine(cli("learn", "--dataset", samples.dir().toString(), "--name", name + "-3", "--crops", "--labels", "washer",
                "--mirror", TestData.shared().toString()), "vigil: dataset " + samples.dir() + " has no labelled boxes labelled washer;"
                        + " label some first (the review page, vigil dataset import)");
    }

    static void add(SampleStore store, java.time.Instant t, int frame, String kind, Mat photo, List<Sample.Box> labels) throws Exception {
        try (photo; org.bytedeco.javacpp.BytePointer jpeg = new org.bytedeco.javacpp.BytePointer()) {
            org.bytedeco.opencv.global.opencv_imgcodecs.imencode(".jpg", photo, jpeg);
            byte[] bytes = new byte[(int) jpeg.limit()];
            jpeg.get(bytes);
            String id = Sample.id(t, "line", Integer.toString(frame));
            store.add(new Sample(id, t, "line", "test", "random", List.of("random"), "m", "0".repeat(64), kind, photo.cols(), photo.rows(),
                    List.of(), labels, null, null, frame), bytes);
        }
    }

    @Test
    void badDatasetsAreOneLineEach() throws Exception {
        Path empty = Washers.folder(tmp.resolve("empty"), 3, 1, Part.OK);
        Files.createDirectories(empty.resolve("notch"));
        assertOneLine(cli("learn", "--dataset", empty.toString(), "--name", name),
                "vigil: class notch of dataset " + empty + " has no images (.jpg, .jpeg, .png, .bmp); add some or remove the folder");
        Path one = Washers.folder(tmp.resolve("one"), 3, 1, Part.OK);
        assertOneLine(cli("learn", "--dataset", one.toString(), "--name", name, "--mirror", TestData.shared().toString()),
                "vigil: dataset " + one + " has one class (ok); learning needs two or more: label examples of another class");
        Path missing = tmp.resolve("nowhere");
        assertOneLine(cli("learn", "--dataset", missing.toString(), "--name", name),
                "vigil: dataset " + missing + " does not exist; give a sample store (sampling.dir) or a folder with one folder of images per class");
        assertOneLine(cli("learn", "--dataset", one.toString(), "--name", "mobilenet_v2_quant"),
                "vigil: --name mobilenet_v2_quant is a catalog model; give the learned model another name");
        assertOneLine(cli("learn", "--dataset", one.toString(), "--name", name, "--roi", "0.5,0.5,0.8,0.2"),
                "vigil: --roi 0.5,0.5,0.8,0.2: give x,y,w,h as fractions of the frame, within 0..1 (e.g. 0.25,0.25,0.5,0.5)");
    }

    static void assertOneLine(Cli c, String expected) {
        assertEquals(2, c.code(), c.out() + c.err());
        assertEquals(expected, c.err().strip());
    }
}
