package dev.prepaid.function.deduct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.prepaid.adapter.config.Env;
import dev.prepaid.testing.LocalEngines;
import dev.prepaid.testing.LogCapture;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SnapStart warm-up runs every route and a read, and writes nothing. */
class PrimingTest {

    @Test
    void primingTouchesEveryRouteAndWritesNothing() {
        DeductFixture fx = new DeductFixture();
        fx.grant("someone", "10");
        DeductCreditsHandler handler = DeductCreditsHandler.fromEnv(new Env(Map.of(
                "TABLE_NAME", fx.table,
                "DYNAMODB_ENDPOINT", LocalEngines.shared().dynamoEndpoint().toString())));
        String before = DeductCreditsBadInputTestAccess.snapshot(fx);
        String logs;
        try (LogCapture capture = new LogCapture()) {
            handler.priming().prime();
            logs = capture.text();
        }
        assertEquals(before, DeductCreditsBadInputTestAccess.snapshot(fx), "priming wrote to the table");
        for (String route : new String[] {"/api/credits/deduct", "/api/credits/refund", "/api/credits/grant"}) {
            assertTrue(logs.contains("POST " + route + " -> 401"), "primed " + route + ": " + logs);
        }
        assertTrue(logs.contains("primed in"), logs);
    }
}

/** Reads the table the way the bad-input test does: every item, in a stable order. */
final class DeductCreditsBadInputTestAccess {
    static String snapshot(DeductFixture fx) {
        return fx.dynamo.scan(b -> b.tableName(fx.table).consistentRead(true)).items().stream()
                .map(item -> new java.util.TreeMap<>(item).toString()).sorted().toList().toString();
    }
}
