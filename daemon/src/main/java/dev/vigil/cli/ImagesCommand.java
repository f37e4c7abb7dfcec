package dev.vigil.cli;

import dev.vigil.model.CatalogException;
import dev.vigil.model.ImageEntry;
import dev.vigil.model.ModelStore;
import dev.vigil.model.ModelStore.Location;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code vigil images list|pull|verify}: the test-image catalog, handled like {@link ModelsCommand}.
 * {@code pull --all} fills one folder with every image, ready for {@code vigil detect}.
 */
@Command(name = "images",         description = "List, download and check the test images of the catalog.",
        subcommands = {ImagesCommand.ListImages.class, ImagesCommand.Pull.class, ImagesCommand.Verify.class})
public final class ImagesCommand extends CatalogCommand {

    public ImagesCommand() { this(ModelStore::fromEnvironment); }

    public ImagesCommand(Supplier<ModelStore> stores) { super(stores); }

    private static String expect(ImageEntry e) {
        return e.expect().isEmpty() ? "-" : e.expect().stream().map(ImageEntry.Expect::word).collect(Collectors.joining(","));
    }

    @Command(name = "list",             description = "Show every catalog image and where it is: installed, mirror or missing.")
    static final class ListImages implements Callable<Integer> {
        @Mixin HelpOption help;
        @ParentCommand ImagesCommand parent;
        @Spec CommandSpec spec;

        @Option(names = "--json", description = "One JSON object per line instead of a table.")
        boolean json;

        @Override public Integer call() {
            ModelStore store = parent.store();
            var out = spec.commandLine().getOut();
            List<ImageEntry> entries = List.copyOf(store.images().entries().values());
            int width = Math.max(4, entries.stream().mapToInt(e -> e.name().length()).max().orElse(4));
            String row = "%-" + width + "s  %8s  %-9s  %-13s  %s";
            if (!json) out.println(row.formatted("NAME", "SIZE", "STATUS", "EXPECT", "CONTENT"));
            for (ImageEntry e : entries) {
                Location where = store.locate(e);
                if (json) {
                    Map<String, Object> line = new LinkedHashMap<>();
                    line.put("name", e.name());
                    line.put("file", e.file());
                    line.put("size", e.size());
                    line.put("status", where.status().word());
                    line.put("path", where.path().map(Path::toString).orElse(null));
                    line.put("expect", e.expect().stream().map(ImageEntry.Expect::word).toList());
                    line.put("content", e.content());
                    out.println(Output.line(line));
                } else {
                    out.println(row.formatted(e.name(), Output.megabytes(e.size()), where.status().word(), expect(e), e.content())
                            .stripTrailing());
                }
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "pull",             description = "Make images usable (installed copy, mirror copy or download, sha256 checked) and print their paths;"
                    + " --all copies every image into one folder and prints the folder.")
    static final class Pull implements Callable<Integer> {
        @Mixin HelpOption help;
        @ParentCommand ImagesCommand parent;
        @Spec CommandSpec spec;

        @Option(names = "--all", description = "Every image, copied into one folder.")
        boolean all;

        @Option(names = "--into", paramLabel = "DIR", description = "The folder for --all; default: $VIGIL_HOME/test-images.")
        Path into;

        @Parameters(arity = "0..*", paramLabel = "NAME", description = "Catalog names (see images list).")
        List<String> names = List.of();

        @Override public Integer call() {
            ModelStore store = parent.store();
            var out = spec.commandLine().getOut();
            if (all == !names.isEmpty()) {
                throw CatalogException.unknown("images pull: give image names or --all (not both); names: "
                        + String.join(", ", store.images().names()));
            }
            if (into != null && !all) throw CatalogException.unknown("images pull: --into goes with --all");
            if (all) {
                Path dir = into != null ? into : store.home().resolve("test-images");
                out.println(store.pullAllImages(dir));
            } else {
                List<ImageEntry> entries = names.stream().map(store.images()::get).toList();
                for (ImageEntry e : entries) out.println(store.fetch(e));
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "verify",             description = "Check the sha256 of the installed and mirror copies (all images, or the ones named). Exit 1 on a mismatch.")
    static final class Verify implements Callable<Integer> {
        @Mixin HelpOption help;
        @ParentCommand ImagesCommand parent;
        @Spec CommandSpec spec;

        @Parameters(arity = "0..*", paramLabel = "NAME", description = "Catalog names; default: all.")
        List<String> names = List.of();

        @Override public Integer call() {
            ModelStore store = parent.store();
            List<ImageEntry> entries = selected(store.images(), names);
            var report = new VerifyReport(spec.commandLine().getOut());
            for (ImageEntry e : entries) report.add(e.name(), store.verify(e));
            return report.finish();
        }
    }
}
