package dev.vigil.alarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.vigil.testing.VirtualTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A group that fired but rang nothing: at debug, the alarm says its state held it back, and why it is in that state. */
class AlarmHeldBackTest {

    @Test
    void aTriggerOnADisarmedCameraNamesTheAlarmStateAndItsCause() {
        VirtualTime time = new VirtualTime();
        Logger logger = (Logger) LoggerFactory.getLogger(Alarms.class);
        Level before = logger.getLevel();
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        logger.setLevel(Level.DEBUG);
        try {
            Alarms a = new Alarms(Map.of("door", false), Set.of(), Duration.ofSeconds(10), Duration.ofSeconds(30), time.scheduler(), time);
            assertFalse(a.trigger("door", "person", "person person 0.72"));
            List<String> debug = logs.list.stream().filter(e -> e.getLevel() == Level.DEBUG).map(ILoggingEvent::getFormattedMessage).toList();
            assertEquals(List.of("alarm door: person person 0.72 held back by alarm state DISARMED (start, arm input inactive)"), debug);
        } finally {
            logger.detachAppender(logs);
            logger.setLevel(before);
        }
    }
}
