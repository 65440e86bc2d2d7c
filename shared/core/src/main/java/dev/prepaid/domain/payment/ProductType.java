package dev.prepaid.domain.payment;

import java.util.Locale;

public enum ProductType {
    /** A credit pack: paid once, credited once. */
    ONE_TIME,
    /** A plan: credits granted for every paid billing period. */
    SUBSCRIPTION;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
