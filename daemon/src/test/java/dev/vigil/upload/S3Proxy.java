package dev.vigil.upload;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * s3proxy (an S3 API over jclouds' file-system store) in a child JVM on 127.0.0.1, port 0: the jar Maven copied to
 * {@code vigil.s3proxy} before the tests. The port is read from its log line "Started ServerConnector...{127.0.0.1:N}".
 */
public final class S3Proxy implements AutoCloseable {

    public static final String ACCESS_KEY = "vigil-test-access", SECRET_KEY = "vigil-test-secret-key";
    private static final Pattern STARTED = Pattern.compile("Started ServerConnector.*\\{127\\.0\\.0\\.1:(\\d+)}");

    final Process process;
    public final URI endpoint;
    final Path data;
    private final StringBuffer output = new StringBuffer();

    private S3Proxy(Process process, URI endpoint, Path data) {
        this.process = process;
        this.endpoint = endpoint;
        this.data = data;
    }

    public static S3Proxy start(Path dir) throws IOException, InterruptedException {
        String jar = System.getProperty("vigil.s3proxy");
        if (jar == null || !Files.isRegularFile(Path.of(jar)))
            throw new IllegalStateException("no s3proxy jar at vigil.s3proxy=" + jar + "; the Maven build copies it (mvn test-compile)");
        Path data = Files.createDirectories(dir.resolve("s3data"));
        Path props = dir.resolve("s3proxy.properties");
        Files.writeString(props, String.join("\n", "s3proxy.endpoint=http://127.0.0.1:0", "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY, "s3proxy.credential=" + SECRET_KEY, "jclouds.provider=filesystem-nio2",
                "jclouds.identity=" + ACCESS_KEY, "jclouds.credential=" + SECRET_KEY,
                "jclouds.filesystem.basedir=" + data, ""));
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-Xmx256m", "-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener", "-jar", jar, "--properties", props.toString()).redirectErrorStream(true).start();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        StringBuffer out = new StringBuffer();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    out.append(line).append('\n');
                    if (Boolean.getBoolean("vigil.s3proxy.log")) System.err.println(line);
                    Matcher m = STARTED.matcher(line);
                    if (m.find()) port.complete(Integer.parseInt(m.group(1)));
                }
            } catch (IOException e) {
                // the process ended
            }
            port.completeExceptionally(new IllegalStateException("s3proxy ended before it listened:\n" + out));
        }, "s3proxy-log");
        reader.setDaemon(true);
        reader.start();
        try {
            int n = port.get(60, TimeUnit.SECONDS);
            S3Proxy s = new S3Proxy(p, URI.create("http://127.0.0.1:" + n), data);
            s.output.append(out);
            return s;
        } catch (Exception e) {
            p.destroyForcibly();
            throw new IllegalStateException("s3proxy did not start: " + e.getMessage() + "\n" + out, e);
        }
    }

    /** A client of the server itself (not through any proxy), for the test's own checks. */
    public S3Client client() {
        return S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1).forcePathStyle(true)
                .requestChecksumCalculation(software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(software.amazon.awssdk.core.checksums.ResponseChecksumValidation.WHEN_REQUIRED)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create()).build();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
    }
}
