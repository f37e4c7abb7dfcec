package dev.vigil.cli;

import dev.vigil.config.ConfigException;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.Redaction;
import dev.vigil.config.VigilConfig;
import dev.vigil.daemon.Preflight;
import dev.vigil.events.EventStore;
import dev.vigil.model.ModelStore;
import dev.vigil.pipeline.LabelCheck;
import dev.vigil.pipeline.ModelSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
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
 * not downloaded yet is a warning, not an error), then what {@code run} would refuse on this machine ({@link Preflight}:
 * the events directory, camera folders and files, the HTTP address), one line per problem, exit 2. Credentials never
 * appear in the output.
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

    @Option(names = "--allow-modified-model", description = "Accept a model file named like a catalog model whose sha256 differs, as run --allow-modified-model does.")
    boolean allowModifiedModel;

    @Option(names = "--print-defaults", description = "Print every configuration key with its default and meaning (no FILE needed).")
    boolean printDefaults;

    /** Where the model's labels are looked up; tests give their own, otherwise the environment's. */
    ModelStore store;

    /** What {@code ${VAR}} reads; tests give their own, otherwise the process environment. */
    java.util.Map<String, String> env;

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
            config = ConfigLoader.load(file, env != null ? env : System.getenv());
        } catch (ConfigException e) {
            var err = spec.commandLine().getErr();
            err.println(Redaction.redact(e.located()));
            err.flush();
            return e.exitCode();
        }
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        for (String w : config.warnings()) err.println(file + ": warning: " + Redaction.redact(w));
        try {
            ModelStore models = (store != null ? store : ModelStore.fromEnvironment()).allowingModifiedModels(allowModifiedModel);
            LabelCheck.Offline model = LabelCheck.resolveOffline(config, models);
            if (model.spec().isEmpty()) err.println(file + ": warning: " + model.skipped());
            ModelSpec m = model.spec().orElse(null);
            if (m != null && m.labels().isPresent()) LabelCheck.check(config, m.labels().get(), m.name());
            if (m != null) for (String w : LabelCheck.scoreFloorWarnings(config, m)) err.println(file + ": warning: " + w);
            for (String w : LabelCheck.checkSecondStages(config, models, model.spec())) err.println(file + ": warning: " + w);
        } catch (ConfigException e) {
            err.println(Redaction.redact(e.in(file).located()));
            err.flush();
            return e.exitCode();
        }
        // What run would refuse on this machine: every problem, one line each.
        // A vigil already running on this config holds its events directory and its port: the usual case when a config
        // is checked before a restart, which frees both. Checking the port then would fail every such deploy.
        OptionalLong running = EventStore.writerOf(config.events().dir());
        if (running.isPresent()) err.println(file + ": note: a vigil (pid " + (running.getAsLong() < 0 ? "unknown" : running.getAsLong())
                + ") runs on events.dir " + config.events().dir() + "; its port " + config.http().listen()
                + " is not checked (a restart frees both)");
        List<String> problems = new java.util.ArrayList<>(Preflight.problems(config, running.isEmpty()));
        try {
            dev.vigil.http.StatusServer.checkAccess(config.http()); // the token file run would need, before anything
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        for (String p : problems) err.println(file + ": " + p);
        err.flush();
        if (!problems.isEmpty()) return ConfigException.EXIT_CODE;
        out.println(file + ": ok (" + ConfigLoader.summary(config) + ")");
        if (print) out.print(ConfigLoader.toYaml(config));
        out.flush();
        return Main.EXIT_OK;
    }
}
