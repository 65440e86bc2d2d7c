package dev.prepaid.port.in;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.prepaid.domain.Credits;
import dev.prepaid.domain.IdempotencyKey;
import dev.prepaid.domain.ValidationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class RefundUsageCommandTest {

    @Test
    void aFullRefundNeedsOnlyTheDeductionAndAReason() {
        RefundUsageCommand command = new RefundUsageCommand("usage#k1", "render failed", null, null);
        assertEquals("usage#k1", command.deductionId());
        assertEquals("render failed", command.reason());
        assertNull(command.amount());
        assertNull(command.idempotencyKey());
    }

    @Test
    void aPartialRefundKeepsAmountAndKey() {
        RefundUsageCommand command = new RefundUsageCommand("usage#k1", "half failed", Credits.ofHundredths(150),
                new IdempotencyKey("r1"));
        assertEquals(Credits.ofHundredths(150), command.amount());
        assertEquals(new IdempotencyKey("r1"), command.idempotencyKey());
    }

    @Test
    void deductionIdUpTo300Characters() {
        String longest = "usage#" + "k".repeat(294);
        assertEquals(longest, new RefundUsageCommand(longest, "r", null, null).deductionId());
        ValidationException e = assertThrows(ValidationException.class,
                () -> new RefundUsageCommand(longest + "k", "r", null, null));
        assertEquals("invalid_deduction_id", e.code());
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"k1", "usage", "USAGE#k1", "adjustment#k1", "usage_refund#usage#k1#-",
            "refunded#usage#k1", " usage#k1"})
    void deductionIdMustNameAUsageEntry(String deductionId) {
        ValidationException e = assertThrows(ValidationException.class,
                () -> new RefundUsageCommand(deductionId, "r", null, null));
        assertEquals("invalid_deduction_id", e.code());
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "\n\t"})
    void reasonIsRequired(String reason) {
        ValidationException e = assertThrows(ValidationException.class,
                () -> new RefundUsageCommand("usage#k1", reason, null, null));
        assertEquals("invalid_reason", e.code());
        assertEquals("reason is required", e.getMessage());
    }

    @Test
    void reasonLimits() {
        assertEquals(500, new RefundUsageCommand("usage#k1", "r".repeat(500), null, null).reason().length());
        assertEquals("invalid_reason", assertThrows(ValidationException.class,
                () -> new RefundUsageCommand("usage#k1", "r".repeat(501), null, null)).code());
        assertEquals("invalid_reason", assertThrows(ValidationException.class,
                () -> new RefundUsageCommand("usage#k1", "bad\u0000", null, null)).code());
    }

    @ParameterizedTest
    @CsvSource({"0", "-1", "-500"})
    void amountMustBePositiveWhenGiven(long hundredths) {
        ValidationException e = assertThrows(ValidationException.class,
                () -> new RefundUsageCommand("usage#k1", "r", Credits.ofHundredths(hundredths), null));
        assertEquals("invalid_amount", e.code());
    }
}
