package dev.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.config.ConfigException;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.HttpConfig;
import dev.vigil.config.Redaction;
import dev.vigil.http.TokenFile;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vigil reload [--config FILE] [--to HOST[:PORT]]}: asks the running daemon, over its authenticated HTTP API
 * ({@code POST /api/reload}), to read its config file again and apply it. Prints the daemon's one line: what changed
 * (exit 0), or why nothing did (exit 2 for a config the daemon refused, 1 when no daemon answered). The address and
 * the token file come from the config's {@code http:} section; {@code --to} names another host.
 */
@Command(name = "reload", description = "Make the running vigil re-read its config file and apply it (or change nothing and say why).")
public final class ReloadCommand implements Callable<Integer> {

    static final Path DEFAULT_CONFIG = Path.of("/etc/vigil/vigil.yaml");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin HelpOption help;
    @Spec CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "The config the daemon runs with: its http: section says "
            + "where it listens and where the token is (default: ${DEFAULT-VALUE}).")
    Path config = DEFAULT_CONFIG;

    @Option(names = "--to", paramLabel = "HOST[:PORT]", description = "The daemon's host (default: the config's http.listen; "
            + "the port defaults to the config's).")
    String to;

    @Option(names = "--token-file", paramLabel = "FILE", description = "The token file (default: the config's http.token_file).")
    Path tokenFile;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        HttpConfig http;
        try {
            http = ConfigLoader.load(config).http();
        } catch (ConfigException e) {
            if (to == null) {
                // The daemon would refuse this very file with this very line; the running config stays either way.
                err.println(Redaction.redact(e.located()));
                err.println("vigil: nothing sent; the running vigil keeps its config");
                err.flush();
                return ConfigException.EXIT_CODE;
            }
            http = HttpConfig.DEFAULT;
        }
        String host = http.host().equals("0.0.0.0") || http.host().equals("::") ? "127.0.0.1" : http.host();
        int port = http.port();
        if (to != null) {
            int colon = to.lastIndexOf(':');
            boolean hasPort = colon > 0 && !to.endsWith("]") && to.indexOf(':') == colon;
            host = hasPort ? to.substring(0, colon) : to;
            if (hasPort) {
                try {
                    port = Integer.parseInt(to.substring(colon + 1));
                } catch (NumberFormatException e) {
                    throw new Main.UsageException("--to " + to + ": the port is not a number; give HOST or HOST:PORT");
                }
            }
        }
        Path tf = tokenFile != null ? tokenFile : http.tokenFile();
        String token = null;
        try {
            token = TokenFile.read(tf);
        } catch (IOException e) {
            if (http.credentialRequired() || tokenFile != null) {
                err.println("vigil: " + tf + ": cannot read the token (" + e.getClass().getSimpleName() + "); run as root or as a member of "
                        + "the file's group, or give --token-file");
                err.flush();
                return Main.EXIT_FAILED_INPUTS;
            }
        }
        String where = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://" + where + "/api/reload"))
                .timeout(Duration.ofSeconds(30)).header("X-Vigil-Request", "1").POST(HttpRequest.BodyPublishers.noBody());
        if (token != null) req.header("Authorization", "Bearer " + token);
        HttpResponse<String> res;
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            res = client.send(req.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            err.println("vigil: no vigil answers at " + where + " (connection refused); is it running? (systemctl status vigil)");
            err.flush();
            return Main.EXIT_FAILED_INPUTS;
        } catch (IOException e) {
            err.println("vigil: " + where + ": " + e.getMessage());
            err.flush();
            return Main.EXIT_FAILED_INPUTS;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Main.EXIT_FAILED_INPUTS;
        }
        String message;
        try {
            JsonNode j = JSON.readTree(res.body());
            message = j.path("message").asText(res.body().strip());
        } catch (IOException e) {
            message = res.body().strip();
        }
        if (res.statusCode() == 200) {
            out.println(message);
            out.flush();
            return Main.EXIT_OK;
        }
        err.println("vigil: " + message);
        err.flush();
        return res.statusCode() == 400 ? ConfigException.EXIT_CODE : Main.EXIT_FAILED_INPUTS;
    }
}
