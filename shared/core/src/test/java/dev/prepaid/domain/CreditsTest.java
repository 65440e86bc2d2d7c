package dev.prepaid.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CreditsTest {

    @ParameterizedTest(name = "parse({0}) = {1} hundredths")
    @CsvSource({
            "0.5,            50",
            "0.01,           1",
            "1E+2,           10000",
            "1.000,          100",
            "0.10,           10",
            "20,             2000",
            "0,              0",
            "0.00,           0",
            "-3.25,          -325",
            "-0.01,          -1",
            "1000000000,     100000000000",
            "1000000000.00,  100000000000",
            "-1000000000,    -100000000000",
            "999999999.99,   99999999999",
            "1E+9,           100000000000",
    })
    void parseAcceptsAtMostTwoDecimalsWithinOneBillion(String input, long hundredths) {
        assertEquals(Credits.ofHundredths(hundredths), Credits.parse(new BigDecimal(input), "amount"));
    }

    @ParameterizedTest(name = "parse({0}) is refused")
    @CsvSource({
            "0.001,           more than 2 decimal places",
            "1.005,           more than 2 decimal places",
            "-0.001,          more than 2 decimal places",
            "0.0001,          more than 2 decimal places",
            "1E-3,            more than 2 decimal places",
            "1000000000.01,   exceeds 1000000000",
            "-1000000000.01,  exceeds 1000000000",
            "1000000001,      exceeds 1000000000",
            "1E+10,           exceeds 1000000000",
            "1E+30,           exceeds 1000000000",
    })
    void parseRefusesTooManyDecimalsOrTooLarge(String input, String reason) {
        ValidationException e = assertThrows(ValidationException.class,
                () -> Credits.parse(new BigDecimal(input), "amount"));
        assertEquals("invalid_amount", e.code());
        assertTrue(e.getMessage().startsWith("amount "), e.getMessage());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    @Test
    void parseRequiresAValueAndNamesTheField() {
        ValidationException e = assertThrows(ValidationException.class, () -> Credits.parse(null, "price"));
        assertEquals("invalid_amount", e.code());
        assertEquals("price is required", e.getMessage());
    }

    @ParameterizedTest(name = "parsePositive({0}) = {1}")
    @CsvSource({"0.01, 1", "0.5, 50", "1E+2, 10000", "1.000, 100", "1000000000, 100000000000"})
    void parsePositiveAcceptsStrictlyPositiveAmounts(String input, long hundredths) {
        assertEquals(Credits.ofHundredths(hundredths), Credits.parsePositive(new BigDecimal(input), "amount"));
    }

    @ParameterizedTest(name = "parsePositive({0}) is refused")
    @ValueSource(strings = {"0", "0.00", "-0.01", "-5", "-1000000000"})
    void parsePositiveRefusesZeroAndNegative(String input) {
        ValidationException e = assertThrows(ValidationException.class,
                () -> Credits.parsePositive(new BigDecimal(input), "amount"));
        assertEquals("invalid_amount", e.code());
        assertEquals("amount must be greater than 0", e.getMessage());
    }

    @ParameterizedTest(name = "parsePositive({0}) keeps parse's checks")
    @ValueSource(strings = {"0.001", "1000000000.01"})
    void parsePositiveKeepsTheScaleAndMagnitudeChecks(String input) {
        ValidationException e = assertThrows(ValidationException.class,
                () -> Credits.parsePositive(new BigDecimal(input), "amount"));
        assertFalse(e.getMessage().contains("greater than 0"), e.getMessage());
    }

    @ParameterizedTest(name = "ceilingOf({0}) = {1} hundredths")
    @CsvSource({
            "0.035,       4",
            "0.031,       4",
            "0.0000001,   1",
            "1.001,       101",
            "1.00,        100",
            "1.5,         150",
            "2,           200",
            "0,           0",
            "1E+2,        10000",
            "-0.019,      -1",
            "-0.011,      -1",
    })
    void ceilingOfRoundsUpToTheNextHundredth(String input, long hundredths) {
        assertEquals(Credits.ofHundredths(hundredths), Credits.ceilingOf(new BigDecimal(input)));
    }

    @Test
    void ceilingOfOverflowThrows() {
        assertThrows(ArithmeticException.class, () -> Credits.ceilingOf(new BigDecimal("1E+20")));
    }

    @Test
    void ofMultipliesByOneHundredExactly() {
        assertEquals(2000, Credits.of(20).hundredths());
        assertEquals(-500, Credits.of(-5).hundredths());
        assertThrows(ArithmeticException.class, () -> Credits.of(Long.MAX_VALUE / 10));
    }

    @Test
    void constants() {
        assertEquals(100_000_000_000L, Credits.MAX_AMOUNT.hundredths());
        assertEquals(0, Credits.ZERO.hundredths());
        assertEquals("1000000000", Credits.MAX_AMOUNT.toString());
    }

    @ParameterizedTest(name = "{0} + {1} = {2}, {0} - {1} = {3}, min = {4}")
    @CsvSource({
            "1000,  250,   1250,  750,   250",
            "250,   1000,  1250,  -750,  250",
            "-500,  300,   -200,  -800,  -500",
            "0,     0,     0,     0,     0",
            "-1,    -1,    -2,    0,     -1",
    })
    void arithmetic(long a, long b, long sum, long difference, long min) {
        Credits x = Credits.ofHundredths(a);
        Credits y = Credits.ofHundredths(b);
        assertEquals(Credits.ofHundredths(sum), x.plus(y));
        assertEquals(Credits.ofHundredths(difference), x.minus(y));
        assertEquals(Credits.ofHundredths(min), x.min(y));
        assertEquals(Credits.ofHundredths(-a), x.negate());
        assertEquals(Long.signum(Long.compare(a, b)), Integer.signum(x.compareTo(y)));
        assertEquals(a < b, x.isLessThan(y));
    }

    @Test
    void minReturnsThisOnTie() {
        Credits a = Credits.ofHundredths(5);
        Credits b = Credits.ofHundredths(5);
        assertSame(a, a.min(b));
    }

    @ParameterizedTest(name = "{0}: negative={1} zero={2} positive={3}")
    @CsvSource({"-1, true, false, false", "0, false, true, false", "1, false, false, true",
            "-9223372036854775808, true, false, false", "9223372036854775807, false, false, true"})
    void signPredicates(long hundredths, boolean negative, boolean zero, boolean positive) {
        Credits c = Credits.ofHundredths(hundredths);
        assertEquals(negative, c.isNegative());
        assertEquals(zero, c.isZero());
        assertEquals(positive, c.isPositive());
    }

    @Test
    void arithmeticOverflowThrowsInsteadOfWrapping() {
        Credits max = Credits.ofHundredths(Long.MAX_VALUE);
        Credits min = Credits.ofHundredths(Long.MIN_VALUE);
        Credits one = Credits.ofHundredths(1);
        assertThrows(ArithmeticException.class, () -> max.plus(one));
        assertThrows(ArithmeticException.class, () -> min.minus(one));
        assertThrows(ArithmeticException.class, () -> min.plus(Credits.ofHundredths(-1)));
        assertThrows(ArithmeticException.class, min::negate);
        assertThrows(ArithmeticException.class, () -> min.minus(max));
    }

    @ParameterizedTest(name = "{0} hundredths prints as {1}")
    @CsvSource({
            "2000,          20",
            "50,            0.5",
            "-325,          -3.25",
            "0,             0",
            "1,             0.01",
            "10,            0.1",
            "10000,         100",
            "-2000,         -20",
            "100000000000,  1000000000",
            "123456,        1234.56",
    })
    void toStringAndToBigDecimalArePlain(long hundredths, String expected) {
        Credits credits = Credits.ofHundredths(hundredths);
        assertEquals(expected, credits.toString());
        BigDecimal decimal = credits.toBigDecimal();
        // toString (not toPlainString): what a JSON mapper writes by default. 20 must not come out as 2E+1.
        assertEquals(expected, decimal.toString());
        assertTrue(decimal.scale() >= 0 && decimal.scale() <= 2, "scale " + decimal.scale());
        assertEquals(0, new BigDecimal(expected).compareTo(decimal));
        assertEquals(credits, Credits.parse(decimal, "roundtrip"));
    }
}
