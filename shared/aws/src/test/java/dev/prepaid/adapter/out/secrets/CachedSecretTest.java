package dev.prepaid.adapter.out.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CachedSecretTest {

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        private Instant now = Instant.parse("2026-12-06T00:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    /** A secret store the test rotates and breaks by hand; counts the reads. */
    static final class FakeSource implements SecretSource {
        final AtomicReference<Map<String, String>> current = new AtomicReference<>(Map.of("STRIPE_SECRET_KEY", "sk_test_old_0001"));
        final AtomicInteger reads = new AtomicInteger();
        volatile RuntimeException failure;

        @Override
        public Map<String, String> read() {
            reads.incrementAndGet();
            if (failure != null) {
                throw failure;
            }
            return current.get();
        }
    }

    private final ManualClock clock = new ManualClock();
    private final FakeSource source = new FakeSource();
    private final CachedSecret secret = new CachedSecret("provider secrets", source, Duration.ofMinutes(5), clock);

    @Test
    void nothingIsReadUntilFirstUse() {
        assertEquals(0, source.reads.get(), "made at init (into a SnapStart snapshot): no read");
        assertEquals(0, secret.reads());
        assertEquals("sk_test_old_0001", secret.value("STRIPE_SECRET_KEY"));
        assertEquals(1, source.reads.get());
    }

    @Test
    void aReadServesForItsTtlAndARotationIsSeenAfterIt() {
        assertEquals("sk_test_old_0001", secret.value("STRIPE_SECRET_KEY"));
        source.current.set(Map.of("STRIPE_SECRET_KEY", "sk_test_new_0002"));
        clock.advance(Duration.ofMinutes(5).minusMillis(1));
        assertEquals("sk_test_old_0001", secret.value("STRIPE_SECRET_KEY"), "within the TTL: the cached value");
        assertEquals(1, source.reads.get());

        clock.advance(Duration.ofMillis(1));
        assertEquals("sk_test_new_0002", secret.value("STRIPE_SECRET_KEY"), "at the TTL: read again");
        assertEquals(2, source.reads.get());
        assertEquals("sk_test_new_0002", secret.value("STRIPE_SECRET_KEY"));
        assertEquals(2, source.reads.get());
    }

    @Test
    void aFailedRefreshKeepsServingTheValuesReadBeforeAndTriesAgainNextUse() {
        secret.values();
        source.failure = new IllegalStateException("throttled");
        clock.advance(Duration.ofMinutes(6));
        assertEquals("sk_test_old_0001", secret.value("STRIPE_SECRET_KEY"));
        assertEquals(2, source.reads.get());
        source.failure = null;
        source.current.set(Map.of("STRIPE_SECRET_KEY", "sk_test_new_0002"));
        assertEquals("sk_test_new_0002", secret.value("STRIPE_SECRET_KEY"), "the failed read did not restart the TTL");
        assertEquals(3, source.reads.get());
    }

    @Test
    void aFirstReadThatFailsIsThrown() {
        source.failure = new IllegalStateException("AccessDenied");
        assertThrows(IllegalStateException.class, secret::values);
        source.failure = null;
        assertEquals("sk_test_old_0001", secret.value("STRIPE_SECRET_KEY"));
    }

    @Test
    void aZeroTtlReadsEveryTime() {
        CachedSecret always = new CachedSecret("s", source, Duration.ZERO, clock);
        always.values();
        always.values();
        assertEquals(2, source.reads.get());
    }

    @Test
    void theTtlComesFromSecretsTtlSeconds() {
        assertEquals(Duration.ofMinutes(5), CachedSecret.ttlFrom(null));
        assertEquals(Duration.ofMinutes(5), CachedSecret.ttlFrom(" "));
        assertEquals(Duration.ofSeconds(60), CachedSecret.ttlFrom("60"));
        assertEquals(Duration.ZERO, CachedSecret.ttlFrom("0"));
        assertThrows(IllegalStateException.class, () -> CachedSecret.ttlFrom("-1"));
        assertThrows(IllegalStateException.class, () -> CachedSecret.ttlFrom("86401"));
        assertThrows(IllegalStateException.class, () -> CachedSecret.ttlFrom("5m"));
    }

    @Test
    void valuesNeverShowInToStringAndMaskShowsTheLastFourAtMost() {
        secret.values();
        String shown = secret.toString();
        assertTrue(shown.contains("STRIPE_SECRET_KEY"), shown);
        assertFalse(shown.contains("sk_test_old_0001"), shown);
        assertEquals("****0001", CachedSecret.mask("sk_test_old_0001"));
        assertEquals("****", CachedSecret.mask("short"));
        assertEquals("(none)", CachedSecret.mask(null));
    }

    @Test
    void theEnvironmentSourceTakesTheNamedVariablesThatAreSet() {
        SecretSource env = SecretSource.ofEnvironment(Map.of("STRIPE_SECRET_KEY", "sk_test_x", "CREEM_API_KEY", " ",
                "TABLE_NAME", "t"), java.util.List.of("STRIPE_SECRET_KEY", "CREEM_API_KEY", "MOCK_WEBHOOK_SECRET"));
        assertEquals(Map.of("STRIPE_SECRET_KEY", "sk_test_x"), env.read());
    }
}
