package dev.vigil.cli;

import dev.vigil.config.ConfigLoader;
import dev.vigil.config.GpioConfig;
import dev.vigil.config.VigilConfig;
import dev.vigil.gpio.GpioException;
import dev.vigil.gpio.GpioPins;
import dev.vigil.gpio.Pi4jPins;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "gpio", description = "GPIO outputs and inputs of a config.", subcommands = {GpioCommand.Reset.class})
final class GpioCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is needed: reset");
    }

    @Command(name = "reset", description = "Force every output of the config (and the heartbeat) to its safe state: off, "
            + "which is HIGH for an active-low part. Run it with the daemon stopped (it holds the pins while it runs).")
    static final class Reset implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = {"-c", "--config"}, paramLabel = "FILE", required = true, description = "The daemon's config file.")
        Path config;

        @Override
        public Integer call() {
            Main.logLevel(false);
            VigilConfig cfg = ConfigLoader.load(config);
            GpioConfig g = cfg.gpio();
            if (!g.present() || (g.outputs().isEmpty() && g.heartbeat().isEmpty())) {
                throw new Main.UsageException(config + " has no gpio outputs; nothing to reset");
            }
            PrintWriter out = spec.commandLine().getOut();
            try (Pi4jPins pins = Pi4jPins.open(g)) {
                out.println("gpio: " + pins.description());
                for (GpioConfig.Output o : g.outputs().values()) {
                    GpioPins.OutputPin p = pins.output(o.name(), o.pin(), o.activeLow()); // claimed in its safe state
                    p.set(false);
                    out.printf("%-12s BCM %-3d off (%s%s)%n", o.name(), o.pin(), pins.level(o.name()) ? "HIGH" : "LOW",
                            o.activeLow() ? ", active-low" : "");
                }
                g.heartbeat().ifPresent(h -> {
                    pins.output("heartbeat", h.pin(), h.activeLow()).set(false);
                    out.printf("%-12s BCM %-3d off (%s)%n", "heartbeat", h.pin(), pins.level("heartbeat") ? "HIGH" : "LOW");
                });
            } catch (GpioException e) {
                throw new Main.UsageException(e.getMessage());
            }
            out.flush();
            return Main.EXIT_OK;
        }
    }
}
