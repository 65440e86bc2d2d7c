package dev.prepaid.system.reliability;

/**
 * The suite's knobs, from system properties (Maven passes {@code -D...} on to the test JVM):
 * <ul>
 *   <li>{@code reliability.long=true}: the long mode, every operation count multiplied by
 *       {@code reliability.multiplier} (default 5);</li>
 *   <li>{@code reliability.seed}: the seed of every random choice (default {@link #DEFAULT_SEED}), so a
 *       failing run can be replayed with the same plan of operations.</li>
 * </ul>
 */
final class Reliability {
    static final long DEFAULT_SEED = 20_261_122L;

    private Reliability() {
    }

    static boolean longMode() {
        return Boolean.parseBoolean(System.getProperty("reliability.long", "false"));
    }

    static int multiplier() {
        if (!longMode()) {
            return 1;
        }
        return Math.max(1, Integer.parseInt(System.getProperty("reliability.multiplier", "5").trim()));
    }

    /** {@code base} in the normal mode, {@code base x multiplier} in the long mode. */
    static int scaled(int base) {
        return Math.multiplyExact(base, multiplier());
    }

    static long seed() {
        String value = System.getProperty("reliability.seed");
        return value == null || value.isBlank() ? DEFAULT_SEED : Long.parseLong(value.trim());
    }

    static String mode() {
        return longMode() ? "long (x" + multiplier() + ")" : "normal";
    }
}
