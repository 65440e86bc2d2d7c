package dev.prepaid.function.deduct;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.prepaid.testing.Events;
import dev.prepaid.testing.LogCapture;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What the function logs for a session of good and bad requests: structured JSON with a correlation id,
 * and never a bearer token, a secret, or an e-mail address, whether it came in a header, a claim or a body.
 */
class LogHygieneTest {
    private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzZWNyZXQtdG9rZW4ifQ.c2lnbmF0dXJlLXNlY3JldA";
    private static final String EMAIL = "alice.secret@example.com";
    private static final Pattern ANY_EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");

    @Test
    void logsCarryACorrelationIdAndNoTokenSecretOrEmail() {
        DeductFixture fx = new DeductFixture();
        String logs;
        try (LogCapture capture = new LogCapture()) {
            Map<String, String> claims = Map.of("sub", "svc-client", "scope", "credits/write", "email", EMAIL,
                    "exp", Long.toString(System.currentTimeMillis() / 1000 + 600));
            List<String> bodies = List.of(
                    "{\"userId\": \"u-1\", \"amount\": 50, \"reason\": \"bonus for " + EMAIL + "\", \"idempotencyKey\": \"g-1\"}",
                    "{\"userId\": \"u-1\", \"amount\": 5, \"idempotencyKey\": \"d-1\", \"description\": \"for " + EMAIL + "\", \"metadata\": {\"email\": \"" + EMAIL + "\"}}",
                    "{\"userId\": \"u-1\", \"amount\": 500, \"idempotencyKey\": \"d-2\"}",
                    "{\"userId\": \"" + EMAIL + " x\", \"amount\": 5, \"idempotencyKey\": \"d-3\"}",
                    "{\"userId\": \"u-1\", \"amount\": \"" + TOKEN + "\", \"idempotencyKey\": \"d-4\"}",
                    "{not json " + TOKEN + " " + EMAIL);
            String[] paths = {"/api/credits/grant", "/api/credits/deduct", "/api/credits/deduct", "/api/credits/deduct",
                    "/api/credits/deduct", "/api/credits/deduct"};
            for (int i = 0; i < bodies.size(); i++) {
                fx.call(fx.handler, Events.request("POST", paths[i]).claims(claims)
                        .header("authorization", "Bearer " + TOKEN).header("x-user-email", EMAIL)
                        .body(bodies.get(i)).build());
            }
            fx.call(fx.handler, Events.request("POST", "/api/credits/deduct").header("authorization", "Bearer " + TOKEN)
                    .body(bodies.get(1)).build());
            logs = capture.text();
        }
        assertTrue(logs.contains("\"correlation_id\""), "structured logs with a correlation id: " + logs);
        assertTrue(logs.contains("/api/credits/deduct"), "the requests were logged: " + logs);
        assertFalse(logs.contains(TOKEN), "a token reached the logs");
        assertFalse(logs.contains("eyJ"), "something token-shaped reached the logs");
        assertFalse(ANY_EMAIL.matcher(logs).find(), "an e-mail address reached the logs: " + logs);
    }
}
