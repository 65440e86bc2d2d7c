package dev.prepaid.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class BalanceRuleTest {

    private static Credits c(String value) {
        return Credits.parse(new BigDecimal(value), "test");
    }

    @ParameterizedTest(name = "{0}: before {1}, requested {2} -> applied {3}")
    @CsvSource({
            // REQUIRE_FUNDS: debits must be covered, credits pass
            "REQUIRE_FUNDS,  10,    -3,      -3",
            "REQUIRE_FUNDS,  10,    -10,     -10",
            "REQUIRE_FUNDS,  0.01,  -0.01,   -0.01",
            "REQUIRE_FUNDS,  0,     5,       5",
            "REQUIRE_FUNDS,  -5,    3,       3",
            "REQUIRE_FUNDS,  -5,    0,       0",
            // ALLOW_NEGATIVE: applied as requested, may create or deepen a debt
            "ALLOW_NEGATIVE, 10,    -30,     -30",
            "ALLOW_NEGATIVE, -5,    -1,      -1",
            "ALLOW_NEGATIVE, 0,     7,       7",
            "ALLOW_NEGATIVE, 0,     -0.01,   -0.01",
            // FLOOR_ZERO: takes at most what is left
            "FLOOR_ZERO,     10,    -30,     -10",
            "FLOOR_ZERO,     10,    -3,      -3",
            "FLOOR_ZERO,     10,    -10,     -10",
            "FLOOR_ZERO,     0.5,   -1,      -0.5",
            "FLOOR_ZERO,     0,     -5,      0",
            "FLOOR_ZERO,     -5,    -5,      0",
            "FLOOR_ZERO,     10,    4,       4",
            "FLOOR_ZERO,     -5,    4,       4",
    })
    void effectiveAmount(BalanceRule rule, String before, String requested, String applied) {
        assertEquals(c(applied), rule.effectiveAmount(c(before), c(requested)));
    }

    @ParameterizedTest(name = "REQUIRE_FUNDS: before {0}, requested {1} is not covered")
    @CsvSource({
            "10,    -10.01,  10.01",
            "0,     -0.01,   0.01",
            "-5,    -1,      1",
            "-0.01, -0.01,   0.01",
            "3,     -1000,   1000",
    })
    void requireFundsRefusesUncoveredDebitsAndDebts(String before, String requested, String required) {
        InsufficientCreditsException e = assertThrows(InsufficientCreditsException.class,
                () -> BalanceRule.REQUIRE_FUNDS.effectiveAmount(c(before), c(requested)));
        assertEquals("insufficient_credits", e.code());
        assertEquals(c(before), e.balance());
        assertEquals(c(required), e.required());
        assertEquals("balance " + c(before) + " does not cover " + c(required), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(BalanceRule.class)
    void positiveAmountsAreAlwaysAppliedInFull(BalanceRule rule) {
        assertEquals(c("2.5"), rule.effectiveAmount(c("-100"), c("2.5")));
        assertEquals(c("2.5"), rule.effectiveAmount(c("100"), c("2.5")));
    }
}
