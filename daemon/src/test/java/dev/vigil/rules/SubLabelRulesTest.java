package dev.vigil.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.config.ConfigLoader;
import dev.vigil.postprocess.Detection;
import dev.vigil.postprocess.SubLabel;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A group with {@code sub_labels}, read from a config and judged by the rule engine itself. */
class SubLabelRulesTest {

    static final Instant T0 = Instant.parse("2026-11-30T04:00:00Z");

    static RuleEngine engine() {
        var cfg = ConfigLoader.parse("""
                cameras:
                  yard:
                    source: { folder: photos }
                    tracking: false
                    groups:
                      any_dog: { labels: [dog] }
                      husky: { labels: [dog], sub_labels: [malamute, Siberian husky], sub_label_min_score: 0.5 }
                    second_stage: { model: mobilenet_v2_quant, labels: [dog] }
                """, Path.of("/etc/vigil"), Map.of());
        return new RuleEngine("yard", cfg.cameras().get("yard").rules());
    }

    static Detection dog(SubLabel sub) { return new Detection("dog", 18, 0.8f, new float[] {0.2f, 0.3f, 0.6f, 0.9f}, sub); }

    static Set<String> fired(RuleEngine e, Detection d, int frame) {
        return Set.copyOf(e.evaluate(List.of(d), T0.plusSeconds(frame)).stream().map(Trigger::group).toList());
    }

    @Test
    void theGroupFiresOnlyWhenTheSubLabelIsOneItAsksFor() {
        RuleEngine e = engine();
        assertEquals(Set.of("any_dog"), fired(e, dog(null), 0), "no sub-label: only the plain group");
        assertEquals(Set.of("any_dog"), fired(e, dog(new SubLabel("beagle", 163, 0.9f)), 1), "another breed");
        assertEquals(Set.of("any_dog"), fired(e, dog(new SubLabel("malamute, malemute, Alaskan malamute", 250, 0.3f)), 2),
                "the breed, below sub_label_min_score");
        assertEquals(Set.of("any_dog", "husky"), fired(e, dog(new SubLabel("malamute, malemute, Alaskan malamute", 250, 0.96f)), 3),
                "one name of the comma-separated ImageNet label is enough");
        assertEquals(Set.of("any_dog", "husky"), fired(e, dog(new SubLabel("Siberian husky", 251, 0.7f)), 4));
    }

    @Test
    void theTriggerCarriesTheSubLabel() {
        SubLabel malamute = new SubLabel("malamute, malemute, Alaskan malamute", 250, 0.96f);
        Trigger t = engine().evaluate(List.of(dog(malamute)), T0).stream().filter(x -> x.group().equals("husky")).findFirst().orElseThrow();
        assertEquals(malamute, t.detection().sub());
    }

    @Test
    void aPartMatchesWholeNamesOnly() {
        assertTrue(GroupRule.hasPart("malamute, malemute, Alaskan malamute", "Alaskan malamute"));
        assertTrue(GroupRule.hasPart("malamute, malemute, Alaskan malamute", "malamute"));
        assertFalse(GroupRule.hasPart("malamute, malemute, Alaskan malamute", "Alaskan"));
        assertFalse(GroupRule.hasPart("malamute, malemute, Alaskan malamute", "mute"));
    }
}
