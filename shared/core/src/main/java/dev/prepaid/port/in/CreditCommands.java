package dev.prepaid.port.in;

/** The write side of the credits API: what the app's backend asks of prepaid. */
public interface CreditCommands {

    DeductionResult deduct(DeductCreditsCommand command);

    RefundResult refund(RefundUsageCommand command);

    GrantResult grant(GrantCreditsCommand command);

    /** Reserve credits (a hold): 402 when the balance minus active holds does not cover them. */
    default HoldResult createHold(CreateHoldCommand command) {
        throw new UnsupportedOperationException("holds are not available here");
    }

    /**
     * Post the usage entry for a hold's actual cost ({@code amount}, or the whole hold when null) and free the
     * rest. More than held only with {@code allowOver}, and then only what the available balance covers.
     */
    default HoldResult captureHold(String holdId, dev.prepaid.domain.Credits amount, boolean allowOver) {
        throw new UnsupportedOperationException("holds are not available here");
    }

    /** Free a hold without spending it. */
    default HoldResult releaseHold(String holdId) {
        throw new UnsupportedOperationException("holds are not available here");
    }
}
