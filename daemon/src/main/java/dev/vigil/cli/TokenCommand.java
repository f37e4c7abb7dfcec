package dev.vigil.cli;

import dev.vigil.config.HttpConfig;
import dev.vigil.http.TokenFile;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vigil token [--rotate] [--file FILE]}: prints the HTTP token (the bearer token for the API and scrapers, the
 * password of the status page's login), or writes a new one. The daemon reads the file again when it changes, so a
 * rotation takes effect at the next request and ends the sessions made with the old token.
 */
@Command(name = "token", description = "Print the HTTP token (bearer token and login password), or write a new one with --rotate.")
public final class TokenCommand implements Callable<Integer> {

    @Mixin HelpOption help;
    @Spec CommandSpec spec;

    @Option(names = "--file", paramLabel = "FILE", description = "The token file, as http.token_file names it (default: ${DEFAULT-VALUE}).")
    Path file = HttpConfig.DEFAULT_TOKEN_FILE;

    @Option(names = "--rotate", description = "Write a new random token (32 bytes, URL-safe base64) atomically, mode 0640, keeping the "
            + "file's group; prints it. The running daemon takes it at once; its login sessions end.")
    boolean rotate;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        try {
            out.println(rotate ? TokenFile.rotate(file) : TokenFile.read(file));
            out.flush();
            return Main.EXIT_OK;
        } catch (NoSuchFileException e) {
            err.println("vigil: " + (rotate ? file.toAbsolutePath().getParent() : file) + ": no such "
                    + (rotate ? "folder; create it first" : "file; create one with `vigil token --rotate --file " + file + "`"));
        } catch (AccessDeniedException e) {
            err.println("vigil: " + file + ": permission denied; run it as root (sudo vigil token) or as a member of the file's group");
        } catch (IOException e) {
            err.println("vigil: " + file + ": " + e.getMessage());
        }
        err.flush();
        return Main.EXIT_FAILED_INPUTS;
    }
}
