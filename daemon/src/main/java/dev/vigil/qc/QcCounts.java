package dev.vigil.qc;

/**
 * A station's counters since start, for metrics.
 *
 * @param pushed parts the reject output was pulsed for
 * @param late   NG parts whose verdict came after the push was due (not pushed)
 */
public record QcCounts(long ok, long ng, long uncertain, long pushed, long late) {}
