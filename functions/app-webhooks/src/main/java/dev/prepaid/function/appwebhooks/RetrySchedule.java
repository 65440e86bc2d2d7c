package dev.prepaid.function.appwebhooks;

import java.time.Duration;

/**
 * When a failed delivery is tried again: 1 minute after the first failure, doubling, capped at 8 hours (SQS's
 * visibility timeout allows 12). The 17 waits add up to just over 72 hours, so the 18th receive, about 3 days after
 * the first, is the last: AppEventsQueue's {@code maxReceiveCount} is {@link #MAX_RECEIVES} and a message that
 * fails it goes to AppEventsDLQ.
 */
public final class RetrySchedule {
    public static final Duration FIRST = Duration.ofMinutes(1);
    public static final Duration CAP = Duration.ofHours(8);
    public static final int MAX_RECEIVES = 18;

    private RetrySchedule() {
    }

    /** The wait after the {@code receiveCount}-th receive failed (1-based). */
    public static Duration after(int receiveCount) {
        int n = Math.max(1, receiveCount);
        if (n > 20) {
            return CAP;
        }
        Duration delay = FIRST.multipliedBy(1L << (n - 1));
        return delay.compareTo(CAP) > 0 ? CAP : delay;
    }

    /** How long after the first attempt the {@code receiveCount}-th one comes. */
    public static Duration elapsedBefore(int receiveCount) {
        Duration total = Duration.ZERO;
        for (int i = 1; i < receiveCount; i++) {
            total = total.plus(after(i));
        }
        return total;
    }
}
