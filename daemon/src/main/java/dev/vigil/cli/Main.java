package dev.vigil.cli;

import ch.qos.logback.classic.Level;
import dev.vigil.inference.ModelLoadException;
import dev.vigil.config.ConfigException;
import dev.vigil.model.CatalogException;
import java.io.PrintWriter;
import java.util.List;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The `vigil` command line. Exit codes: 0 ok, 1 some inputs failed, 2 usage, 3 a model that cannot be loaded or run,
 * 4 `run --once` with a camera whose source never delivered a frame.
 */
@Command(name = "vigil", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Edge vision daemon: camera frames through TensorFlow Lite to alarms and metrics.")
public final class Main implements java.util.concurrent.Callable<Integer> {

    public static final int EXIT_OK = 0, EXIT_FAILED_INPUTS = 1, EXIT_USAGE = 2, EXIT_MODEL = 3, EXIT_NO_FRAMES = 4;

    /** The subcommands, in the order `vigil --help` lists them (aot-train is hidden). */
    static final List<Class<?>> SUBCOMMANDS = List.of(RunCommand.class, ClassifyCommand.class, DetectCommand.class,
            BenchCommand.class, EvalCommand.class, ModelsCommand.class, ImagesCommand.class, CheckConfigCommand.class,
            DoctorCommand.class, GpioCommand.class, TokenCommand.class, ReloadCommand.class, DatasetCommand.class, LearnCommand.class, AotTrainCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** {@code vigil} alone: the list of commands (on stderr, since nothing was done), exit 2. */
    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        spec.commandLine().usage(err);
        err.flush();
        return EXIT_USAGE;
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI and returns the exit code (tests call this instead of main). */
    public static int execute(String... args) {
        CommandLine cli = commandLine(args);
        return cli.execute(args);
    }

    /** The whole command tree, every subcommand built. */
    public static CommandLine commandLine() {
        return commandLine(new String[0]);
    }

    /**
     * The command tree {@code args} need: when they start with a subcommand's name, that subcommand alone, since
     * building one means instantiating it and reflecting over its options (a fifth of a `detect`'s start-up when all
     * were built); none for {@code --version}; otherwise (help, a typo, no command) all of them.
     */
    static CommandLine commandLine(String[] args) {
        CommandLine cli = new CommandLine(new Main());
        boolean version = args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"));
        Class<?> only = args.length == 0 ? null : SUBCOMMANDS.stream()
                .filter(c -> c.getAnnotation(Command.class).name().equals(args[0])).findFirst().orElse(null);
        List<Class<?>> needed = version ? List.of() : only != null ? List.of(only) : SUBCOMMANDS;
        for (Class<?> c : needed) cli.addSubcommand(c);
        // `vigil help [COMMAND]` prints the same as `vigil [COMMAND] --help`.
        if (!version && only == null) cli.addSubcommand(new CommandLine.HelpCommand());
        addHelp(cli);
        cli.setParameterExceptionHandler((ex, rest) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("vigil: " + ex.getMessage() + hint(ex) + " (see `" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help`)");
            err.flush();
            return EXIT_USAGE;
        });
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            int code;
            String msg;
            if (ex instanceof ModelLoadException) {
                code = EXIT_MODEL;
                msg = ex.getMessage();
            } else if (ex instanceof ConfigException ce) {
                code = ce.exitCode();
                msg = ce.located();
            } else if (ex instanceof CatalogException ce) {
                code = ce.exitCode();
                msg = ex.getMessage();
            } else if (ex instanceof UsageException || ex instanceof IllegalArgumentException) {
                code = EXIT_USAGE;
                msg = ex.getMessage();
            } else {
                code = EXIT_FAILED_INPUTS;
                msg = ex.getClass().getSimpleName() + ": " + ex.getMessage();
                LoggerFactory.getLogger(Main.class).debug("failure", ex);
            }
            // A message may quote a URL or a command line the config's secrets went into.
            err.println("vigil: " + dev.vigil.config.Redaction.redact(oneLine(msg)));
            err.flush();
            return code;
        });
        return cli;
    }

    /**
     * What the user most likely meant, for the mistakes a first run makes: a config file given without --config
     * ({@code vigil run config.yaml}).
     */
    static String hint(CommandLine.ParameterException ex) {
        if (!(ex instanceof CommandLine.UnmatchedArgumentException u)) return "";
        boolean takesConfig = ex.getCommandLine().getCommandSpec().optionsMap().containsKey("--config");
        for (String a : u.getUnmatched()) {
            if (takesConfig && (a.endsWith(".yaml") || a.endsWith(".yml"))) return "; to use it as the config, write --config " + a;
        }
        return "";
    }

    /** Every command answers --help and --version, however deep. */
    private static void addHelp(CommandLine c) {
        for (CommandLine sub : c.getSubcommands().values()) {
            boolean has = sub.getCommandSpec().optionsMap().containsKey("--help");
            if (!has) sub.getCommandSpec().mixinStandardHelpOptions(true);
            addHelp(sub);
        }
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").strip();
    }

    /** Quiet logs for one-shot commands unless -v: their output is the JSON on stdout. */
    static void logLevel(boolean verbose) {
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(verbose ? Level.DEBUG : Level.WARN);
    }

    /** A bad argument found after parsing (exit 2). */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) { super(message); }
    }
}
