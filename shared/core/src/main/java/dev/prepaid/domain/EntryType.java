package dev.prepaid.domain;

import java.util.Locale;

/** Every reason a balance can change. Each change is exactly one ledger entry of one of these types. */
public enum EntryType {
    /** A one-time credit pack, keyed by order id. */
    PURCHASE,
    /** A subscription's credits for one billing period, keyed by the provider's invoice or transaction id. */
    SUBSCRIPTION_GRANT,
    /** Credits spent on an operation, keyed by the caller's idempotency key. */
    USAGE,
    /** Credits given back because the operation failed, keyed by the deduction. */
    USAGE_REFUND,
    /** Credits taken back after a payment refund or dispute, keyed by the refund or dispute id. */
    CLAWBACK,
    /** Credits given back when a dispute is won, keyed by the dispute id. */
    CLAWBACK_REVERSAL,
    /** An audited manual correction, positive or negative. */
    ADJUSTMENT;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static EntryType fromWireName(String value) {
        for (EntryType type : values()) {
            if (type.wireName().equals(value)) {
                return type;
            }
        }
        throw new ValidationException("invalid_type", "unknown entry type");
    }
}
