package dev.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
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
 * {@code vigil models deploy NAME|PATH|URL [--sha256 HEX] [--accept-disagreement] [--shadow] [--to HOST[:PORT]]}: asks the running daemon,
 * over its authenticated HTTP API ({@code POST /api/models/deploy}), to load the model beside the live one, self-test
 * it and switch to it between two frames (or run it as the shadow). Prints the daemon's one line; exit 0 when it
 * switched (or shadows), 1 when it refused.
 */
@Command(name = "deploy", description = "Put another model into the running daemon: loaded beside the live one, self-tested on recent frames,"
        + " switched between two frames; the previous one stays loaded for models.probation_s and comes back by itself on errors.")
final class ModelsDeploy implements Callable<Integer> {

    static final ObjectMapper JSON = new ObjectMapper();

    @Mixin HelpOption help;
    @Mixin DaemonClient daemon;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME|PATH|URL", description = "A catalog name (see models list), a .tflite file on the daemon's machine,"
            + " or an http(s) URL with its sha256 (URL#sha256=HEX, or --sha256): the daemon downloads it into its model store and checks it.")
    String model;

    @Option(names = "--sha256", paramLabel = "HEX", description = "The sha256 of the model at URL: a file with other bytes is refused.")
    String sha256;

    @Option(names = "--accept-disagreement", description = "A deliberate change: do not require the new model to agree with the live one.")
    boolean acceptDisagreement;

    @Option(names = "--shadow", description = "Do not switch: run the model beside the live one on 1 frame in 10, acting on nothing it sees"
            + " (see models shadow-report).")
    boolean shadow;

    @Override
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        String sent = model;
        if (sha256 != null) {
            if (!dev.vigil.model.ModelUrl.is(model)) {
                err.println("vigil: --sha256 is for a model given as a URL (https://host/model.tflite); " + model + " is not one");
                err.flush();
                return Main.EXIT_USAGE;
            }
            if (model.contains("#")) {
                err.println("vigil: give the sha256 once: in the URL (#sha256=HEX) or with --sha256, not both");
                err.flush();
                return Main.EXIT_USAGE;
            }
            sent = model.strip() + "#sha256=" + sha256.strip();
        }
        if (dev.vigil.model.ModelUrl.is(model)) return send(sent, out, err);
        Path local = Path.of(model);
        if (daemon.local() && (model.contains("/") || model.endsWith(".tflite")) && Files.isRegularFile(local)) sent = local.toAbsolutePath().toString();
        return send(sent, out, err);
    }

    private int send(String sent, java.io.PrintWriter out, java.io.PrintWriter err) throws Exception {
        String body = JSON.createObjectNode().put("model", sent).put("accept_disagreement", acceptDisagreement).put("shadow", shadow).toString();
        DaemonClient.Answer a = daemon.send("POST", "/api/models/deploy", body, Duration.ofSeconds(120));
        if (a.response() == null) {
            err.println("vigil: " + a.problem());
            err.flush();
            return Main.EXIT_FAILED_INPUTS;
        }
        JsonNode n = json(a.response().body());
        String message = n != null && n.hasNonNull("message") ? n.get("message").asText() : "HTTP " + a.response().statusCode() + " " + a.response().body().strip();
        if (a.response().statusCode() == 401 && !a.tokenRead())
            message += " (no token read from " + a.tokens() + "; give --token-file or run as a member of its group)";
        boolean ok = a.response().statusCode() == 200 && n != null && n.path("ok").asBoolean();
        (ok ? out : err).println(ok ? message : "vigil: " + message);
        out.flush();
        err.flush();
        return ok ? Main.EXIT_OK : Main.EXIT_FAILED_INPUTS;
    }

    static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    /** {@code vigil models shadow-report}: the shadow model beside the live one, from {@code /api/status}. */
    @Command(name = "shadow-report", description = "How the shadow model (models deploy --shadow) compares with the live one: frames, agreement,"
            + " inference ms and mean top score of both.")
    static final class ShadowReport implements Callable<Integer> {
        @Mixin HelpOption help;
        @Mixin DaemonClient daemon;
        @Spec CommandSpec spec;

        @Option(names = "--json", description = "The JSON object as /api/status has it.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            var out = spec.commandLine().getOut();
            var err = spec.commandLine().getErr();
            DaemonClient.Answer a = daemon.send("GET", "/api/status", null, Duration.ofSeconds(10));
            JsonNode n = a.response() == null ? null : json(a.response().body());
            if (n == null || a.response().statusCode() != 200) {
                err.println("vigil: " + (a.response() == null ? a.problem() : "HTTP " + a.response().statusCode() + " " + a.response().body().strip()));
                err.flush();
                return Main.EXIT_FAILED_INPUTS;
            }
            JsonNode s = n.path("shadow_model");
            JsonNode live = n.path("model");
            if (json) out.println(s.toString());
            else if (s.isNull() || s.isMissingNode()) out.println("no shadow model (vigil models deploy NAME --shadow starts one)");
            else {
                out.println("live    " + live.path("name").asText() + "  inference " + s.path("live_inference_ms").asText() + " ms  mean top score "
                        + s.path("live_top_score_mean").asText());
                out.println("shadow  " + s.path("name").asText() + "  inference " + s.path("shadow_inference_ms").asText() + " ms  mean top score "
                        + s.path("shadow_top_score_mean").asText());
                out.println("agreement " + s.path("agreed").asLong() + " of " + s.path("frames").asLong() + " frames (1 in " + s.path("every").asInt() + ")");
            }
            out.flush();
            return Main.EXIT_OK;
        }
    }
}
