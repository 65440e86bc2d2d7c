package dev.prepaid.application;

import dev.prepaid.domain.BalanceRule;
import java.util.Locale;

/**
 * What a claw-back does to credits already spent. {@code allow_negative} (default) takes the full amount
 * and leaves a debt that blocks deducts until it is paid off; {@code floor_zero} takes what is left.
 */
public enum ClawbackPolicy {
    ALLOW_NEGATIVE(BalanceRule.ALLOW_NEGATIVE),
    FLOOR_ZERO(BalanceRule.FLOOR_ZERO);

    private final BalanceRule rule;

    ClawbackPolicy(BalanceRule rule) {
        this.rule = rule;
    }

    public BalanceRule rule() {
        return rule;
    }

    public static ClawbackPolicy parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("CLAWBACK_POLICY must be allow_negative or floor_zero, not " + value);
        }
    }
}
