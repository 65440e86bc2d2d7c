package dev.prepaid.system.reliability;

import java.util.ArrayList;
import java.util.List;

/** What a check found wrong: every violation is counted, the first ones are kept word for word. */
final class Violations {
    private static final int KEPT = 50;
    private final List<String> first = new ArrayList<>();
    private int count;

    synchronized void add(String message) {
        count++;
        if (first.size() < KEPT) {
            first.add(message);
        }
    }

    synchronized void check(boolean ok, String message) {
        if (!ok) {
            add(message);
        }
    }

    synchronized int count() {
        return count;
    }

    synchronized List<String> first() {
        return List.copyOf(first);
    }

    /** For an assertion message. */
    synchronized String summary() {
        return count + " violation(s)" + (count == 0 ? "" : ":\n  " + String.join("\n  ", first)
                + (count > first.size() ? "\n  ..." : ""));
    }
}
