package dev.prepaid.domain.payment;

import java.util.Locale;

public enum OrderStatus {
    /** Created, checkout open or not yet created. */
    PENDING,
    /** The provider confirmed payment; the credits are in the ledger. */
    COMPLETED,
    /** The payment failed (an async method was declined). */
    FAILED,
    /** The checkout expired unpaid. */
    EXPIRED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static OrderStatus fromWireName(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
