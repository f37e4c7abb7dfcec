package dev.vigil.cli;

import dev.vigil.model.CatalogException;
import dev.vigil.model.ModelEntry;
import dev.vigil.model.ModelStore;
import dev.vigil.model.ModelStore.Location;
import dev.vigil.model.ModelStore.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code vigil models list|pull|verify|deploy}: the model catalog on this machine, and a model put into the running daemon. Results go to stdout, progress and
 * warnings to stderr. Failures are {@link CatalogException}s, which the top-level command prints as
 * {@code vigil: <message>} with their exit code; {@code verify} exits 1 when a copy has the wrong sha256.
 */
@Command(name = "models",         description = "List, download and check the models of the catalog.",
        subcommands = {ModelsCommand.ListModels.class, ModelsCommand.Pull.class, ModelsCommand.Verify.class, ModelsDeploy.class,
                ModelsDeploy.ShadowReport.class})
public final class ModelsCommand extends CatalogCommand {

    public ModelsCommand() { this(ModelStore::fromEnvironment); }

    public ModelsCommand(Supplier<ModelStore> stores) { super(stores); }

    /** A model is installed only if its labels are too; it is missing if either file is. */
    static Location locate(ModelStore store, ModelEntry e) {
        Location model = store.locate(e);
        if (e.labelFile().isEmpty()) return model;
        Location labels = store.locate(e.labels());
        Status worst = model.status().compareTo(labels.status()) >= 0 ? model.status() : labels.status();
        return new Location(worst, model.path());
    }

    @Command(name = "list",             description = "Show every catalog model and where it is: installed, mirror or missing (sizes checked; verify checks hashes).")
    static final class ListModels implements Callable<Integer> {
        @Mixin HelpOption help;
        @ParentCommand ModelsCommand parent;
        @Spec CommandSpec spec;

        @Option(names = "--json", description = "One JSON object per line instead of a table.")
        boolean json;

        @Override public Integer call() {
            ModelStore store = parent.store();
            var out = spec.commandLine().getOut();
            List<ModelEntry> entries = List.copyOf(store.models().entries().values());
            int width = Math.max(4, entries.stream().mapToInt(e -> e.name().length()).max().orElse(4));
            String row = "%-" + width + "s  %-10s  %8s  %-9s  %s";
            if (!json) out.println(row.formatted("NAME", "KIND", "SIZE", "STATUS", "").stripTrailing());
            for (ModelEntry e : entries) {
                Location where = locate(store, e);
                if (json) {
                    Map<String, Object> line = new LinkedHashMap<>();
                    line.put("name", e.name());
                    line.put("kind", e.kind().word());
                    line.put("size", e.size());
                    line.put("status", where.status().word());
                    line.put("path", where.path().map(Path::toString).orElse(null));
                    line.put("default", e.isDefault());
                    line.put("edgetpu", e.edgetpu());
                    line.put("description", e.description());
                    out.println(Output.line(line));
                } else {
                    List<String> notes = new ArrayList<>();
                    if (e.isDefault()) notes.add("default");
                    if (e.edgetpu()) notes.add("edge tpu, cpu: " + e.cpuModel());
                    out.println(row.formatted(e.name(), e.kind().word(), Output.megabytes(e.size()), where.status().word(),
                            String.join("; ", notes)).stripTrailing());
                }
            }
            // What vigil learn made: usable by name like the catalog's, its head in the store.
            for (String n : store.learnedNames()) {
                Path head = store.learnedHead(n);
                long size = head.toFile().length();
                if (json) {
                    Map<String, Object> line = new LinkedHashMap<>();
                    line.put("name", n);
                    line.put("kind", "learned");
                    line.put("size", size);
                    line.put("status", "installed");
                    line.put("path", head.toString());
                    out.println(Output.line(line));
                } else {
                    out.println(row.formatted(n, "learned", Output.megabytes(size), "installed", "head " + head).stripTrailing());
                }
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "pull",             description = "Make models usable: installed copy, mirror copy or download (sha256 checked). Prints each model's path.")
    static final class Pull implements Callable<Integer> {
        @Mixin HelpOption help;
        @ParentCommand ModelsCommand parent;
        @Spec CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "NAME", description = "Catalog names (see models list).")
        List<String> names;

        @Override public Integer call() {
            ModelStore store = parent.store();
            List<ModelEntry> entries = names.stream().map(store.models()::get).toList();
            for (ModelEntry e : entries) {
                spec.commandLine().getOut().println(store.resolve(e).model());
                spec.commandLine().getOut().flush();
            }
            return 0;
        }
    }

    @Command(name = "verify",             description = "Check the sha256 of the installed and mirror copies (all models, or the ones named),"
            + " or of model FILEs against the catalog entry of the same name; with --golden also run each model on its golden images."
            + " Exit 1 on a mismatch.")
    static final class Verify implements Callable<Integer> {
        @Mixin HelpOption help;
        @ParentCommand ModelsCommand parent;
        @Spec CommandSpec spec;

        @Parameters(arity = "0..*", paramLabel = "NAME|FILE", description = "Catalog names or model files; default: all catalog models.")
        List<String> names = List.of();

        @picocli.CommandLine.Option(names = "--golden", description = "Also run each catalog model (CPU builds) on its golden images "
                + "(golden in models/catalog.yaml) and check it sees what the catalog says.")
        boolean golden;

        @Override public Integer call() {
            ModelStore store = parent.store();
            var out = spec.commandLine().getOut();
            List<String> catalogNames = new ArrayList<>();
            int bad = 0;
            for (String n : names) {
                if (store.models().find(n).isPresent() || !looksLikeFile(n)) {
                    catalogNames.add(n);
                    continue;
                }
                Path file = Path.of(n);
                if (!Files.isRegularFile(file)) throw CatalogException.unknown("model file " + n + " does not exist; give an existing file or a catalog name");
                bad += verifyFile(store.check(file), out) ? 0 : 1;
            }
            if (!catalogNames.isEmpty() || names.isEmpty()) {
                List<ModelEntry> entries = selected(store.models(), catalogNames);
                var report = new VerifyReport(out);
                for (ModelEntry e : entries) {
                    report.add(e.name(), store.verify(e));
                    if (e.labelFile().isPresent()) report.add(e.name() + " labels", store.verify(e.labels()));
                }
                bad += report.finish();
                if (golden) for (ModelEntry e : entries) bad += golden(store, e, out);
            }
            out.flush();
            return bad == 0 ? 0 : 1;
        }

        /** One line per golden image: ok, or WRONG with what the model saw; the number of wrong ones. */
        private static int golden(ModelStore store, ModelEntry e, java.io.PrintWriter out) {
            if (e.golden().isEmpty() || e.edgetpu()) return 0;
            int wrong = 0;
            try (var a = dev.vigil.pipeline.Analyzer.open(dev.vigil.pipeline.ModelSpec.of(store.resolve(e)), dev.vigil.pipeline.Analyzer.Options.defaults(1))) {
                for (ModelStore.GoldenImage g : store.golden(e)) {
                    String why = dev.vigil.swap.GoldenCheck.check(a, g);
                    if (why == null) out.println("ok        " + e.name() + " on golden image " + g.golden().image());
                    else out.println("WRONG     " + e.name() + ": it " + why);
                    wrong += why == null ? 0 : 1;
                }
            }
            return wrong;
        }

        private static boolean looksLikeFile(String n) {
            return n.contains("/") || n.contains("\\") || n.endsWith(".tflite") || Files.isRegularFile(Path.of(n));
        }

        /** One line: ok, MISMATCH or "not in catalog"; false on a mismatch. */
        private static boolean verifyFile(ModelStore.FileCheck c, java.io.PrintWriter out) {
            if (c.byBytes().isPresent()) {
                ModelEntry e = c.byBytes().get();
                out.println("ok        " + c.file() + ": sha256 " + c.sha256() + " is catalog model " + e.name()
                        + (c.byName().isPresent() && c.byName().get() != e ? " (though named like " + c.byName().get().name() + ")" : ""));
                return true;
            }
            if (c.mismatch()) {
                out.println("MISMATCH  " + c.mismatchLine() + "; pull the catalog copy (`vigil models pull " + c.byName().get().name() + "`)");
                return false;
            }
            out.println("unknown   " + c.file() + ": sha256 " + c.sha256() + " is not in the catalog (no entry has its name or its bytes)");
            return true;
        }
    }
}
