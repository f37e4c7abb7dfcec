package dev.vigil.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.config.SecondStageConfig;
import dev.vigil.daemon.Vigil;
import dev.vigil.learn.LearnJobs;
import dev.vigil.learn.Learner;
import dev.vigil.swap.DeployResult;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The review page's learn (issue 13, section 4): {@code vigil learn} over the sample store's labelled samples, run by
 * {@link LearnJobs} on its own thread.
 * <pre>
 * POST /api/learn          {"name": "pets", "crops": false, "margin": 0.1, "labels": ["dog"], "deploy": false}
 *                          202 started (the status below), 400 bad body, 409 one runs already or sampling is off
 * GET  /api/learn/status   {"state": "idle|running|done|failed", "name", "phase", "done", "total", "seconds",
 *                          "kept", "why", "accuracy": {"imprinting", "softmax"}, "examples", ..., "deploy", "error"}
 * </pre>
 * The POST passes the gate every command passes (credential, {@code X-Vigil-Request}).
 */
final class LearnRoutes {

    private static final Logger log = LoggerFactory.getLogger(LearnRoutes.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String COMMAND = "/api/learn", STATUS = "/api/learn/status";
    private static final int MAX_BODY = 4 * 1024;

    private final Vigil vigil; // null: nothing wired

    LearnRoutes(Vigil vigil) {
        this.vigil = vigil;
    }

    static boolean isCommand(String path) { return path.equals(COMMAND); }

    private LearnJobs jobs() { return vigil == null ? null : vigil.learning(); }

    /** Serves GET /api/learn/status; false for any other path. */
    boolean read(Exchange ex) throws IOException {
        if (!ex.path().equals(STATUS)) return false;
        LearnJobs jobs = jobs();
        ObjectNode out = jobs == null ? JSON.createObjectNode().put("state", "off").put("message", "sampling is off: no dataset to learn from")
                : status(jobs.status());
        ex.header("Cache-Control", "no-store").json(200, out);
        return true;
    }

    /** A POST that passed the gate. */
    void command(Exchange ex) throws IOException {
        String command = "learn", body = ex.body(MAX_BODY);
        if (body == null) {
            ControlRoutes.refuse(ex, command, 413, "the body is longer than " + MAX_BODY + " bytes");
            return;
        }
        LearnJobs jobs = jobs();
        if (jobs == null) {
            ControlRoutes.refuse(ex, command, 409, "sampling is off (sampling: {enabled: true} keeps samples to label and learn from)");
            return;
        }
        LearnJobs.Request r;
        try {
            r = request(body, "http " + ex.client());
        } catch (IllegalArgumentException e) {
            ControlRoutes.refuse(ex, command, 400, e.getMessage().replace("--margin", "margin"));
            return;
        }
        try {
            LearnJobs.Status s = jobs.start(r);
            log.info("http: command learn from {}: {} started", ex.client(), r.name());
            ex.json(202, status(s).put("ok", true).put("command", command).put("message", "learning " + r.name() + " from the labelled samples"));
        } catch (LearnJobs.Busy e) {
            ControlRoutes.refuse(ex, command, 409, e.getMessage());
        } catch (IllegalArgumentException e) {
            ControlRoutes.refuse(ex, command, 400, e.getMessage().replace("--name", "name"));
        }
    }

    static LearnJobs.Request request(String body, String via) {
        JsonNode n;
        try {
            n = JSON.readTree(body);
        } catch (IOException e) {
            n = null;
        }
        if (n == null || !n.isObject() || !n.path("name").isTextual())
            throw new IllegalArgumentException("send {\"name\": \"pets\"} (and \"crops\", \"margin\", \"labels\", \"deploy\" if wanted)");
        boolean crops = bool(n, "crops"), deploy = bool(n, "deploy");
        JsonNode m = n.get("margin"), l = n.get("labels");
        if ((m != null || l != null) && !crops) throw new IllegalArgumentException("margin and labels apply to box crops; add \"crops\": true");
        if (m != null && !m.isNumber()) throw new IllegalArgumentException("margin: give a number between 0 and 1, as second_stage.margin");
        Set<String> labels = new LinkedHashSet<>();
        if (l != null) {
            if (!l.isArray()) throw new IllegalArgumentException("labels: give a list of box labels, e.g. [\"dog\"]");
            for (JsonNode x : l) {
                if (!x.isTextual() || x.asText().isBlank()) throw new IllegalArgumentException("labels: " + l + " must be a list of names");
                labels.add(x.asText().strip());
            }
        }
        Learner.Crops c = crops ? new Learner.Crops(m == null ? SecondStageConfig.DEFAULT_MARGIN : m.floatValue(), labels) : null;
        return new LearnJobs.Request(n.get("name").asText().strip(), c, deploy, via);
    }

    private static boolean bool(JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (v == null) return false;
        if (!v.isBoolean()) throw new IllegalArgumentException(key + ": must be true or false");
        return v.asBoolean();
    }

    static ObjectNode status(LearnJobs.Status s) {
        ObjectNode o = JSON.createObjectNode().put("state", s.state().word());
        if (s.request() == null) return o;
        o.put("name", s.request().name()).put("crops", s.request().crops() != null).put("deploy_asked", s.request().deploy());
        o.put("phase", s.phase()).put("done", s.done()).put("total", s.total()).put("started", s.started().toString());
        if (s.finished() != null) o.put("finished", s.finished().toString()).put("seconds", Duration.between(s.started(), s.finished()).toMillis() / 1000.0);
        if (s.error() != null) o.put("error", s.error());
        Learner.Result r = s.result();
        if (r != null) {
            o.put("kept", r.model().head().kind().word()).put("why", r.why()).put("examples", r.examples()).put("embedded", r.embedded())
                    .put("train", r.train()).put("validation", r.validation()).put("skipped", r.skipped())
                    .put("embed_seconds", r.embedNanos() / 1e9);
            ObjectNode acc = o.putObject("accuracy");
            r.accuracy().forEach((k, v) -> { if (!v.isNaN()) acc.put(k.word(), v); });
            ObjectNode recall = o.putObject("recall");
            List<String> labels = r.model().head().labels();
            double[] rc = r.recall();
            for (int i = 0; i < labels.size(); i++) if (!Double.isNaN(rc[i])) recall.put(labels.get(i), rc[i]);
            labels.forEach(o.putArray("classes")::add);
            o.put("head", r.head().toString());
        }
        DeployResult d = s.deploy();
        if (d != null) o.putObject("deployed").put("ok", d.ok()).put("message", d.message());
        return o;
    }
}
