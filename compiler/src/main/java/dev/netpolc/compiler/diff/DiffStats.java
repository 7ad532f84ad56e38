package dev.netpolc.compiler.diff;

/**
 * How much work a diff took, to show that it ran on equivalence classes.
 *
 * @param pods               active pods compared
 * @param sourceClasses      classes of pods that behave alike as sources
 * @param destinationClasses classes of pods that behave alike as destinations
 * @param portIntervals      port intervals (all protocols, plus one for portless protocols)
 *                           on which every rule of both policy sets behaves alike
 */
public record DiffStats(int pods, int sourceClasses, int destinationClasses, int portIntervals) {}
