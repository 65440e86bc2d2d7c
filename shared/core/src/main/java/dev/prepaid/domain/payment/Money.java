package dev.prepaid.domain.payment;

import dev.prepaid.domain.ValidationException;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Objects;

/** An amount of real money in the currency's minor unit (cents): what a customer pays, never credits. */
public record Money(long minor, String currency) {

    public Money {
        Objects.requireNonNull(currency, "currency");
        currency = currency.toLowerCase(Locale.ROOT);
        if (!currency.matches("[a-z]{3}")) {
            throw new ValidationException("invalid_currency", "currency must be a 3-letter ISO code");
        }
        if (minor < 0) {
            throw new ValidationException("invalid_money", "money is never negative");
        }
    }

    /** Parses a major-unit decimal such as 7.90 (two-decimal currencies, which is all we sell in). */
    public static Money of(String major, String currency) {
        BigDecimal value = new BigDecimal(major);
        return new Money(value.movePointRight(2).setScale(0, java.math.RoundingMode.UNNECESSARY).longValueExact(), currency);
    }

    public BigDecimal toMajor() {
        return BigDecimal.valueOf(minor, 2);
    }

    @Override
    public String toString() {
        return toMajor().toPlainString() + " " + currency.toUpperCase(Locale.ROOT);
    }
}
