package dev.vigil.cli;

import dev.vigil.config.ConfigException;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.HttpConfig;
import dev.vigil.http.TokenFile;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The running daemon's authenticated HTTP API, as a CLI command reaches it: the address from {@code --to} or the
 * config's {@code http.listen} port on 127.0.0.1, the token from {@code --token-file} or the config's
 * {@code http.token_file} (as {@code vigil token} reads it). A picocli mixin.
 */
final class DaemonClient {

    @Option(names = "--to", paramLabel = "HOST[:PORT]", description = "The daemon (default: 127.0.0.1 and the port of http.listen).")
    String to;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "The daemon's config, for its port and token file (default: "
            + DoctorCommand.SERVICE_CONFIG + " when it exists).")
    Path config;

    @Option(names = "--token-file", paramLabel = "FILE", description = "The HTTP token (default: http.token_file of the config).")
    Path tokenFile;

    /** An answer, or null with {@code problem} set when no daemon answered. */
    record Answer(HttpResponse<String> response, String problem, boolean tokenRead, Path tokens) {}

    /** {@code host:port} or {@code [v6]:port}; a bare IPv6 address has colons but no port. */
    static boolean hasPort(String to) {
        return to.startsWith("[") ? to.contains("]:") : to.indexOf(':') > 0 && to.indexOf(':') == to.lastIndexOf(':');
    }

    boolean local() { return to == null; }

    Answer send(String method, String path, String body, Duration timeout) throws IOException, InterruptedException {
        HttpConfig http = httpConfig();
        String host = to == null ? "127.0.0.1:" + http.port() : hasPort(to) ? to
                : (to.contains(":") && !to.startsWith("[") ? "[" + to + "]" : to) + ":" + http.port();
        Path tokens = tokenFile != null ? tokenFile : http.tokenFile();
        String token = null;
        try {
            token = TokenFile.read(tokens);
        } catch (IOException e) {
            // A daemon on loopback with auth unset needs none; one that needs it answers 401, and the caller names the fix.
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + host + path)).timeout(timeout).header("X-Vigil-Request", "1");
        b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        if (token != null) b.header("Authorization", "Bearer " + token);
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            return new Answer(client.send(b.build(), HttpResponse.BodyHandlers.ofString()), null, token != null, tokens);
        } catch (ConnectException e) {
            return new Answer(null, "no daemon answers at " + host + "; is vigil running there (systemctl status vigil), or give --to HOST:PORT",
                    token != null, tokens);
        }
    }

    private HttpConfig httpConfig() {
        Path file = config != null ? config : Files.isRegularFile(Path.of(DoctorCommand.SERVICE_CONFIG)) ? Path.of(DoctorCommand.SERVICE_CONFIG) : null;
        if (file == null) return HttpConfig.DEFAULT;
        try {
            return ConfigLoader.load(file).http();
        } catch (ConfigException e) {
            if (config != null) throw e; // the one the user named must be right
            return HttpConfig.DEFAULT;
        }
    }
}
