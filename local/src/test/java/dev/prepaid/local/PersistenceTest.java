package dev.prepaid.local;

import static dev.prepaid.local.TestSupport.call;
import static dev.prepaid.local.TestSupport.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without --in-memory, balances and the JWT secret survive a restart; two runs cannot share a data dir. */
class PersistenceTest {

    @Test
    void balancesAndTokensSurviveARestart(@TempDir Path dir) throws Exception {
        Options options = TestSupport.options(TestSupport.realTemplate()).withDataDir(dir);
        String userToken;
        try (LocalStack first = LocalStack.start(options)) {
            String service = token(first.baseUrl(), "my-app-backend", "credits/write credits/grant");
            assertEquals(200, call(first.baseUrl(), "POST", "/api/credits/grant", service,
                    "{\"userId\": \"dora\", \"amount\": 42, \"reason\": \"kept\", \"idempotencyKey\": \"kept-1\"}").status());
            userToken = token(first.baseUrl(), "dora", null);

            LocalStack.StartupException busy = assertThrows(LocalStack.StartupException.class, () -> LocalStack.start(options));
            assertTrue(busy.getMessage().contains("another ./run-local is using"), busy.getMessage());
        }
        Path secret = dir.resolve("jwt-secret");
        assertEquals(32, Base64.getDecoder().decode(Files.readString(secret).trim()).length);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)));
        assertTrue(Files.isDirectory(dir.resolve("dynamodb")));
        assertTrue(Files.readString(dir.resolve("mock-webhook-secret")).startsWith("mock_whsec_"));

        try (LocalStack second = LocalStack.start(options)) {
            assertTrue(second.tableNotes().get(0).contains("kept"), second.tableNotes().toString());
            TestSupport.Reply balance = call(second.baseUrl(), "GET", "/api/credits/balance", userToken, null);
            assertEquals(200, balance.status(), "the token from the first run still verifies: " + balance.body());
            assertEquals(42, balance.json().get("balance").intValue());
        }
    }
}
