package dev.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.config.ConfigException;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.HttpConfig;
import dev.vigil.config.VigilConfig;
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
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vigil models deploy NAME|PATH [--accept-disagreement] [--to HOST[:PORT]]}: asks the running daemon, over its
 * authenticated HTTP API ({@code POST /api/models/deploy}), to load the model beside the live one, self-test it and
 * switch to it between two frames. Prints the daemon's one line; exit 0 when it switched, 1 when it refused.
 */
@Command(name = "deploy", description = "Put another model into the running daemon: loaded beside the live one, self-tested on recent frames,"
        + " switched between two frames; the previous one stays loaded for models.probation_s and comes back by itself on errors.")
final class ModelsDeploy implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin HelpOption help;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME|PATH", description = "A catalog name (see models list) or a .tflite file on the daemon's machine.")
    String model;

    @Option(names = "--accept-disagreement", description = "A deliberate change: do not require the new model to agree with the live one.")
    boolean acceptDisagreement;

    @Option(names = "--to", paramLabel = "HOST[:PORT]", description = "The daemon to deploy to (default: 127.0.0.1 and the port of http.listen).")
    String to;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "The daemon's config, for its port and token file (default: "
            + DoctorCommand.SERVICE_CONFIG + " when it exists).")
    Path config;

    @Option(names = "--token-file", paramLabel = "FILE", description = "The HTTP token (default: http.token_file of the config).")
    Path tokenFile;

    @Override
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        HttpConfig http = httpConfig();
        String host = to == null ? "127.0.0.1:" + http.port() : hasPort(to) ? to
                : (to.contains(":") && !to.startsWith("[") ? "[" + to + "]" : to) + ":" + http.port();
        Path tokens = tokenFile != null ? tokenFile : http.tokenFile();
        String token = null;
        try {
            token = TokenFile.read(tokens);
        } catch (IOException e) {
            // A daemon on loopback with auth unset needs none; one that needs it answers 401 below, naming the fix.
        }
        String sent = model;
        Path local = Path.of(model);
        if (to == null && (model.contains("/") || model.endsWith(".tflite")) && Files.isRegularFile(local)) sent = local.toAbsolutePath().toString();
        String body = JSON.createObjectNode().put("model", sent).put("accept_disagreement", acceptDisagreement).toString();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + host + "/api/models/deploy")).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json").header("X-Vigil-Request", "1").POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) b.header("Authorization", "Bearer " + token);
        HttpResponse<String> r;
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            err.println("vigil: no daemon answers at " + host + "; is vigil running there (systemctl status vigil), or give --to HOST:PORT");
            err.flush();
            return Main.EXIT_FAILED_INPUTS;
        }
        JsonNode n;
        try {
            n = JSON.readTree(r.body());
        } catch (IOException e) {
            n = null;
        }
        String message = n != null && n.hasNonNull("message") ? n.get("message").asText() : "HTTP " + r.statusCode() + " " + r.body().strip();
        if (r.statusCode() == 401 && token == null) message += " (no token read from " + tokens + "; give --token-file or run as a member of its group)";
        boolean switched = r.statusCode() == 200 && n != null && n.path("ok").asBoolean();
        (switched ? out : err).println(switched ? message : "vigil: " + message);
        out.flush();
        err.flush();
        return switched ? Main.EXIT_OK : Main.EXIT_FAILED_INPUTS;
    }

    /** {@code host:port} or {@code [v6]:port}; a bare IPv6 address has colons but no port. */
    static boolean hasPort(String to) {
        return to.startsWith("[") ? to.contains("]:") : to.indexOf(':') > 0 && to.indexOf(':') == to.lastIndexOf(':');
    }

    private HttpConfig httpConfig() {
        Path file = config != null ? config : Files.isRegularFile(Path.of(DoctorCommand.SERVICE_CONFIG)) ? Path.of(DoctorCommand.SERVICE_CONFIG) : null;
        if (file == null) return HttpConfig.DEFAULT;
        try {
            VigilConfig c = ConfigLoader.load(file);
            return c.http();
        } catch (ConfigException e) {
            if (config != null) throw e; // the one the user named must be right
            return HttpConfig.DEFAULT;
        }
    }
}
