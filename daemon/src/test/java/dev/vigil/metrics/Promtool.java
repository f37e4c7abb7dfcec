package dev.vigil.metrics;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@code promtool check metrics} and {@code check rules} (Debian package prometheus, installed by .ci/run). */
public final class Promtool {

    private Promtool() {}

    /** What promtool printed; empty when the exposition is valid and has no lint warning. Fails when promtool is missing. */
    public static String check(String exposition) throws IOException, InterruptedException {
        return run(exposition, "check", "metrics");
    }

    /**
     * {@code promtool check rules} on a rule file (written into {@code dir}) holding each query as a recording rule: it
     * parses every expression as Prometheus does. Empty when all parse, else what promtool printed.
     */
    public static String checkQueries(List<String> queries, Path dir) throws IOException, InterruptedException {
        List<Map<String, String>> rules = new ArrayList<>();
        for (int i = 0; i < queries.size(); i++) rules.add(Map.of("record", "query:" + i, "expr", queries.get(i)));
        Path file = dir.resolve("queries.rules.yml");
        new YAMLMapper().writeValue(file.toFile(), Map.of("groups", List.of(Map.of("name", "queries", "rules", rules))));
        String out = run("", "check", "rules", file.toString());
        return out.startsWith("exit ") ? out : "";
    }

    private static String run(String stdin, String... args) throws IOException, InterruptedException {
        Path bin = null;
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, "promtool");
            if (Files.isExecutable(p)) {
                bin = p;
                break;
            }
        }
        if (bin == null) throw new AssertionError("promtool not found on PATH: install the Debian package prometheus (apt-get install -y prometheus; .ci/run does)");
        List<String> command = new ArrayList<>(List.of(bin.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("promtool did not finish in 30 s");
        }
        return p.exitValue() == 0 ? out.strip() : ("exit " + p.exitValue() + ": " + out).strip();
    }
}
