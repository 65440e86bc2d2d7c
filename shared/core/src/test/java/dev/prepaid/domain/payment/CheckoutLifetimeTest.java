package dev.prepaid.domain.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CheckoutLifetimeTest {
    static final Instant CREATED = Instant.parse("2025-03-01T12:00:00Z");

    @Test
    void theDefaultIsAnHourAndTheRangeIs35MinutesTo24Hours() {
        assertEquals(Duration.ofMinutes(60), CheckoutLifetime.DEFAULT.duration());
        assertEquals(35, CheckoutLifetime.ofMinutes(35).minutes());
        assertEquals(1440, CheckoutLifetime.ofMinutes(1440).minutes());
        assertEquals(CheckoutLifetime.ofMinutes(90), CheckoutLifetime.parseMinutes(" 90 "));
        assertEquals(Duration.ofMinutes(5), CheckoutLifetime.GRACE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"34", "1441", "0", "-1", "", " ", "abc", "60.0", "1e2", "+60", "1234567890123"})
    void anythingElseIsRefusedWithWhatIsAccepted(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CheckoutLifetime.parseMinutes(text));
        assertTrue(e.getMessage().startsWith("must be a whole number of minutes from 35 to 1440"), e.getMessage());
    }

    @Test
    void aDurationThatIsNotWholeMinutesOrOutOfRangeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new CheckoutLifetime(Duration.ofMinutes(60).plusSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new CheckoutLifetime(Duration.ofMinutes(30)));
        assertThrows(IllegalArgumentException.class, () -> new CheckoutLifetime(Duration.ofHours(25)));
        assertThrows(NullPointerException.class, () -> new CheckoutLifetime(null));
    }

    @Test
    void anOpenCheckoutAwaitsItsBuyerUntilTheLifetimeAndGraceHavePassed() {
        CheckoutLifetime lifetime = CheckoutLifetime.ofMinutes(60);
        assertEquals(Instant.parse("2025-03-01T13:00:00Z"), lifetime.expiresAt(CREATED));
        assertEquals(Instant.parse("2025-03-01T13:05:00Z"), lifetime.stuckAfter(CREATED));
        assertTrue(lifetime.awaiting(CREATED, CREATED));
        assertTrue(lifetime.awaiting(CREATED, Instant.parse("2025-03-01T13:04:59.999Z")));
        assertFalse(lifetime.awaiting(CREATED, Instant.parse("2025-03-01T13:05:00Z")));
        assertFalse(lifetime.awaiting(CREATED, Instant.parse("2025-03-02T00:00:00Z")));
    }
}
