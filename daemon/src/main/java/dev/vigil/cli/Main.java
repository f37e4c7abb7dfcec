package dev.vigil.cli;

import dev.vigil.inference.*;
import java.nio.file.Path;

public class Main {
    public static void main(String[] a) {
        int threads = Integer.parseInt(a[2]);
        EngineOptions o = EngineOptions.cpu(threads).withDelegate(Delegate.parse(a[1]));
        if (a.length > 3) o = o.withXnnpackFlags(Integer.decode(a[3]));
        try (TfliteEngine e = TfliteEngine.open(Path.of(a[0]), o)) {
            System.out.println(e + " in=" + e.inputs() + " out=" + e.outputs());
            for (int i = 0; i < 20; i++) e.invoke();
            long t0 = System.nanoTime();
            int n = 200;
            for (int i = 0; i < n; i++) { e.invoke(); if (i % 50 == 0) System.gc(); }
            System.out.printf("invoke %.2f ms%n", (System.nanoTime() - t0) / 1e6 / n);
        } catch (ModelLoadException ex) { System.err.println("vigil: " + ex.getMessage()); System.exit(3); }
    }
}
