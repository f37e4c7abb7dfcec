package dev.vigil.postprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SsdAnchorsTest {

    private static final float EPS = 1e-6f;

    @Test
    void oidv4LayoutHas1917AnchorsInLayerCellAnchorOrder() {
        SsdAnchors a = SsdAnchors.generate(SsdSpecTest.oidv4());
        assertEquals(1083 + 600 + 150 + 54 + 24 + 6, a.count());
        assertEquals(1917, a.count());

        // layer 0 (19 x 19 cells, reduced): (aspect 1, scale 0.1), (2, 0.2), (0.5, 0.2)
        float s2 = (float) Math.sqrt(2), sHalf = (float) Math.sqrt(0.5);
        assertAnchor(a, 0, 0.5f / 19, 0.5f / 19, 0.1f, 0.1f);
        assertAnchor(a, 1, 0.5f / 19, 0.5f / 19, 0.2f / s2, 0.2f * s2);
        assertAnchor(a, 2, 0.5f / 19, 0.5f / 19, 0.2f / sHalf, 0.2f * sHalf);
        // next cell to the right (x moves first), then the next row
        assertAnchor(a, 3, 0.5f / 19, 1.5f / 19, 0.1f, 0.1f);
        assertAnchor(a, 19 * 3, 1.5f / 19, 0.5f / 19, 0.1f, 0.1f);
        assertAnchor(a, 1082, 18.5f / 19, 18.5f / 19, 0.2f / sHalf, 0.2f * sHalf);

        // layer 1 (10 x 10): scale 0.2 + 0.75 / 5 = 0.35; aspects 1, 2, 0.5, 3, 0.3333, then 1 at sqrt(0.35 * 0.5)
        float scale1 = 0.35f;
        assertAnchor(a, 1083, 0.05f, 0.05f, scale1, scale1);
        assertAnchor(a, 1083 + 3, 0.05f, 0.05f, scale1 / (float) Math.sqrt(3), scale1 * (float) Math.sqrt(3));
        float interpolated = (float) Math.sqrt(0.35f * 0.5f);
        assertAnchor(a, 1083 + 5, 0.05f, 0.05f, interpolated, interpolated);
        assertAnchor(a, 1083 + 6, 0.05f, 0.15f, scale1, scale1);

        // last layer (1 x 1): scale 0.95, the interpolated anchor uses next scale 1.0
        float last = (float) Math.sqrt(0.95f);
        assertAnchor(a, 1911, 0.5f, 0.5f, 0.95f, 0.95f);
        assertAnchor(a, 1916, 0.5f, 0.5f, last, last);
    }

    @Test
    void layersWithOneStrideShareOneGrid() {
        SsdSpec spec = new SsdSpec(2, 0.2f, 0.4f, 8, List.of(4, 4), List.of(1f), false, 0f, List.of(10f, 10f, 5f, 5f),
                true, 0, 0.5f, 0.5f, 10);
        SsdAnchors a = SsdAnchors.generate(spec);
        assertEquals(2 * 2 * 2, a.count());
        assertAnchor(a, 0, 0.25f, 0.25f, 0.2f, 0.2f);
        assertAnchor(a, 1, 0.25f, 0.25f, 0.4f, 0.4f);
        assertAnchor(a, 2, 0.25f, 0.75f, 0.2f, 0.2f);
    }

    @Test
    void oneLayerUsesTheMiddleScale() {
        SsdSpec spec = new SsdSpec(1, 0.2f, 0.4f, 4, List.of(4), List.of(1f), false, 0f, List.of(10f, 10f, 5f, 5f),
                true, 0, 0.5f, 0.5f, 10);
        SsdAnchors a = SsdAnchors.generate(spec);
        assertEquals(1, a.count());
        assertAnchor(a, 0, 0.5f, 0.5f, 0.3f, 0.3f);
    }

    private static void assertAnchor(SsdAnchors a, int i, float yc, float xc, float h, float w) {
        String at = "anchor " + i;
        assertEquals(yc, a.yCenter(i), EPS, at + " y centre");
        assertEquals(xc, a.xCenter(i), EPS, at + " x centre");
        assertEquals(h, a.height(i), EPS, at + " height");
        assertEquals(w, a.width(i), EPS, at + " width");
    }
}
