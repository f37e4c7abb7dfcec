package dev.vigil.cli;

import dev.vigil.model.Artifact;
import dev.vigil.model.Catalog;
import dev.vigil.model.ModelStore;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** What {@code vigil models} and {@code vigil images} share: the store as configured, with {@code --mirror} over its mirror. */
abstract class CatalogCommand {

    @Mixin HelpOption help;

    @Option(names = "--mirror", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "Folder tried before downloading (holds <file>, models/<file> or test-images/<file>); default: $VIGIL_MIRROR.")
    Path mirror;

    private final Supplier<ModelStore> stores;

    /** @param stores the store as configured (home, mirror from the config file); {@code --mirror} overrides its mirror */
    CatalogCommand(Supplier<ModelStore> stores) { this.stores = stores; }

    ModelStore store() {
        ModelStore store = stores.get();
        return mirror == null ? store : store.withMirror(mirror, "--mirror");
    }

    /** The entries named, in that order, or every entry when no name is given; an unknown name is a CatalogException. */
    static <E extends Artifact> List<E> selected(Catalog<E> catalog, List<String> names) {
        return names.isEmpty() ? List.copyOf(catalog.entries().values()) : names.stream().map(catalog::get).toList();
    }
}
