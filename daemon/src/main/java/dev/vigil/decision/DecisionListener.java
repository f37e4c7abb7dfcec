package dev.vigil.decision;

import dev.vigil.alarm.AlarmTransition;
import dev.vigil.qc.QcResult;
import dev.vigil.rules.Trigger;

/**
 * An output adapter fed by the decision stage: GPIO now, MQTT and webhooks later. Called on the thread that decided (the
 * inference thread for triggers, a timer or input thread for state changes), so an adapter only queues its work (a pin
 * write on its own thread, a message into a client's buffer) and returns: the next frame waits for it.
 */
public interface DecisionListener {

    /**
     * A rule group fired while its camera's alarm was ARMED or TRIGGERED: the group's actions run now.
     *
     * @param captureNanos System.nanoTime() of the capture of the frame that fired (for capture-to-output latency)
     */
    default void alarmRaised(Trigger trigger, long captureNanos) {}

    /** A camera's alarm state changed ({@code from} null for the initial state). */
    default void alarmChanged(AlarmTransition transition) {}

    /** A QC part was judged (or expired without a frame). */
    default void qcVerdict(QcResult result) {}
}
