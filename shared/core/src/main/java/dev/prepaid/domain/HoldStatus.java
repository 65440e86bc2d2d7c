package dev.prepaid.domain;

import java.util.Locale;

/**
 * Where a hold is. {@code ACTIVE} is the only state that moves, and it moves once: to {@code CAPTURED}
 * (the usage entry is posted), {@code RELEASED} (the caller freed it) or {@code EXPIRED} (its time ran out:
 * lazily on the user's next write or by reconciliation). Every move is conditioned on {@code status = active}.
 */
public enum HoldStatus {
    ACTIVE, CAPTURED, RELEASED, EXPIRED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static HoldStatus fromWireName(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
