package dev.vigil.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.metrics.Promtool;
import dev.vigil.testing.TestData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy/grafana/vigil.json} imports into Grafana (its data source is an input) and draws only what a running
 * daemon exports: every query of a panel, an annotation or a variable parses (promtool) and names only metrics, and
 * labels, that a live daemon's {@code /metrics} has.
 */
class GrafanaDashboardTest {

    @TempDir
    Path tmp;

    static final Path DASHBOARD = TestData.root().resolve("deploy/grafana/vigil.json");
    static final String DATASOURCE = "${DS_PROMETHEUS}";
    /** Labels Prometheus puts on every series it scrapes. */
    static final Set<String> SCRAPE_LABELS = Set.of("instance", "job");
    static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring", "group_left",
            "group_right", "offset", "bool", "inf", "nan");
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final Pattern SELECTOR = Pattern.compile("(?<![\\w.:])([A-Za-z_:][\\w:]*)\\s*\\{([^}]*)}");
    private static final Pattern MATCHER = Pattern.compile("(\\w+)\\s*(?:=~|!~|!=|=)");
    private static final Pattern CLAUSE = Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
    private static final Pattern NAME = Pattern.compile("(?<![\\w.:])([A-Za-z_:][\\w:]*+)(?!\\s*\\()");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.*),\\s*(\\w+)\\s*\\)");

    /** A query and where it is. */
    record Query(String where, String promql) {}

    @Test
    void theDashboardImportsAndEveryQueryParsesAndNamesOnlyWhatALiveDaemonExports() throws Exception {
        JsonNode d = new ObjectMapper().readTree(DASHBOARD.toFile()); // fails on anything but JSON
        assertTrue(d.get("schemaVersion").asInt() >= 36, "a Grafana 9+ dashboard");
        JsonNode input = d.at("/__inputs/0");
        assertEquals("DS_PROMETHEUS", input.get("name").asText());
        assertEquals("datasource", input.get("type").asText());
        assertEquals("prometheus", input.get("pluginId").asText());
        assertTrue(d.get("id").isNull(), "no id: Grafana gives one on import");

        List<Query> queries = queries(d);
        assertTrue(queries.size() >= 20, queries.toString());
        assertEquals("", Promtool.checkQueries(queries.stream().map(Query::promql).toList(), tmp), "promtool check rules on the queries");

        Set<String> named = new TreeSet<>();
        for (Query q : queries) named.addAll(metrics(q.promql()));
        for (String m : List.of("vigil_capture_seconds_bucket", "vigil_preprocess_seconds_bucket", "vigil_inference_seconds_bucket",
                "vigil_postprocess_seconds_bucket", "vigil_frame_seconds_bucket", "vigil_inference_energy_joules_bucket",
                "vigil_score_bucket", "vigil_score_uncertain_total", "vigil_labels_total", "vigil_model_info"))
            assertTrue(named.contains(m), "the dashboard draws " + m + "; it names " + named);

        try (LiveDaemon daemon = LiveDaemon.start(tmp, 5, true)) {
            assertTrue(daemon.awaitReady(Duration.ofSeconds(60)), daemon.get("/readyz").body());
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            String text;
            do {
                Thread.sleep(300);
                text = daemon.get("/metrics").body();
            } while (!(text.contains("vigil_labels_total{") && text.contains("vigil_score_count{camera=\"door\",group=\"person\"")
                    && !text.contains("vigil_score_count{camera=\"door\",group=\"person\",model=\"ssd_mobilenet_v1_coco_quant\"} 0"))
                    && System.nanoTime() < deadline);
            assertEquals("", Promtool.check(text), "promtool check metrics");
            Map<String, Set<String>> exported = exported(text);
            for (Query q : queries) {
                for (String m : metrics(q.promql()))
                    assertTrue(exported.containsKey(m), q.where() + " names " + m + ", which the daemon does not export: " + q.promql());
                Set<String> known = new HashSet<>(SCRAPE_LABELS);
                for (String m : metrics(q.promql())) known.addAll(exported.get(m));
                for (String l : labels(q.promql()))
                    assertTrue(known.contains(l), q.where() + " uses the label " + l + ", which none of its metrics has: " + q.promql());
            }
        }
    }

    @Test
    void metricNamesAndLabelsAreTakenFromPromqlWithoutItsFunctionsKeywordsAndDurations() {
        String q = "histogram_quantile(0.9, sum by (le, camera) (rate(a_bucket{camera=~\"x{y}\",group=\"and\"}[5m])))"
                + " / on (camera) group_left sum by (camera) (increase(b_total[1h] offset 5m)) unless c";
        assertEquals(Set.of("a_bucket", "b_total", "c"), metrics(q));
        assertEquals(Set.of("le", "camera", "group"), labels(q));
    }

    /** Every Prometheus query of the dashboard: panels' targets (rows included), annotations, variables' selectors. */
    static List<Query> queries(JsonNode d) {
        List<Query> out = new ArrayList<>();
        Set<Integer> ids = new HashSet<>();
        List<JsonNode> panels = new ArrayList<>();
        d.get("panels").forEach(panels::add);
        d.get("panels").forEach(p -> { if (p.has("panels")) p.get("panels").forEach(panels::add); });
        for (JsonNode p : panels) {
            String where = "panel \"" + p.get("title").asText() + "\"";
            assertTrue(ids.add(p.get("id").asInt()), where + ": its id is taken");
            JsonNode g = p.get("gridPos");
            assertTrue(g.get("x").asInt() + g.get("w").asInt() <= 24, where + " is wider than the dashboard");
            if (p.get("type").asText().equals("row")) continue;
            assertEquals(DATASOURCE, p.at("/datasource/uid").asText(), where);
            assertTrue(p.get("targets").size() > 0, where + " has no query");
            for (JsonNode t : p.get("targets")) {
                assertEquals(DATASOURCE, t.at("/datasource/uid").asText(), where);
                out.add(new Query(where, grafanaVariables(t.get("expr").asText())));
            }
        }
        for (JsonNode a : d.at("/annotations/list")) {
            if (a.at("/datasource/uid").asText().equals(DATASOURCE)) out.add(new Query("annotation " + a.get("name").asText(), grafanaVariables(a.get("expr").asText())));
        }
        for (JsonNode v : d.at("/templating/list")) {
            Matcher m = LABEL_VALUES.matcher(v.at("/query/query").asText());
            assertTrue(m.matches(), "variable " + v.get("name").asText() + " is label_values(selector, label)");
            out.add(new Query("variable " + v.get("name").asText(), grafanaVariables(m.group(1))));
            out.add(new Query("variable " + v.get("name").asText(), "count by (" + m.group(2) + ") (" + grafanaVariables(m.group(1)) + ")"));
        }
        return out;
    }

    /** What Grafana puts in before it sends a query: an interval for its interval variables, a match-all for ours. */
    static String grafanaVariables(String q) {
        return q.replaceAll("\\$__(rate_interval|interval|range)\\b", "5m").replaceAll("\\$\\{?\\w+}?", ".*");
    }

    /** The metric names of a query: what remains outside strings, selectors, ranges and label lists, not a function or keyword. */
    static Set<String> metrics(String q) {
        String s = STRING.matcher(q).replaceAll("\"\"");
        s = s.replaceAll("\\{[^}]*}", " ").replaceAll("\\[[^]]*]", " ");
        s = CLAUSE.matcher(s).replaceAll(" ");
        Set<String> out = new LinkedHashSet<>();
        Matcher m = NAME.matcher(s);
        while (m.find()) if (!KEYWORDS.contains(m.group(1).toLowerCase(java.util.Locale.ROOT))) out.add(m.group(1));
        return out;
    }

    /** The label names a query matches on or groups by. */
    static Set<String> labels(String q) {
        String s = STRING.matcher(q).replaceAll("\"\"");
        Set<String> out = new LinkedHashSet<>();
        Matcher sel = SELECTOR.matcher(s);
        while (sel.find()) {
            Matcher m = MATCHER.matcher(sel.group(2));
            while (m.find()) out.add(m.group(1));
        }
        Matcher c = CLAUSE.matcher(s);
        while (c.find()) for (String l : c.group(1).split(",")) if (!l.isBlank()) out.add(l.strip());
        return out;
    }

    /** Each series name of an exposition with the label names it carries. */
    static Map<String, Set<String>> exported(String exposition) {
        Map<String, Set<String>> out = new HashMap<>();
        for (String line : exposition.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) continue;
            int brace = line.indexOf('{'), space = line.indexOf(' ');
            boolean labelled = brace >= 0 && brace < space;
            Set<String> labels = out.computeIfAbsent(line.substring(0, labelled ? brace : space), k -> new HashSet<>());
            if (labelled) {
                Matcher m = Pattern.compile("(\\w+)=\"").matcher(STRING.matcher(line.substring(brace)).replaceAll(x -> "\"\""));
                // the names stand before each ="": strings were emptied so a value cannot look like a label
                while (m.find()) labels.add(m.group(1));
            }
        }
        return out;
    }
}
