package dev.prepaid.function.deduct;

import dev.prepaid.domain.Credits;
import dev.prepaid.port.in.CreditCommands;
import dev.prepaid.wiring.DeductCreditsWiring;

/** Handlers wired by hand for tests: the services constructor, no SnapStart data priming. */
final class DeductHandlers {
    private DeductHandlers() {
    }

    /** Grants capped at the template's default MaxGrant. */
    static DeductCreditsHandler of(CreditCommands credits) {
        return of(credits, DeductCreditsWiring.DEFAULT_MAX_GRANT);
    }

    static DeductCreditsHandler of(CreditCommands credits, Credits maxGrant) {
        return new DeductCreditsHandler(new DeductCreditsWiring.Services(credits, maxGrant, () -> { }));
    }
}
