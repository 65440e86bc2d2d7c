package dev.prepaid.function.deduct;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.prepaid.adapter.in.http.Caller;
import dev.prepaid.adapter.in.http.Json;
import dev.prepaid.adapter.out.dynamodb.DynamoLedgerStore;
import dev.prepaid.application.CreditService;
import dev.prepaid.domain.pricing.PricingCatalog;
import dev.prepaid.testing.CallCounter;
import dev.prepaid.testing.Events;
import dev.prepaid.testing.LocalEngines;
import dev.prepaid.testing.TestClients;
import dev.prepaid.testing.TestContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The deduct-credits function wired as in Lambda, against a fresh table in the in-process DynamoDB
 * Local, with a call counter on its DynamoDB client.
 */
final class DeductFixture {
    final CallCounter calls = new CallCounter();
    final DynamoDbClient dynamo;
    final String table;
    final DeductCreditsHandler handler;

    DeductFixture() {
        LocalEngines engines = LocalEngines.shared();
        dynamo = TestClients.dynamo(engines.dynamoEndpoint(), calls);
        table = TestClients.createLedgerTable(dynamo);
        handler = newHandler();
    }

    /** A second handler on the same table: a different Lambda instance, with its own cold cache. */
    DeductCreditsHandler newHandler() {
        return DeductHandlers.of(new CreditService(new DynamoLedgerStore(dynamo, table),
                PricingCatalog.defaults(), Clock.systemUTC()));
    }

    Reply call(DeductCreditsHandler target, APIGatewayV2HTTPEvent event) {
        APIGatewayV2HTTPResponse response = target.handleRequest(event, new TestContext("deduct-credits"));
        return new Reply(response);
    }

    /** As the app's backend (credits/write); a grant as an operator (credits/admin: any sign, no cap). */
    Reply post(String path, String body) {
        String scope = path.equals("/api/credits/grant") ? Caller.ADMIN_SCOPE : Caller.WRITE_SCOPE;
        return postAs(scope, path, body);
    }

    Reply postAs(String scope, String path, String body) {
        return call(handler, Events.request("POST", path).service("app-backend", scope).body(body).build());
    }

    /** Funding as the app's backend does it: scope credits/grant, under the default cap. */
    Reply grant(String user, String amount) {
        Reply reply = postAs(Caller.GRANT_SCOPE, "/api/credits/grant", """
                {"userId": "%s", "amount": %s, "reason": "test funding", "idempotencyKey": "fund-%s"}"""
                .formatted(user, amount, UUID.randomUUID()));
        if (reply.status() != 200) {
            throw new AssertionError("grant failed: " + reply.body());
        }
        return reply;
    }

    Reply deduct(String user, String amount, String key) {
        return post("/api/credits/deduct", """
                {"userId": "%s", "amount": %s, "idempotencyKey": "%s"}""".formatted(user, amount, key));
    }

    /** A deduct with a raw body (JSON escapes as a client wrote them). */
    Reply deduct(String body) {
        return post("/api/credits/deduct", body);
    }

    static String newUser() {
        return "user-" + UUID.randomUUID();
    }

    record Reply(APIGatewayV2HTTPResponse response) {
        int status() {
            return response.getStatusCode();
        }

        String body() {
            return response.getBody();
        }

        JsonNode json() {
            try {
                return Json.MAPPER.readTree(response.getBody());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String header(String name) {
            return response.getHeaders() == null ? null : response.getHeaders().get(name);
        }
    }
}
