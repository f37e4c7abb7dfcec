package dev.vigil.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.config.UploadConfig;
import dev.vigil.events.EventFiles;
import dev.vigil.sampling.Sample;
import dev.vigil.sampling.SampleStore;
import dev.vigil.testing.VirtualTime;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** When the daemon's passes run: 30 s after the start, then after 1, 2, 4 ... s up to the interval while the storage cannot be reached. */
class UploaderScheduleTest {

    @TempDir Path tmp;

    @Test
    void aStorageThatCannotBeReachedIsTriedAgainAfterOneTwoFourSecondsUpToTheInterval() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort(); // nobody listens there once closed: every connection is refused at once
        }
        SampleStore store = SampleStore.open(tmp.resolve("ds"), Long.MAX_VALUE, EventFiles.local());
        VirtualTime time = new VirtualTime();
        Sample s = new Sample(Sample.id(VirtualTime.START, "door", "1"), VirtualTime.START, "door", "p.jpg", "random", List.of("random"),
                "ssd", "b".repeat(64), "detector", 64, 48, List.of(), null, null, null, 0);
        store.add(s, new byte[] {(byte) 0xff, (byte) 0xd8, 1, 2, 3});
        UploadConfig cfg = new UploadConfig(Optional.of(URI.create("http://127.0.0.1:" + closed)), "data", "us-east-1", "fleet", true, "pi-1",
                List.of("coco"), Duration.ofSeconds(60), 0);
        var keys = StaticCredentialsProvider.create(AwsBasicCredentials.create("id", "secret-key"));
        try (Uploader u = Uploader.start(cfg, store, keys, time, r -> {})) {
            time.advance(Duration.ofMillis(29_999));
            assertEquals(0, u.failures());
            long[] waits = {1, 1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000}; // then the interval caps the backoff
            for (int i = 0; i < waits.length; i++) {
                time.advance(Duration.ofMillis(waits[i] - 1));
                assertEquals(i, u.failures(), "pass " + (i + 1) + " came early");
                time.advance(Duration.ofMillis(1));
                assertEquals(i + 1, u.failures(), "pass " + (i + 1) + " did not come after " + waits[i] + " ms");
            }
        }
    }
}
