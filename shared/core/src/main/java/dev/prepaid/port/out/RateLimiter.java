package dev.prepaid.port.out;

/** Fixed-window counters shared by every instance (a stored counter, not memory). */
public interface RateLimiter {

    /**
     * Counts one request for {@code key}; returns 0 when allowed, otherwise the seconds until the window
     * resets.
     */
    long acquire(String key, int limit, int windowSeconds);
}
