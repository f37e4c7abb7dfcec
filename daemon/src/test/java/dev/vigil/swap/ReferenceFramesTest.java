package dev.vigil.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ring of reference frames after a switch hands it the frames the new model answered. */
class ReferenceFramesTest {

    static List<ReferenceFrames.Reference> answered(int n) {
        List<ReferenceFrames.Reference> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(new ReferenceFrames.Reference("door", new byte[] {(byte) i}, "person", null));
        return out;
    }

    @Test
    void aFullRingHandedBackStartsOverAtItsFirstSlot() {
        ReferenceFrames f = new ReferenceFrames(4, 1, Map.of());
        f.replace(answered(4));
        assertEquals(4, f.size());
        assertEquals(0, f.nextSlot(), "the next frame offered overwrites the oldest, not slot 4 of 4");
        f.replace(answered(3));
        assertEquals(3, f.nextSlot());
    }

    @Test
    void moreAnswersThanTheRingHoldsKeepTheNewest() {
        ReferenceFrames f = new ReferenceFrames(4, 1, Map.of());
        f.replace(answered(5)); // a grey frame and the ring's 4
        assertEquals(4, f.size());
        assertEquals(List.of((byte) 1, (byte) 2, (byte) 3, (byte) 4), f.snapshot().stream().map(r -> r.tensor()[0]).toList());
    }
}
