package dev.vigil.alarm;

import java.time.Instant;

/**
 * One change of a camera's alarm state.
 *
 * @param from  null for the initial state
 * @param cause what moved it, e.g. {@code person 0.87}, {@code input arm}, {@code quiet for 10s}
 * @param nanos the alarms' time source's nanos of the change ({@link System#nanoTime()} in production)
 */
public record AlarmTransition(String camera, AlarmState from, AlarmState to, String cause, Instant time, long nanos) {

    @Override
    public String toString() {
        return "alarm " + camera + ": " + (from == null ? "" : from + " -> ") + to + " (" + cause + ")";
    }
}
