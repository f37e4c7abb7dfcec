package dev.vigil.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The kernel's thermal zones ({@code /sys/class/thermal/thermal_zone<N>}: {@code type} names the sensor,
 * {@code temp} is in millidegrees Celsius). Two zones of the same type get {@code _1}, {@code _2} appended.
 */
public final class ThermalZones {

    /** One zone: its tag and its temperature file. */
    public record Zone(String name, Path temp) {

        /** Degrees Celsius now, or NaN when it cannot be read (a sensor that is off). */
        public double celsius() {
            try {
                return Long.parseLong(Files.readString(temp, StandardCharsets.US_ASCII).strip()) / 1000.0;
            } catch (IOException | NumberFormatException e) {
                return Double.NaN;
            }
        }
    }

    private ThermalZones() {}

    public static List<Zone> find(Path sysRoot) {
        Path dir = sysRoot.resolve("class/thermal");
        List<Path> zones = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "thermal_zone*")) {
                for (Path p : ds) if (Files.isRegularFile(p.resolve("temp"))) zones.add(p);
            } catch (IOException e) {
                return List.of();
            }
        }
        zones.sort((a, b) -> Integer.compare(number(a), number(b)));
        Map<String, Integer> seen = new HashMap<>();
        List<Zone> out = new ArrayList<>();
        for (Path z : zones) {
            String type;
            try {
                type = Files.readString(z.resolve("type"), StandardCharsets.US_ASCII).strip();
            } catch (IOException e) {
                type = z.getFileName().toString();
            }
            if (type.isEmpty()) type = z.getFileName().toString();
            int n = seen.merge(type, 1, Integer::sum);
            out.add(new Zone(n == 1 ? type : type + "_" + (n - 1), z.resolve("temp")));
        }
        return out;
    }

    private static int number(Path zone) {
        String s = zone.getFileName().toString().substring("thermal_zone".length());
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }
}
