package dev.vigil.cli;

import dev.vigil.config.ConfigLoader;
import dev.vigil.dataset.Export;
import dev.vigil.events.EventFiles;
import dev.vigil.sampling.Sample;
import dev.vigil.sampling.SampleStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code vigil dataset list|show|export|import|prune|upload}: the samples the daemon kept (sampling:) and their labels, in
 * open formats. The store is {@code --dir}, or the {@code sampling.dir} of {@code --config}.
 */
@Command(name = "dataset", description = "List, show, export, import labels into, prune and upload the dataset the daemon samples.",
        subcommands = {DatasetCommand.ListSamples.class, DatasetCommand.Show.class, DatasetCommand.ExportCmd.class,
                DatasetCommand.Import.class, DatasetCommand.Prune.class, DatasetUpload.class})
public final class DatasetCommand {

    @Mixin HelpOption help;

    @Option(names = "--dir", paramLabel = "DIR", scope = ScopeType.INHERIT, description = "The dataset store (sampling.dir).")
    Path dir;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", scope = ScopeType.INHERIT, description = "Take the store from this config's sampling.dir.")
    Path config;

    SampleStore store() {
        Path d = dir;
        if (d == null && config != null) d = ConfigLoader.load(config).sampling().dir();
        if (d == null) throw new IllegalArgumentException("give the store: --dir DIR, or --config FILE (its sampling.dir)");
        if (!Files.isDirectory(d.resolve("samples"))) throw new IllegalArgumentException(d + ": no dataset here (no samples folder); is sampling.dir right?");
        try {
            return SampleStore.open(d, Long.MAX_VALUE, EventFiles.local());
        } catch (IOException e) {
            throw new IllegalArgumentException(d + ": " + e.getMessage());
        }
    }

    /** The samples chosen by the filters every subcommand shares. */
    static final class Filter {
        @Option(names = "--camera", paramLabel = "NAME", description = "Only this camera's samples.") String camera;
        @Option(names = "--strategy", paramLabel = "TAG", description = "Only samples kept for this strategy (near_threshold, flicker, qc, feedback, novelty, random).") String strategy;
        @Option(names = "--labelled", description = "Only labelled samples.") boolean labelled;
        @Option(names = "--unlabelled", description = "Only unlabelled samples.") boolean unlabelled;
        @Option(names = "--older-than", paramLabel = "AGE", description = "Only samples older than this: 30d, 12h, 90m.") String olderThan;

        List<Sample> apply(List<Sample> all) {
            Instant before = olderThan == null ? null : Instant.now().minus(age(olderThan));
            return all.stream().filter(s -> camera == null || s.camera().equals(camera))
                    .filter(s -> strategy == null || s.strategy().equals(strategy))
                    .filter(s -> !labelled || s.labelled()).filter(s -> !unlabelled || !s.labelled())
                    .filter(s -> before == null || s.time().isBefore(before)).toList();
        }

        boolean any() { return camera != null || strategy != null || labelled || unlabelled || olderThan != null; }

        static Duration age(String s) {
            var m = java.util.regex.Pattern.compile("(\\d+)([smhdw])").matcher(s.strip());
            if (!m.matches()) throw new IllegalArgumentException("--older-than " + s + " is not a whole number with a unit s, m, h, d or w (e.g. 30d)");
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            };
        }
    }

    /** Runs a subcommand's body; a bad input is one line on stderr and exit 2. */
    static int run(CommandSpec spec, Callable<Integer> body) {
        PrintWriter err = spec.commandLine().getErr();
        try {
            return body.call();
        } catch (IllegalArgumentException | IOException | dev.vigil.config.ConfigException e) {
            err.println("vigil: " + e.getMessage());
            err.flush();
            return Main.EXIT_USAGE;
        } catch (Exception e) {
            err.println("vigil: " + e);
            err.flush();
            return Main.EXIT_FAILED_INPUTS;
        }
    }

    @Command(name = "list", description = "One line per sample, oldest first: id, camera, strategy, labels (or pre-labels) .")
    static final class ListSamples implements Callable<Integer> {
        @Mixin HelpOption help;
        @ParentCommand DatasetCommand parent;
        @Spec CommandSpec spec;
        @picocli.CommandLine.ArgGroup(exclusive = false) Filter filter = new Filter();
        @Option(names = "--json", description = "One JSON object per line.") boolean json;

        @Override public Integer call() {
            return run(spec, () -> {
                var out = spec.commandLine().getOut();
                List<Sample> samples = filter.apply(parent.store().list());
                for (Sample s : samples) {
                    List<Sample.Box> shown = s.labelled() ? s.labels() : s.predictions();
                    String what = String.join(",", shown.stream().map(Sample.Box::label).toList());
                    if (json) {
                        Map<String, Object> line = new LinkedHashMap<>();
                        line.put("id", s.id());
                        line.put("time", s.time().toString());
                        line.put("camera", s.camera());
                        line.put("strategy", s.strategy());
                        line.put("labelled", s.labelled());
                        line.put(s.labelled() ? "labels" : "predictions", shown.stream().map(Sample.Box::label).toList());
                        out.println(Output.line(line));
                    } else {
                        out.println("%s  %-8s  %-14s  %-9s  %s".formatted(s.id(), s.camera(), s.strategy(),
                                s.labelled() ? "labelled" : "unlabelled", what.isEmpty() ? "-" : what).stripTrailing());
                    }
                }
                if (!json) out.println(samples.size() + " sample(s)");
                out.flush();
                return Main.EXIT_OK;
            });
        }
    }

    @Command(name = "show", description = "A sample's record (its JSON) and where its JPEG is.")
    static final class Show implements Callable<Integer> {
        @Mixin HelpOption help;
        @ParentCommand DatasetCommand parent;
        @Spec CommandSpec spec;
        @Parameters(paramLabel = "ID", description = "The sample's id, as list shows it.") String id;

        @Override public Integer call() {
            return run(spec, () -> {
                SampleStore store = parent.store();
                Sample s = store.get(id);
                if (s == null) throw new IllegalArgumentException("no sample " + id + " in " + store.dir() + "; `vigil dataset list` shows them");
                var out = spec.commandLine().getOut();
                out.println(new String(s.toJson(), java.nio.charset.StandardCharsets.UTF_8));
                out.println("jpeg: " + store.jpeg(id));
                out.flush();
                return Main.EXIT_OK;
            });
        }
    }

    @Command(name = "export", description = "Write the samples as COCO JSON, Pascal VOC, YOLO or a folder per class, split into train and val.")
    static final class ExportCmd implements Callable<Integer> {
        @Mixin HelpOption help;
        @ParentCommand DatasetCommand parent;
        @Spec CommandSpec spec;
        @picocli.CommandLine.ArgGroup(exclusive = false) Filter filter = new Filter();
        @Option(names = "--format", paramLabel = "FORMAT", required = true, description = "coco, voc, yolo (detection) or folders (classification).") String format;
        @Option(names = {"-o", "--out"}, paramLabel = "DIR", required = true, description = "Where to write (created).") Path out;
        @Option(names = "--val", paramLabel = "SHARE", description = "Share of samples in the validation split, by a hash of each id (default: ${DEFAULT-VALUE}).") double val = 0.2;
        @Option(names = "--labelled-only", description = "Leave out unlabelled samples (else they carry the model's pre-labels).") boolean labelledOnly;

        @Override public Integer call() {
            return run(spec, () -> {
                if (!(val >= 0 && val <= 1)) throw new IllegalArgumentException("--val " + val + " is not within 0..1");
                Export.Format f = Export.Format.parse(format);
                SampleStore store = parent.store();
                int n = Export.write(f, store, filter.apply(store.list()), out, val, labelledOnly);
                spec.commandLine().getOut().println(n + " sample(s) exported as " + f.name().toLowerCase(java.util.Locale.ROOT) + " to " + out);
                spec.commandLine().getOut().flush();
                return Main.EXIT_OK;
            });
        }
    }

    @Command(name = "import", description = "Take labels from a COCO JSON file (made by a labelling tool from an export) into the store.")
    static final class Import implements Callable<Integer> {
        @Mixin HelpOption help;
        @ParentCommand DatasetCommand parent;
        @Spec CommandSpec spec;
        @Parameters(paramLabel = "FILE", description = "The COCO JSON file; images are matched to samples by file name.") Path file;
        @Option(names = "--reviewed", description = "Every image of the file was looked at: one without annotations is labelled as holding nothing.") boolean reviewed;

        @Override public Integer call() {
            return run(spec, () -> {
                List<String> unmatched = new ArrayList<>();
                int n = Export.importCoco(parent.store(), file, reviewed, unmatched);
                var out = spec.commandLine().getOut();
                out.println(n + " sample(s) labelled from " + file + (unmatched.isEmpty() ? "" : "; " + unmatched.size() + " image(s) match no sample, e.g. " + unmatched.get(0)));
                out.flush();
                return Main.EXIT_OK;
            });
        }
    }

    @Command(name = "prune", description = "Delete the samples the filters choose (at least one filter; --dry-run lists them).")
    static final class Prune implements Callable<Integer> {
        @Mixin HelpOption help;
        @ParentCommand DatasetCommand parent;
        @Spec CommandSpec spec;
        @picocli.CommandLine.ArgGroup(exclusive = false) Filter filter = new Filter();
        @Option(names = "--dry-run", description = "Only say what would go.") boolean dryRun;

        @Override public Integer call() {
            return run(spec, () -> {
                if (!filter.any()) throw new IllegalArgumentException("give a filter (--older-than, --unlabelled, --camera, --strategy, --labelled); prune never deletes everything by default");
                SampleStore store = parent.store();
                List<Sample> gone = filter.apply(store.list());
                if (!dryRun) for (Sample s : gone) store.delete(s.id());
                var out = spec.commandLine().getOut();
                out.println((dryRun ? "would delete " : "deleted ") + gone.size() + " sample(s); " + (dryRun ? store.size() - gone.size() : store.size()) + " left");
                out.flush();
                return Main.EXIT_OK;
            });
        }
    }
}
