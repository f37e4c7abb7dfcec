package dev.vigil.qc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.qc.QcRules.Candidate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Labels and scores to OK, NG or UNCERTAIN. */
class QcRulesTest {

    static final Candidate HOTDOG = new Candidate("hotdog, hot dog, red hot", 0.96f);
    static final Candidate CAT = new Candidate("Egyptian cat", 0.84f);
    static final Candidate TERRIER = new Candidate("Tibetan terrier, chrysanthemum dog", 0.54f);

    final QcRules both = new QcRules(Set.of("hotdog"), Set.of("Egyptian cat"), 0.5f, 0.5f);

    @Test
    void labelListsDecide() {
        assertEquals(new QcRules.Decision(Verdict.OK, HOTDOG), both.decide(List.of(HOTDOG)), "hotdog matches one of the label's names");
        assertEquals(new QcRules.Decision(Verdict.NG, CAT), both.decide(List.of(CAT, new Candidate("tabby, tabby cat", 0.09f))));
        assertEquals(new QcRules.Decision(Verdict.UNCERTAIN, TERRIER), both.decide(List.of(TERRIER)));
        assertEquals(new QcRules.Decision(Verdict.UNCERTAIN, null), both.decide(List.of()), "nothing seen");
    }

    @Test
    void aBadPartWinsOverAGoodOne() {
        assertEquals(Verdict.NG, both.decide(List.of(HOTDOG, new Candidate("Egyptian cat", 0.6f))).verdict());
    }

    @Test
    void scoresBelowTheThresholdDoNotCount() {
        QcRules strict = new QcRules(Set.of("hotdog"), Set.of("Egyptian cat"), 0.97f, 0.9f);
        assertEquals(Verdict.UNCERTAIN, strict.decide(List.of(HOTDOG, CAT)).verdict());
    }

    @Test
    void withOneListTheOtherIsItsComplement() {
        QcRules onlyNg = new QcRules(Set.of(), Set.of("Egyptian cat"), 0.5f, 0.5f);
        assertEquals(Verdict.OK, onlyNg.decide(List.of(TERRIER)).verdict());
        assertEquals(Verdict.NG, onlyNg.decide(List.of(CAT)).verdict());
        QcRules onlyOk = new QcRules(Set.of("hotdog"), Set.of(), 0.5f, 0.5f);
        assertEquals(Verdict.NG, onlyOk.decide(List.of(TERRIER)).verdict());
        assertEquals(Verdict.OK, onlyOk.decide(List.of(HOTDOG)).verdict());
    }

    @Test
    void entriesThatMatchNoModelLabelAreReported() {
        QcRules typo = new QcRules(Set.of("hot dgo"), Set.of("Egyptian cat"), 0.5f, 0.5f);
        assertEquals(List.of("hot dgo"), typo.unknown(List.of("hotdog, hot dog, red hot", "Egyptian cat")));
    }
}
