package dev.vigil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.bench.Fleet;
import dev.vigil.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bench --pipeline --abba --with-fleet: four legs A B B A, the fleet really on in the B legs, the comparison made from the legs. */
class BenchAbbaTest {

    @TempDir
    Path tmp;

    @Test
    void abbaRunsFourLegsWithTheFleetOnInTheMiddleTwoAndComparesTheirMeans() throws Exception {
        assumeTrue(Files.isExecutable(Fleet.MOSQUITTO), "mosquitto is not installed (.ci/run installs it)");
        Files.copy(TestData.image("dog.bmp"), tmp.resolve("dog.bmp"));
        CliTest.Run r = CliTest.run("bench", "--pipeline", "--abba", "--with-fleet", "--json", "--duration", "1", "--cameras", "1",
                "--camera-fps", "20", "--threads", "1", "--model", TestData.model(TestData.DETECTOR).toString(), "--images", tmp.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(1, r.lines().size(), r.out());
        JsonNode o = r.lines().getFirst();
        assertEquals("pipeline-abba", o.get("mode").asText());
        assertTrue(o.get("mqtt").asBoolean() && o.get("webhook").asBoolean(), o.toString());
        JsonNode legs = o.get("legs");
        assertEquals(List.of("A", "B", "B", "A"), java.util.stream.StreamSupport.stream(legs.spliterator(), false).map(l -> l.get("leg").asText()).toList());
        for (JsonNode l : legs) {
            boolean on = l.get("fleet").asBoolean();
            assertEquals(on, l.get("leg").asText().equals("B"));
            // The subscriber on # hears the daemon (status, group state, the dog's visit) only while the fleet is on;
            // the webhook sink gets the visit's new.
            assertEquals(on, l.get("subscriber_messages").asLong() > 0, l.toString());
            assertEquals(on, l.get("webhook_posts").asLong() > 0, l.toString());
        }
        for (String figure : List.of("processed_fps", "latency_p50_ms", "latency_p99_ms", "cpu_ms_per_frame")) {
            JsonNode c = o.get(figure);
            double a1 = legs.get(0).get(figure).asDouble(), b1 = legs.get(1).get(figure).asDouble();
            double b2 = legs.get(2).get(figure).asDouble(), a2 = legs.get(3).get(figure).asDouble();
            assertEquals((a1 + a2) / 2, c.get("off").asDouble(), 0.011, figure);
            assertEquals((b1 + b2) / 2, c.get("on").asDouble(), 0.011, figure);
            assertEquals(c.get("on").asDouble() - c.get("off").asDouble(), c.get("difference").asDouble(), 0.011, figure);
            assertEquals(Math.abs(a1 - a2), c.get("noise").asDouble(), 0.011, figure);
            assertEquals(Math.abs(b1 - b2), c.get("spread_on").asDouble(), 0.011, figure);
            double margin = Math.abs(c.get("difference").asDouble()) - c.get("noise").asDouble();
            if (Math.abs(margin) > 0.03) assertEquals(margin < 0, c.get("within_noise").asBoolean(), figure);
        }
        assertTrue(r.err().contains("bench: leg 1 of 4 (A, fleet off): "), r.err());
        assertTrue(r.err().contains("bench: leg 2 of 4 (B, fleet on): "), r.err());
    }

    /**
     * The photo where the detector sees a person at 0.54 that is not there: near the groups' 0.5, so the sampler keeps
     * its first frame of each B leg (the rest are near duplicates); the A legs have no sampler at all.
     */
    @Test
    void withSamplingTheSamplerRunsInTheBLegsOnly() throws Exception {
        Files.copy(TestData.image("dog_bicycle_car.jpg"), tmp.resolve("dog_bicycle_car.jpg"));
        CliTest.Run r = CliTest.run("bench", "--pipeline", "--abba", "--with-sampling", "--json", "--duration", "1", "--cameras", "1",
                "--camera-fps", "20", "--threads", "1", "--model", TestData.model(TestData.DETECTOR).toString(), "--images", tmp.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode o = r.lines().getFirst();
        assertTrue(o.get("sampling").asBoolean() && !o.get("mqtt").asBoolean() && !o.get("webhook").asBoolean(), o.toString());
        for (JsonNode l : o.get("legs")) {
            boolean on = l.get("leg").asText().equals("B");
            assertEquals(on, l.get("samples_kept").asLong() > 0, l.toString());
            assertEquals(0, l.get("subscriber_messages").asLong());
        }
        assertTrue(r.err().contains("bench: leg 2 of 4 (B, sampling on): "), r.err());
    }

    @Test
    void aFleetOptionWithoutAbbaIsRefused() throws Exception {
        Files.copy(TestData.image("dog.bmp"), tmp.resolve("dog.bmp"));
        CliTest.Run r = CliTest.run("bench", "--pipeline", "--with-fleet", "--model", TestData.model(TestData.DETECTOR).toString(),
                "--images", tmp.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--with-fleet, --mqtt, --webhook and --with-sampling go with --pipeline --abba"), r.err());
    }
}
