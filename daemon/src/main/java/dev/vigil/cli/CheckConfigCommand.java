package dev.vigil.cli;

import dev.vigil.config.ConfigException;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.model.ModelStore;
import dev.vigil.pipeline.LabelCheck;
import dev.vigil.pipeline.ModelSpec;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vigil check-config FILE}: loads a config the way {@code vigil run} does and prints
 * {@code FILE: ok (N cameras: ...)} (after {@code FILE: warning: ...} lines on stderr for deprecated keys), or the
 * one-line error and exit 2. The group and QC labels are checked against the model's (from local files only: a model
 * not downloaded yet is a warning, not an error). Credentials never appear in the output.
 */
@Command(name = "check-config",
        description = "Check a configuration file: every key, value and $${VAR}; prints its cameras, or the error (exit 2).")
public final class CheckConfigCommand implements Callable<Integer> {

    @Mixin HelpOption help;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "0..1", description = "The YAML configuration (see config/ for examples).")
    Path positional;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "The same, as the other commands take it.")
    Path option;

    @Option(names = "--print", description = "Also print the configuration with every default filled in (credentials masked).")
    boolean print;

    @Option(names = "--print-defaults", description = "Print every configuration key with its default and meaning (no FILE needed).")
    boolean printDefaults;

    /** Where the model's labels are looked up; tests give their own, otherwise the environment's. */
    ModelStore store;

    @Override
    public Integer call() {
        if (printDefaults) {
            var out = spec.commandLine().getOut();
            out.print(dev.vigil.config.ConfigReference.yaml());
            out.flush();
            return Main.EXIT_OK;
        }
        if (positional != null && option != null && !positional.equals(option))
            throw new Main.UsageException("two configs given (" + positional + " and --config " + option + "); give one");
        Path file = option != null ? option : positional;
        if (file == null) throw new Main.UsageException("a config file is needed: vigil check-config --config FILE");
        VigilConfig config;
        try {
            config = ConfigLoader.load(file);
        } catch (ConfigException e) {
            var err = spec.commandLine().getErr();
            err.println(e.located());
            err.flush();
            return e.exitCode();
        }
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        for (String w : config.warnings()) err.println(file + ": warning: " + w);
        try {
            LabelCheck.Offline model = LabelCheck.resolveOffline(config, store != null ? store : ModelStore.fromEnvironment());
            if (model.spec().isEmpty()) err.println(file + ": warning: " + model.skipped());
            ModelSpec m = model.spec().orElse(null);
            if (m != null && m.labels().isPresent()) LabelCheck.check(config, m.labels().get(), m.name());
        } catch (ConfigException e) {
            err.println(e.in(file).located());
            err.flush();
            return e.exitCode();
        }
        err.flush();
        out.println(file + ": ok (" + ConfigLoader.summary(config) + ")");
        if (print) out.print(ConfigLoader.toYaml(config));
        out.flush();
        return Main.EXIT_OK;
    }
}
