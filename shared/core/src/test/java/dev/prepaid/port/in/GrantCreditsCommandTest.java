package dev.prepaid.port.in;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.prepaid.domain.Credits;
import dev.prepaid.domain.IdempotencyKey;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.ValidationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class GrantCreditsCommandTest {
    private static final UserId USER = new UserId("user-1");
    private static final IdempotencyKey KEY = new IdempotencyKey("g1");

    @ParameterizedTest
    @ValueSource(longs = {1, 500, -1, -500, 100_000_000_000L})
    void anyNonZeroAmount(long hundredths) {
        GrantCreditsCommand command = new GrantCreditsCommand(USER, Credits.ofHundredths(hundredths), "support",
                KEY, "ops@example");
        assertEquals(Credits.ofHundredths(hundredths), command.amount());
        assertEquals("support", command.reason());
        assertEquals("ops@example", command.actor());
    }

    @Test
    void zeroIsRefused() {
        ValidationException e = assertThrows(ValidationException.class,
                () -> new GrantCreditsCommand(USER, Credits.ZERO, "support", KEY, "ops"));
        assertEquals("invalid_amount", e.code());
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   ", "\t"})
    void reasonIsRequired(String reason) {
        ValidationException e = assertThrows(ValidationException.class,
                () -> new GrantCreditsCommand(USER, Credits.of(1), reason, KEY, "ops"));
        assertEquals("invalid_reason", e.code());
    }

    @Test
    void reasonLimits() {
        assertEquals(500, new GrantCreditsCommand(USER, Credits.of(1), "r".repeat(500), KEY, "ops").reason().length());
        assertEquals("invalid_reason", assertThrows(ValidationException.class,
                () -> new GrantCreditsCommand(USER, Credits.of(1), "r".repeat(501), KEY, "ops")).code());
        assertEquals("invalid_reason", assertThrows(ValidationException.class,
                () -> new GrantCreditsCommand(USER, Credits.of(1), "r\u0000", KEY, "ops")).code());
    }

    @Test
    void actorDefaultsToUnknown() {
        assertEquals("unknown", new GrantCreditsCommand(USER, Credits.of(1), "r", KEY, null).actor());
    }

    @Test
    void userAmountAndKeyAreRequired() {
        assertThrows(NullPointerException.class, () -> new GrantCreditsCommand(null, Credits.of(1), "r", KEY, "a"));
        assertThrows(NullPointerException.class, () -> new GrantCreditsCommand(USER, null, "r", KEY, "a"));
        assertThrows(NullPointerException.class, () -> new GrantCreditsCommand(USER, Credits.of(1), "r", null, "a"));
    }
}
