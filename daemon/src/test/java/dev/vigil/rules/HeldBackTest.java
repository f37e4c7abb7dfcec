package dev.vigil.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.vigil.postprocess.Detection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** "A person at 0.72 raised nothing": at debug, the log names the rule that held the group back, without a line per frame. */
class HeldBackTest {

    static final Instant T0 = Instant.parse("2026-11-29T20:00:00Z");
    static final Polygon DOOR = new Polygon("door", new float[] {0.3f, 0.7f, 0.7f, 0.3f}, new float[] {0.5f, 0.5f, 1f, 1f});
    static final Polygon STREET = new Polygon("street", new float[] {0.7f, 1f, 1f, 0.7f}, new float[] {0f, 0f, 0.35f, 0.35f});

    final Logger logger = (Logger) LoggerFactory.getLogger(HeldBack.class);
    final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    Level before;

    @BeforeEach
    void capture() {
        before = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        logs.start();
        logger.addAppender(logs);
    }

    @AfterEach
    void release() {
        logger.detachAppender(logs);
        logger.setLevel(before);
    }

    List<String> lines() { return logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList(); }

    static RuleEngine engine(List<Polygon> zones, List<Polygon> masks, Confirm confirm, Duration cooldown, boolean tracking) {
        GroupRule person = new GroupRule("person", Set.of("person"), 0.6f, 0.01f, 1f);
        return new RuleEngine("door", new CameraRules(Map.of("person", person), zones, masks, confirm, cooldown, tracking, 0.5f));
    }

    static Detection person(float score, float... box) { return new Detection("person", 0, score, box); }

    static Instant at(long millis) { return T0.plusMillis(millis); }

    @Test
    void aDogOfAnotherBreedIsHeldBackByTheSubLabels() {
        GroupRule husky = new GroupRule("husky", Set.of("dog"), 0.5f, 0f, 1f, Set.of("malamute"), 0.5f);
        RuleEngine e = new RuleEngine("yard", new CameraRules(Map.of("husky", husky), List.of(), List.of(), Confirm.ONE_OF_ONE,
                Duration.ZERO, false, 0.5f));
        Detection beagle = new Detection("dog", 18, 0.8f, new float[] {0.1f, 0.1f, 0.5f, 0.9f},
                new dev.vigil.postprocess.SubLabel("beagle", 163, 0.91f));
        assertEquals(List.of(), e.evaluate(List.of(beagle), at(0)));
        assertEquals(List.of("rules yard/husky: held back by sub_labels: dog 0.80 is beagle 0.91, not one of [malamute] at 0.5"), lines());
    }

    @Test
    void aPersonOutsideTheZoneIsHeldBackByTheZone() {
        RuleEngine e = engine(List.of(DOOR), List.of(), Confirm.ONE_OF_ONE, Duration.ZERO, false);
        assertEquals(List.of(), e.evaluate(List.of(person(0.72f, 0.1f, 0.1f, 0.3f, 0.4f)), at(0)));
        assertEquals(List.of("rules door/person: held back by zone: person 0.72 stands at (0.20, 0.40), in no zone [door]"), lines());
    }

    @Test
    void eachRuleNamesItself() {
        RuleEngine masked = engine(List.of(), List.of(STREET), Confirm.ONE_OF_ONE, Duration.ZERO, false);
        masked.evaluate(List.of(person(0.72f, 0.8f, 0.1f, 0.9f, 0.3f)), at(0));
        masked.evaluate(List.of(person(0.5f, 0.1f, 0.1f, 0.5f, 0.9f)), at(100));
        masked.evaluate(List.of(person(0.9f, 0.1f, 0.1f, 0.12f, 0.12f)), at(200));
        RuleEngine confirm = engine(List.of(), List.of(), new Confirm(2, 3), Duration.ZERO, false);
        confirm.evaluate(List.of(person(0.72f, 0.1f, 0.1f, 0.5f, 0.9f)), at(0));
        RuleEngine cooldown = engine(List.of(), List.of(), Confirm.ONE_OF_ONE, Duration.ofSeconds(30), false);
        assertEquals(1, cooldown.evaluate(List.of(person(0.8f, 0.1f, 0.1f, 0.5f, 0.9f)), at(0)).size());
        cooldown.evaluate(List.of(person(0.72f, 0.1f, 0.1f, 0.5f, 0.9f)), at(1000));
        RuleEngine tracked = engine(List.of(), List.of(), Confirm.ONE_OF_ONE, Duration.ZERO, true);
        assertEquals(1, tracked.evaluate(List.of(person(0.8f, 0.1f, 0.1f, 0.5f, 0.9f)), at(0)).size());
        tracked.evaluate(List.of(person(0.72f, 0.1f, 0.1f, 0.5f, 0.9f)), at(100));
        assertEquals(List.of(
                "rules door/person: held back by mask: person 0.72 stands at (0.85, 0.30), inside mask street",
                "rules door/person: held back by min_score: person 0.50 is below 0.6",
                "rules door/person: held back by area: person 0.90 covers 0.0004 of the frame, outside min_area 0.01 .. max_area 1",
                "rules door/person: held back by confirm: person 0.72 matched in 1 of the last 3 frames; needs 2",
                "rules door/person: held back by cooldown: person 0.72 within cooldown_s 30 s of the last trigger",
                "rules door/person: held back by tracking: person 0.72 is an object that already fired (box IoU >= 0.5)"), lines());
    }

    @Test
    void theSameReasonIsRepeatedEveryFiveSecondsNotEveryFrame() {
        RuleEngine e = engine(List.of(DOOR), List.of(), Confirm.ONE_OF_ONE, Duration.ZERO, false);
        List<Detection> outside = List.of(person(0.72f, 0.1f, 0.1f, 0.3f, 0.4f));
        for (long ms = 0; ms < 10_000; ms += 100) e.evaluate(outside, at(ms)); // 100 frames, 10 s
        assertEquals(2, lines().size(), "at 0 and at 5000 ms: " + lines());
        e.evaluate(List.of(person(0.5f, 0.4f, 0.5f, 0.6f, 0.9f)), at(10_000)); // a new reason is news at once
        assertEquals("rules door/person: held back by min_score: person 0.50 is below 0.6", lines().getLast());
        assertEquals(1, e.evaluate(List.of(person(0.72f, 0.4f, 0.5f, 0.6f, 0.9f)), at(10_100)).size());
        e.evaluate(List.of(person(0.5f, 0.4f, 0.5f, 0.6f, 0.9f)), at(10_200)); // after a firing, the same reason again
        assertEquals(4, lines().size(), lines().toString());
    }

    @Test
    void nothingIsBuiltOrLoggedBelowDebug() {
        logger.setLevel(Level.INFO);
        RuleEngine e = engine(List.of(DOOR), List.of(), Confirm.ONE_OF_ONE, Duration.ZERO, false);
        e.evaluate(List.of(person(0.72f, 0.1f, 0.1f, 0.3f, 0.4f)), at(0));
        assertEquals(List.of(), lines());
    }
}
