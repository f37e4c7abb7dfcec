package dev.vigil.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.config.ConfigException;
import dev.vigil.postprocess.Classification;
import dev.vigil.postprocess.Detection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RuleEngineTest {

    static final Instant T0 = Instant.parse("2026-11-21T23:05:01Z");
    static final GroupRule PERSON = new GroupRule("person", Set.of("person"), 0.5f, 0f, 1f);
    static final GroupRule ANIMAL =
            new GroupRule("animal", Set.of("cat", "dog", "bird", "horse", "sheep", "cow", "bear"), 0.5f, 0f, 1f);

    /** A door zone: the lower middle of the frame, down to the frame's bottom edge. */
    static final Polygon DOOR = new Polygon("door", new float[] {0.3f, 0.7f, 0.7f, 0.3f}, new float[] {0.5f, 0.5f, 1f, 1f});

    static Detection det(String label, float score, float x1, float y1, float x2, float y2) {
        return new Detection(label, 0, score, new float[] {x1, y1, x2, y2});
    }

    static Instant frame(int i) { return T0.plusMillis(200L * i); }

    static Rules rules() { return new Rules(); }

    /** CameraRules with readable defaults: person and animal, no zones, 1 of 1, no cooldown, no tracking. */
    static final class Rules {
        Map<String, GroupRule> groups = new LinkedHashMap<>(Map.of());
        List<Polygon> zones = List.of(), masks = List.of();
        Confirm confirm = Confirm.ONE_OF_ONE;
        Duration cooldown = Duration.ZERO;
        boolean tracking;
        float iou = 0.5f;

        Rules() {
            groups.put("person", PERSON);
            groups.put("animal", ANIMAL);
        }

        Rules group(GroupRule g) { groups = new LinkedHashMap<>(Map.of(g.name(), g)); return this; }
        Rules zones(Polygon... z) { zones = List.of(z); return this; }
        Rules masks(Polygon... m) { masks = List.of(m); return this; }
        Rules confirm(int frames, int of) { confirm = new Confirm(frames, of); return this; }
        Rules cooldown(Duration d) { cooldown = d; return this; }
        Rules tracking(boolean on) { tracking = on; return this; }

        RuleEngine engine() {
            return new RuleEngine("door", new CameraRules(groups, zones, masks, confirm, cooldown, tracking, iou));
        }
    }

    static List<String> groups(List<Trigger> t) {
        List<String> out = new ArrayList<>();
        for (Trigger x : t) out.add(x.group());
        return out;
    }

    // ---- groups, scores, areas

    @Test
    void aPersonAndACatFireTheirOwnGroupsAndACarFiresNothing() {
        RuleEngine e = rules().engine();
        Detection person = det("person", 0.8f, 0.1f, 0.1f, 0.3f, 0.9f);
        Detection cat = det("cat", 0.7f, 0.5f, 0.6f, 0.7f, 0.8f);
        Detection car = det("car", 0.95f, 0.6f, 0.2f, 0.9f, 0.5f);
        List<Trigger> t = e.evaluate(List.of(car, person, cat), frame(0));
        assertEquals(List.of("person", "animal"), groups(t));
        assertSame(person, t.get(0).detection());
        assertSame(cat, t.get(1).detection());
        assertEquals("door", t.get(0).camera());
        assertEquals(frame(0), t.get(0).time());

        assertEquals(List.of(), e.evaluate(List.of(car), frame(1)));
    }

    @Test
    void theTriggerCarriesTheBestScoringMatch() {
        RuleEngine e = rules().engine();
        Detection weak = det("person", 0.6f, 0.1f, 0.1f, 0.3f, 0.9f);
        Detection strong = det("person", 0.9f, 0.5f, 0.1f, 0.7f, 0.9f);
        Detection dog = det("dog", 0.55f, 0.0f, 0.5f, 0.2f, 0.7f);
        Detection horse = det("horse", 0.75f, 0.3f, 0.5f, 0.6f, 0.9f);
        List<Trigger> t = e.evaluate(List.of(weak, dog, strong, horse), frame(0));
        assertSame(strong, t.get(0).detection());
        assertSame(horse, t.get(1).detection());
    }

    @Test
    void scoreBelowTheGroupMinimumIsIgnoredAndTheMinimumItselfCounts() {
        RuleEngine e = rules().engine();
        assertEquals(List.of(), e.evaluate(List.of(det("person", 0.49f, 0.1f, 0.1f, 0.3f, 0.9f)), frame(0)));
        assertEquals(List.of("person"), groups(e.evaluate(List.of(det("person", 0.5f, 0.1f, 0.1f, 0.3f, 0.9f)), frame(1))));
    }

    @Test
    void boxAreaMustLieWithinMinAndMaxArea() {
        RuleEngine e = rules().group(new GroupRule("person", Set.of("person"), 0.5f, 0.01f, 0.5f)).engine();
        Detection tiny = det("person", 0.9f, 0.50f, 0.50f, 0.55f, 0.55f);   // 0.0025: a far-away speck
        Detection huge = det("person", 0.9f, 0.0f, 0.0f, 0.9f, 0.9f);       // 0.81: someone at the lens
        Detection fine = det("person", 0.9f, 0.4f, 0.2f, 0.6f, 0.9f);       // 0.14
        assertEquals(List.of(), e.evaluate(List.of(tiny), frame(0)));
        assertEquals(List.of(), e.evaluate(List.of(huge), frame(1)));
        List<Trigger> t = e.evaluate(List.of(tiny, huge, fine), frame(2));
        assertEquals(1, t.size());
        assertSame(fine, t.get(0).detection());
    }

    // ---- zones and masks

    @Test
    void aZoneCountsTheBoxByItsBottomCentre() {
        RuleEngine e = rules().zones(DOOR).engine();
        // Standing in the doorway: feet at (0.5, 0.9).
        assertEquals(List.of("person"), groups(e.evaluate(List.of(det("person", 0.8f, 0.4f, 0.2f, 0.6f, 0.9f)), frame(0))));
        // The box overlaps the zone, but the feet (0.225, 0.95) are on the lawn beside it.
        assertEquals(List.of(), e.evaluate(List.of(det("person", 0.8f, 0.1f, 0.5f, 0.35f, 0.95f)), frame(1)));
        // Above the door (a person on the balcony): feet at y 0.4, outside the zone although x is inside.
        assertEquals(List.of(), e.evaluate(List.of(det("person", 0.8f, 0.4f, 0.1f, 0.6f, 0.4f)), frame(2)));
    }

    @Test
    void aBoxTouchingTheBottomOfTheFrameIsInsideAZoneDrawnToThatEdge() {
        RuleEngine e = rules().zones(DOOR).engine();
        assertEquals(List.of("person"), groups(e.evaluate(List.of(det("person", 0.8f, 0.35f, 0.3f, 0.65f, 1.0f)), frame(0))));
    }

    @Test
    void aDetectionInAnyOfSeveralZonesCounts() {
        Polygon gate = new Polygon("gate", new float[] {0f, 0.2f, 0.2f, 0f}, new float[] {0.6f, 0.6f, 1f, 1f});
        RuleEngine e = rules().zones(DOOR, gate).engine();
        assertEquals(List.of("animal"), groups(e.evaluate(List.of(det("dog", 0.8f, 0.05f, 0.7f, 0.15f, 0.8f)), frame(0))));
    }

    @Test
    void aMaskHidesWhatStandsInIt() {
        // The street beyond the hedge: people walking by there are none of our business.
        Polygon street = new Polygon("street", new float[] {0f, 1f, 1f, 0f}, new float[] {0f, 0f, 0.3f, 0.3f});
        RuleEngine e = rules().masks(street).engine();
        assertEquals(List.of(), e.evaluate(List.of(det("person", 0.9f, 0.1f, 0.05f, 0.15f, 0.25f)), frame(0)));
        assertEquals(List.of("person"), groups(e.evaluate(List.of(det("person", 0.9f, 0.1f, 0.2f, 0.3f, 0.8f)), frame(1))));
    }

    @Test
    void aMaskInsideAZoneCutsAHoleInIt() {
        // The doormat inside the door zone: the cat sleeping on it should not count, the porch around it does.
        Polygon mat = new Polygon("mat", new float[] {0.45f, 0.55f, 0.55f, 0.45f}, new float[] {0.8f, 0.8f, 0.9f, 0.9f});
        RuleEngine e = rules().zones(DOOR).masks(mat).engine();
        assertEquals(List.of(), e.evaluate(List.of(det("cat", 0.9f, 0.42f, 0.7f, 0.58f, 0.85f)), frame(0)));
        assertEquals(List.of("animal"), groups(e.evaluate(List.of(det("cat", 0.9f, 0.32f, 0.7f, 0.42f, 0.85f)), frame(1))));
    }

    // ---- confirmation

    @Test
    void twoOfThreeFramesConfirmAndAMissBetweenIsTolerated() {
        RuleEngine e = rules().confirm(2, 3).engine();
        List<Detection> person = List.of(det("person", 0.8f, 0.4f, 0.2f, 0.6f, 0.9f));
        assertEquals(List.of(), e.evaluate(person, frame(0)));
        assertEquals(List.of(), e.evaluate(List.of(), frame(1)));
        assertEquals(List.of("person"), groups(e.evaluate(person, frame(2))));
    }

    @Test
    void matchesFartherApartThanTheWindowDoNotConfirm() {
        RuleEngine e = rules().confirm(2, 3).engine();
        List<Detection> person = List.of(det("person", 0.8f, 0.4f, 0.2f, 0.6f, 0.9f));
        boolean[] seq = {true, false, false, true, true, false, true};
        // window of 3 after each frame: 1, 1, 1, 1, 2 -> fires, 2 but nothing in this frame, 2 -> fires
        int[] fired = new int[seq.length];
        for (int i = 0; i < seq.length; i++) fired[i] = e.evaluate(seq[i] ? person : List.of(), frame(i)).size();
        assertEquals(List.of(0, 0, 0, 0, 1, 0, 1), toList(fired));
        GroupState s = e.state().get(0);
        assertEquals("person", s.group());
        assertEquals(2, s.matchesInWindow());
        assertEquals(3, s.window());
        assertEquals(frame(6), s.lastTrigger());
        assertEquals(2, s.triggers());
        assertEquals(7, s.frames());
        assertNull(e.state().get(1).lastTrigger(), "the animal group never fired");
    }

    @Test
    void groupsConfirmIndependently() {
        RuleEngine e = rules().confirm(2, 2).engine();
        Detection person = det("person", 0.8f, 0.4f, 0.2f, 0.6f, 0.9f);
        Detection cat = det("cat", 0.8f, 0.1f, 0.6f, 0.2f, 0.8f);
        assertEquals(List.of(), e.evaluate(List.of(person), frame(0)));
        assertEquals(List.of(), e.evaluate(List.of(cat), frame(1)));
        assertEquals(List.of("animal"), groups(e.evaluate(List.of(person, cat), frame(2))), "the cat has 2 of 2, the person 1");
        assertEquals(List.of("person", "animal"), groups(e.evaluate(List.of(person, cat), frame(3))));
    }

    // ---- cooldown

    @Test
    void cooldownKeepsAGroupQuietAndTheWindowKeepsSliding() {
        RuleEngine e = rules().confirm(2, 3).cooldown(Duration.ofSeconds(10)).engine();
        List<Detection> person = List.of(det("person", 0.8f, 0.4f, 0.2f, 0.6f, 0.9f));
        List<Instant> fired = new ArrayList<>();
        for (int s = 0; s <= 25; s++) {
            for (Trigger t : e.evaluate(person, T0.plusSeconds(s))) fired.add(t.time());
        }
        // Confirmed at 1 s; quiet until 11 s, when the (still full) window lets it fire at once; again at 21 s.
        assertEquals(List.of(T0.plusSeconds(1), T0.plusSeconds(11), T0.plusSeconds(21)), fired);
        assertEquals(26 - 1 - 3, e.state().get(0).cooldownSuppressed());
    }

    @Test
    void cooldownEndsExactlyAfterItsDuration() {
        RuleEngine e = rules().cooldown(Duration.ofSeconds(10)).engine();
        List<Detection> cat = List.of(det("cat", 0.8f, 0.4f, 0.6f, 0.6f, 0.9f));
        assertEquals(1, e.evaluate(cat, T0).size());
        assertEquals(0, e.evaluate(cat, T0.plusMillis(9_999)).size());
        assertEquals(1, e.evaluate(cat, T0.plusSeconds(10)).size());
    }

    @Test
    void aSubSecondCooldownEndsToTheNanosecondAcrossSecondBoundaries() {
        RuleEngine e = rules().cooldown(Duration.ofMillis(1500)).engine();
        List<Detection> cat = List.of(det("cat", 0.8f, 0.4f, 0.6f, 0.6f, 0.9f));
        Instant first = T0.plusMillis(700); // ends at T0 + 2.2 s: the nanosecond part wraps
        assertEquals(1, e.evaluate(cat, first).size());
        assertEquals(0, e.evaluate(cat, first.plusNanos(1_499_999_999L)).size());
        assertEquals(1, e.evaluate(cat, T0.plusMillis(2200)).size());
        assertEquals(0, e.evaluate(cat, T0.plusMillis(3699)).size());
        assertEquals(1, e.evaluate(cat, T0.plusMillis(3700)).size());
        GroupState animal = e.state().get(1);
        assertEquals(3, animal.triggers());
        assertEquals(2, animal.cooldownSuppressed());
    }

    @Test
    void cooldownIsPerGroup() {
        RuleEngine e = rules().cooldown(Duration.ofSeconds(30)).engine();
        assertEquals(List.of("person"), groups(e.evaluate(List.of(det("person", 0.8f, 0.4f, 0.2f, 0.6f, 0.9f)), T0)));
        assertEquals(List.of("animal"), groups(e.evaluate(List.of(det("person", 0.8f, 0.4f, 0.2f, 0.6f, 0.9f),
                det("dog", 0.8f, 0.1f, 0.6f, 0.2f, 0.8f)), T0.plusSeconds(1))));
    }

    @Test
    void aClockSetBackDoesNotSilenceAGroup() {
        RuleEngine e = rules().cooldown(Duration.ofMinutes(5)).engine();
        List<Detection> person = List.of(det("person", 0.8f, 0.4f, 0.2f, 0.6f, 0.9f));
        assertEquals(1, e.evaluate(person, T0).size());
        assertEquals(1, e.evaluate(person, T0.minus(Duration.ofHours(1))).size());
    }

    // ---- tracking

    static List<Detection> jitter(String label, float x1, float y1, float x2, float y2, int i) {
        float d = (i % 3 - 1) * 0.005f; // a detector's boxes wobble by a few pixels from frame to frame
        return List.of(det(label, 0.7f + 0.01f * (i % 5), x1 + d, y1 - d, x2 + d, y2 + d));
    }

    @Test
    void aSleepingCatTriggersOnceWithTracking() {
        RuleEngine e = rules().tracking(true).engine();
        int fired = 0;
        for (int i = 0; i < 50; i++) fired += e.evaluate(jitter("cat", 0.4f, 0.6f, 0.6f, 0.9f, i), frame(i)).size();
        assertEquals(1, fired);
        assertEquals(1, e.state().get(1).trackedObjects());
    }

    @Test
    void withoutTrackingAndWithoutCooldownEveryFrameTriggers() {
        RuleEngine e = rules().tracking(false).engine();
        int fired = 0;
        for (int i = 0; i < 50; i++) fired += e.evaluate(jitter("cat", 0.4f, 0.6f, 0.6f, 0.9f, i), frame(i)).size();
        assertEquals(50, fired);
        assertEquals(0, e.state().get(1).trackedObjects());
    }

    @Test
    void aNewObjectBesideAParkedOneTriggers() {
        GroupRule vehicle = new GroupRule("vehicle", Set.of("car", "truck"), 0.5f, 0f, 1f);
        RuleEngine e = rules().group(vehicle).tracking(true).engine();
        Detection parked = det("car", 0.9f, 0.1f, 0.5f, 0.4f, 0.8f);
        assertEquals(1, e.evaluate(List.of(parked), frame(0)).size());
        for (int i = 1; i < 10; i++) assertEquals(0, e.evaluate(List.of(parked), frame(i)).size(), "frame " + i);
        Detection arriving = det("truck", 0.6f, 0.6f, 0.4f, 0.95f, 0.85f);
        List<Trigger> t = e.evaluate(List.of(parked, arriving), frame(10));
        assertEquals(1, t.size());
        assertSame(arriving, t.get(0).detection(), "the new one is reported, not the higher-scoring parked car");
        assertEquals(0, e.evaluate(List.of(parked, arriving), frame(11)).size());
    }

    @Test
    void anObjectThatMovesAwayTriggersAgain() {
        RuleEngine e = rules().tracking(true).engine();
        assertEquals(1, e.evaluate(List.of(det("dog", 0.8f, 0.1f, 0.5f, 0.3f, 0.8f)), frame(0)).size());
        // Shifted by half its width: IoU 1/3, below 0.5.
        assertEquals(1, e.evaluate(List.of(det("dog", 0.8f, 0.2f, 0.5f, 0.4f, 0.8f)), frame(1)).size());
        // A small step (IoU 0.8) is the same dog.
        assertEquals(0, e.evaluate(List.of(det("dog", 0.8f, 0.222f, 0.5f, 0.422f, 0.8f)), frame(2)).size());
    }

    @Test
    void anObjectMissedForAFewFramesIsRememberedAndOneGoneLongerIsForgotten() {
        RuleEngine e = rules().tracking(true).engine();
        List<Detection> cat = List.of(det("cat", 0.8f, 0.4f, 0.6f, 0.6f, 0.9f));
        int f = 0;
        assertEquals(1, e.evaluate(cat, frame(f++)).size());
        for (int i = 0; i < RuleEngine.DEFAULT_TRACK_MISSES; i++) e.evaluate(List.of(), frame(f++));
        assertEquals(0, e.evaluate(cat, frame(f++)).size(), "lost for " + RuleEngine.DEFAULT_TRACK_MISSES + " frames: same cat");
        for (int i = 0; i <= RuleEngine.DEFAULT_TRACK_MISSES; i++) e.evaluate(List.of(), frame(f++));
        assertEquals(0, e.state().get(1).trackedObjects());
        assertEquals(1, e.evaluate(cat, frame(f)).size(), "gone longer: it came back, and that is news");
    }

    @Test
    void withTrackingAParkedCarDoesNotConfirmASpuriousNewDetection() {
        GroupRule vehicle = new GroupRule("vehicle", Set.of("car"), 0.5f, 0f, 1f);
        RuleEngine e = rules().group(vehicle).tracking(true).confirm(2, 3).engine();
        Detection parked = det("car", 0.9f, 0.1f, 0.5f, 0.4f, 0.8f);
        assertEquals(0, e.evaluate(List.of(parked), frame(0)).size());
        assertEquals(1, e.evaluate(List.of(parked), frame(1)).size(), "confirmed on its second frame");
        for (int i = 2; i < 6; i++) assertEquals(0, e.evaluate(List.of(parked), frame(i)).size());
        // A one-frame ghost: not confirmed, even though the parked car matched every frame.
        Detection ghost = det("car", 0.55f, 0.6f, 0.1f, 0.7f, 0.3f);
        assertEquals(0, e.evaluate(List.of(parked, ghost), frame(6)).size());
        assertEquals(0, e.evaluate(List.of(parked), frame(7)).size());
        assertEquals(0, e.evaluate(List.of(parked), frame(8)).size());
        // A real arrival stays: confirmed on its second frame.
        Detection arriving = det("car", 0.8f, 0.55f, 0.5f, 0.9f, 0.85f);
        assertEquals(0, e.evaluate(List.of(parked, arriving), frame(9)).size());
        List<Trigger> t = e.evaluate(List.of(parked, arriving), frame(10));
        assertEquals(1, t.size());
        assertSame(arriving, t.get(0).detection());
    }

    @Test
    void trackingOffWithCooldownZeroReTriggersAStillObjectEveryFrameButOnWithCooldownZeroOnlyOnce() {
        List<Detection> person = List.of(det("person", 0.8f, 0.4f, 0.2f, 0.6f, 0.9f));
        RuleEngine off = rules().engine();
        RuleEngine on = rules().tracking(true).engine();
        int offCount = 0, onCount = 0;
        for (int i = 0; i < 5; i++) {
            offCount += off.evaluate(person, frame(i)).size();
            onCount += on.evaluate(person, frame(i)).size();
        }
        assertEquals(5, offCount);
        assertEquals(1, onCount);
    }

    @Test
    void iouOfBoxes() {
        assertEquals(1f, RuleEngine.iou(new float[] {0, 0, 1, 1}, new float[] {0, 0, 1, 1}), 1e-6);
        assertEquals(0f, RuleEngine.iou(new float[] {0, 0, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 1, 1}), 1e-6);
        assertEquals(1f / 3f, RuleEngine.iou(new float[] {0, 0, 0.2f, 1}, new float[] {0.1f, 0, 0.3f, 1}), 1e-6);
    }

    @Test
    void manyObjectsAtOnceDoNotOverflowTheTracker() {
        RuleEngine e = rules().tracking(true).engine();
        List<Detection> crowd = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            float x = (i % 10) / 10f, y = (i / 10) / 10f;
            crowd.add(det("person", 0.6f + i / 1000f, x, y, x + 0.09f, y + 0.09f));
        }
        assertEquals(1, e.evaluate(crowd, frame(0)).size());
        for (int i = 1; i < 5; i++) assertEquals(0, e.evaluate(crowd, frame(i)).size());
        assertEquals(RuleEngine.MAX_TRACKS, e.state().get(0).trackedObjects());
    }

    @Test
    void aFrameThatFiresNothingAllocatesNothing() {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        RuleEngine e = rules().zones(DOOR).masks(new Polygon("mat", new float[] {0.45f, 0.55f, 0.55f, 0.45f},
                new float[] {0.8f, 0.8f, 0.9f, 0.9f})).confirm(2, 3).cooldown(Duration.ofSeconds(30)).tracking(true).engine();
        List<Detection> scene = new ArrayList<>();
        String[] labels = {"person", "cat", "car", "dog", "chair", "person", "bird", "tv"};
        for (int i = 0; i < labels.length; i++)
            scene.add(det(labels[i], 0.4f + i * 0.07f, i * 0.11f, 0.3f, i * 0.11f + 0.1f, 0.85f));
        for (int i = 0; i < 20_000; i++) e.evaluate(scene, T0); // fires once, then the tracker knows everyone
        long before = threads.getCurrentThreadAllocatedBytes();
        int fired = 0;
        for (int i = 0; i < 10_000; i++) fired += e.evaluate(scene, T0).size();
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(0, fired);
        assertTrue(allocated < 1024, allocated + " bytes for 10000 frames");
    }

    // ---- classification

    static final GroupRule CAT_CLASSES = new GroupRule("cat", Set.of("tabby", "tiger cat", "Egyptian cat"), 0.3f, 0f, 1f);

    @Test
    void classifierTopKFiresTheGroupWithTheBestClassOverTheWholeFrame() {
        // A zone and an area limit that no whole-frame box passes: neither applies to a classifier.
        RuleEngine e = rules().group(new GroupRule("cat", CAT_CLASSES.labels(), 0.3f, 0f, 0.2f)).zones(DOOR).engine();
        List<Classification> top = List.of(new Classification(286, "Egyptian cat", 0.45f),
                new Classification(282, "tiger cat", 0.31f), new Classification(283, "tabby", 0.12f),
                new Classification(288, "lynx", 0.05f));
        List<Trigger> t = e.evaluateClassification(top, frame(0));
        assertEquals(1, t.size());
        Detection d = t.get(0).detection();
        assertEquals("Egyptian cat", d.label());
        assertEquals(286, d.index());
        assertEquals(0.45f, d.score());
        assertEquals(List.of(0f, 0f, 1f, 1f), List.of(d.box()[0], d.box()[1], d.box()[2], d.box()[3]));
    }

    @Test
    void classifierBelowTheMinimumOrOutsideTheGroupDoesNotFire() {
        RuleEngine e = rules().group(CAT_CLASSES).engine();
        assertEquals(List.of(), e.evaluateClassification(List.of(new Classification(283, "tabby", 0.29f),
                new Classification(208, "Labrador retriever", 0.9f)), frame(0)));
    }

    @Test
    void classifierGroupsConfirmAndTrackLikeDetections() {
        RuleEngine e = rules().group(CAT_CLASSES).confirm(2, 3).tracking(true).engine();
        List<Classification> cat = List.of(new Classification(283, "tabby", 0.6f));
        List<Classification> none = List.of(new Classification(1, "goldfish", 0.6f));
        assertEquals(0, e.evaluateClassification(cat, frame(0)).size());
        assertEquals(1, e.evaluateClassification(cat, frame(1)).size());
        for (int i = 2; i < 8; i++) assertEquals(0, e.evaluateClassification(cat, frame(i)).size(), "the cat stays");
        for (int i = 8; i < 8 + RuleEngine.DEFAULT_TRACK_MISSES + 1; i++) e.evaluateClassification(none, frame(i));
        int f = 8 + RuleEngine.DEFAULT_TRACK_MISSES + 1;
        assertEquals(0, e.evaluateClassification(cat, frame(f)).size());
        assertEquals(1, e.evaluateClassification(cat, frame(f + 1)).size(), "a cat came back after it had left");
    }

    // ---- configuration errors

    @Test
    void impossibleSettingsAreRefusedByTheRecordsNamingTheirKey() {
        assertEquals("frames: 3 is above of (2); a group needs at most all of the last frames",
                assertThrows(ConfigException.class, () -> new Confirm(3, 2)).getMessage());
        assertEquals("min_area: 0.5 is above max_area (0.1)",
                assertThrows(ConfigException.class, () -> new GroupRule("person", Set.of("person"), 0.5f, 0.5f, 0.1f)).getMessage());
        assertEquals("cameras.door.groups.empty.labels: is empty; give the model's labels of this group, e.g. [cat, dog]",
                assertThrows(ConfigException.class, () -> new GroupRule("empty", Set.of(), 0.5f, 0f, 1f)).under("cameras.door.groups.empty").getMessage());
        assertEquals("track_iou: 1.5 is not within 0..1", assertThrows(ConfigException.class, () -> new CameraRules(Map.of("person", PERSON), List.of(), List.of(), Confirm.ONE_OF_ONE, Duration.ZERO, true, 1.5f)).getMessage());
    }

    static List<Integer> toList(int[] a) {
        List<Integer> out = new ArrayList<>();
        for (int v : a) out.add(v);
        return out;
    }
}
