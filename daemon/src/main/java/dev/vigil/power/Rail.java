package dev.vigil.power;

/** One measured supply rail: its name as the hardware labels it and its draw in watts. */
public record Rail(String name, double watts) {}
