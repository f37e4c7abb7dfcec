package dev.vigil.rules;

import dev.vigil.config.Check;
import dev.vigil.config.ConfigException;
import java.util.Arrays;

/** A polygon in normalized image coordinates (0..1), for zones and masks. */
public record Polygon(String name, float[] xs, float[] ys) {

    public Polygon {
        if (name == null || !Check.NAME.matcher(name).matches()) {
            throw ConfigException.at("name", "\"" + name + "\" is not a name of " + Check.NAME_RULE);
        }
        if (xs.length != ys.length) throw new IllegalArgumentException("xs and ys differ in length: " + xs.length + ", " + ys.length);
        if (xs.length < 3) throw ConfigException.at("points", xs.length + " points; a polygon needs at least 3");
        for (int i = 0; i < xs.length; i++) {
            Check.within("points[" + i + "][0]", xs[i], 0, 1);
            Check.within("points[" + i + "][1]", ys[i], 0, 1);
        }
    }

    /** Even-odd rule point-in-polygon test. */
    public boolean contains(float x, float y) {
        boolean in = false;
        for (int i = 0, j = xs.length - 1; i < xs.length; j = i++) {
            if ((ys[i] > y) != (ys[j] > y) && x < (xs[j] - xs[i]) * (y - ys[i]) / (ys[j] - ys[i]) + xs[i]) in = !in;
        }
        return in;
    }

    // By value, as every other config record: a config read back from its YAML equals the original.
    @Override
    public boolean equals(Object o) {
        return o instanceof Polygon p && name.equals(p.name) && Arrays.equals(xs, p.xs) && Arrays.equals(ys, p.ys);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * name.hashCode() + Arrays.hashCode(xs)) + Arrays.hashCode(ys);
    }

    @Override
    public String toString() {
        return "Polygon[" + name + ", xs=" + Arrays.toString(xs) + ", ys=" + Arrays.toString(ys) + "]";
    }
}
