package dev.prepaid.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.prepaid.adapter.in.http.ApiGatewayHandler;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SnapStart priming of every HTTP function, wired from its environment, with each provider: no item
 * written, no message queued, no checkout opened.
 */
class PrimingTest {

    @ParameterizedTest
    @ValueSource(strings = {"stripe", "creem", "mock"})
    void primingEveryFunctionChangesNothing(String provider) {
        try (PaymentSystem system = new PaymentSystem(provider)) {
            system.createOrder("existing-user", "trial", null);
            String before = system.tableSnapshot();
            for (ApiGatewayHandler handler : system.httpHandlers) {
                handler.priming().prime();
            }
            assertEquals(before, system.tableSnapshot());
            assertEquals(0, system.queueDepth());
            if (system.stripe != null) {
                assertEquals(1, system.stripe.sessionsCreated());
            }
        }
    }
}
