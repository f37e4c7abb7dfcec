package dev.vigil.cli;

import dev.vigil.config.ConfigLoader;
import dev.vigil.config.UploadConfig;
import dev.vigil.config.VigilConfig;
import dev.vigil.events.EventFiles;
import dev.vigil.sampling.SampleStore;
import dev.vigil.time.TimeSource;
import dev.vigil.upload.Uploader;
import java.nio.file.Files;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code vigil dataset upload [--day D] -c CONFIG}: one push of the dataset to the storage of {@code sampling.upload},
 * as the daemon's pass does: what the storage already holds is not sent again (the same record as the daemon's), so
 * it may run beside the daemon or after a failed pass.
 */
@Command(name = "upload", description = "Send the dataset to the S3-compatible storage of sampling.upload now: a batch per day in its export formats"
        + " and a manifest; what the storage holds already is not sent again. Credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.")
final class DatasetUpload implements Callable<Integer> {

    @Mixin HelpOption help;
    @ParentCommand DatasetCommand parent;
    @Spec CommandSpec spec;

    @Option(names = "--day", paramLabel = "YYYY-MM-DD", description = "Only this day's batch (UTC); default: every day with samples.")
    String day;

    @Override
    public Integer call() {
        return DatasetCommand.run(spec, () -> {
            if (parent.config == null) throw new IllegalArgumentException("give the config whose sampling.upload says where to: --config FILE");
            VigilConfig cfg = ConfigLoader.load(parent.config);
            UploadConfig uc = cfg.sampling().upload().orElseThrow(() -> new IllegalArgumentException(
                    parent.config + ": no sampling.upload section; add one with s3: {bucket: ..., endpoint: ...} (see docs/configuration.md)"));
            var dir = parent.dir != null ? parent.dir : cfg.sampling().dir();
            if (!Files.isDirectory(dir.resolve("samples"))) throw new IllegalArgumentException(dir + ": no dataset here (no samples folder); is sampling.dir right?");
            SampleStore store = SampleStore.open(dir, Long.MAX_VALUE, EventFiles.local());
            var out = spec.commandLine().getOut();
            var err = spec.commandLine().getErr();
            try (Uploader u = new Uploader(uc, store, Uploader.environmentCredentials(), TimeSource.system(), r -> {})) {
                List<LocalDate> days = day == null ? u.days() : List.of(parse(day));
                for (LocalDate d : days) {
                    Uploader.Result r = u.upload(d);
                    out.println(d + ": " + r.sent() + " object(s) sent (" + r.bytes() + " bytes), " + r.skipped() + " already there"
                            + (r.objects() == 0 ? " (no samples that day)" : ""));
                    out.flush();
                }
                return Main.EXIT_OK;
            } catch (dev.vigil.upload.Storage.Refused e) {
                err.println("vigil: " + e.getMessage());
                err.flush();
                return Main.EXIT_FAILED_INPUTS;
            } catch (RuntimeException e) {
                err.println("vigil: the upload to " + uc.where() + " stopped (" + dev.vigil.config.Secrets.redact(String.valueOf(e.getMessage()))
                        + "); run it again to continue where it stopped");
                err.flush();
                return Main.EXIT_FAILED_INPUTS;
            }
        });
    }

    private static LocalDate parse(String s) {
        try {
            return LocalDate.parse(s.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--day " + s + " is not a date as 2026-11-21");
        }
    }
}
