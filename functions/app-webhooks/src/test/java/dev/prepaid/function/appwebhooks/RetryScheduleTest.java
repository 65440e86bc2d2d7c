package dev.prepaid.function.appwebhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The retry schedule: exponential from a minute, capped, and about 3 days from the first try to the last. */
class RetryScheduleTest {

    @Test
    void doublesFromAMinuteUpToTheCap() {
        assertEquals(Duration.ofMinutes(1), RetrySchedule.after(1));
        assertEquals(Duration.ofMinutes(2), RetrySchedule.after(2));
        assertEquals(Duration.ofMinutes(256), RetrySchedule.after(9));
        assertEquals(Duration.ofHours(8), RetrySchedule.after(10));
        assertEquals(Duration.ofHours(8), RetrySchedule.after(1000));
        for (int n = 1; n <= 30; n++) {
            assertTrue(RetrySchedule.after(n).compareTo(Duration.ofHours(12)) <= 0, "SQS's visibility limit");
        }
    }

    @Test
    void theLastReceiveComesAboutThreeDaysAfterTheFirst() {
        Duration last = RetrySchedule.elapsedBefore(RetrySchedule.MAX_RECEIVES);
        assertTrue(last.compareTo(Duration.ofHours(72)) >= 0, last.toString());
        assertTrue(RetrySchedule.elapsedBefore(RetrySchedule.MAX_RECEIVES - 1).compareTo(Duration.ofHours(72)) < 0,
                "one receive fewer would stop short of 3 days");
        assertTrue(last.compareTo(Duration.ofHours(81)) < 0, "and not much more: " + last);
    }
}
