package dev.prepaid.function.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.in.http.Json;
import dev.prepaid.adapter.out.sqs.SqsAppEventQueue;
import dev.prepaid.domain.events.AppEvent;
import dev.prepaid.domain.events.AppEventType;
import dev.prepaid.function.reconciliation.ReconFixture;
import dev.prepaid.testing.Events;
import dev.prepaid.testing.TestContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The webhook-endpoint routes and the redeliver route, wired from an environment as the Lambda is, on DynamoDB Local
 * and ElasticMQ: the secret is shown once, the list holds none, https only, unknown types and bad ids are 400s, a
 * deleted endpoint is gone, and a redelivery puts the event's message (with {@code since}) on the app-events queue.
 */
class AppWebhookRoutesTest {
    private static final String ENDPOINTS = "/api/admin/webhook-endpoints";

    private final ReconFixture fx = new ReconFixture();
    private final String appQueue = fx.sqs.createQueue(b -> b.queueName("app-events-" + UUID.randomUUID()
            .toString().substring(0, 8))).queueUrl();
    private final AdminHandler handler = AdminHandler.fromEnv(new Env(withQueue()));

    private Map<String, String> withQueue() {
        Map<String, String> vars = new HashMap<>(fx.vars);
        vars.put("APP_EVENTS_QUEUE_URL", appQueue);
        return vars;
    }

    @AfterEach
    void close() {
        fx.close();
    }

    @Test
    void registerListAndDeleteAnEndpoint() {
        APIGatewayV2HTTPResponse created = call("POST", ENDPOINTS,
                "{\"url\": \"https://app.example/hooks/prepaid\", \"events\": [\"credits.granted\", \"credits.low\", \"credits.granted\"]}");
        assertEquals(201, created.getStatusCode(), created.getBody());
        JsonNode endpoint = json(created);
        String id = endpoint.get("id").asText();
        assertTrue(id.matches("we_[0-9a-f]{32}"), id);
        assertTrue(endpoint.get("secret").asText().matches("whsec_[0-9a-f]{64}"), "32 random bytes, shown once");
        assertEquals(List.of("credits.granted", "credits.low"), texts(endpoint.get("events")));

        APIGatewayV2HTTPResponse listed = call("GET", ENDPOINTS, null);
        assertEquals(200, listed.getStatusCode());
        JsonNode endpoints = json(listed).get("endpoints");
        assertEquals(1, endpoints.size());
        assertEquals(id, endpoints.get(0).get("id").asText());
        assertEquals("https://app.example/hooks/prepaid", endpoints.get(0).get("url").asText());
        assertFalse(listed.getBody().contains("whsec_"), "the list never shows a secret");
        assertFalse(endpoints.get(0).has("secret"));

        assertEquals(200, call("DELETE", ENDPOINTS + "/" + id, null).getStatusCode());
        assertError(404, "endpoint_not_found", call("DELETE", ENDPOINTS + "/" + id, null));
        assertEquals(0, json(call("GET", ENDPOINTS, null)).get("endpoints").size());
    }

    @Test
    void badRegistrationsAre400AndChangeNothing() {
        assertError(400, "invalid_url", call("POST", ENDPOINTS, "{\"url\": \"http://app.example/h\", \"events\": [\"credits.low\"]}"));
        assertError(400, "invalid_url", call("POST", ENDPOINTS, "{\"url\": \"http://127.0.0.1:9/h\", \"events\": [\"credits.low\"]}"));
        assertError(400, "invalid_url", call("POST", ENDPOINTS, "{\"url\": \"https://u:p@app.example/h\", \"events\": [\"credits.low\"]}"));
        assertError(400, "invalid_url", call("POST", ENDPOINTS, "{\"url\": \"not a url\", \"events\": [\"credits.low\"]}"));
        assertError(400, "invalid_url", call("POST", ENDPOINTS, "{\"url\": 5, \"events\": [\"credits.low\"]}"));
        assertError(400, "invalid_url", call("POST", ENDPOINTS, "{\"events\": [\"credits.low\"]}"));
        assertError(400, "invalid_events", call("POST", ENDPOINTS, "{\"url\": \"https://a.example\", \"events\": []}"));
        assertError(400, "invalid_events", call("POST", ENDPOINTS, "{\"url\": \"https://a.example\", \"events\": [\"credits.everything\"]}"));
        assertError(400, "invalid_events", call("POST", ENDPOINTS, "{\"url\": \"https://a.example\", \"events\": \"credits.low\"}"));
        assertError(400, "invalid_events", call("POST", ENDPOINTS, "{\"url\": \"https://a.example\", \"events\": [1]}"));
        assertError(400, "unknown_field", call("POST", ENDPOINTS, "{\"url\": \"https://a.example\", \"events\": [\"credits.low\"], \"secret\": \"x\"}"));
        assertError(400, "invalid_json", call("POST", ENDPOINTS, "[]"));
        assertError(400, "invalid_endpoint_id", call("DELETE", ENDPOINTS + "/nope", null));
        assertEquals(0, json(call("GET", ENDPOINTS, null)).get("endpoints").size(), "nothing was registered");
    }

    @Test
    void everyRouteNeedsTheAdminScope() {
        for (String[] route : List.of(new String[] {"POST", ENDPOINTS}, new String[] {"GET", ENDPOINTS},
                new String[] {"DELETE", ENDPOINTS + "/we_00000000000000000000000000000000"},
                new String[] {"POST", "/api/admin/webhook-deliveries/evt_00000000000000000000000000000000/redeliver"})) {
            APIGatewayV2HTTPResponse anonymous = handler.handleRequest(Events.request(route[0], route[1]).build(),
                    new TestContext("admin"));
            assertEquals(401, anonymous.getStatusCode(), route[0] + " " + route[1]);
            APIGatewayV2HTTPResponse writer = handler.handleRequest(Events.request(route[0], route[1])
                    .service("app-backend", "credits/write").build(), new TestContext("admin"));
            assertEquals(403, writer.getStatusCode(), route[0] + " " + route[1]);
        }
    }

    @Test
    void redeliverQueuesTheEventAgainAndRefusesUnknownOnes() {
        String user = ReconFixture.newUser();
        fx.grant(user, 500); // a grant: its credits.granted is in the outbox
        String eventId = grantedEventOf(user);
        APIGatewayV2HTTPResponse answer = call("POST", "/api/admin/webhook-deliveries/" + eventId + "/redeliver", null);
        assertEquals(202, answer.getStatusCode(), answer.getBody());
        assertEquals("credits.granted", json(answer).get("type").asText());
        List<Message> messages = fx.sqs.receiveMessage(b -> b.queueUrl(appQueue).maxNumberOfMessages(10)).messages();
        assertEquals(1, messages.size());
        SqsAppEventQueue.Message message = SqsAppEventQueue.read(messages.get(0).body());
        assertEquals(eventId, message.eventId());
        assertTrue(message.since() != null, "a redelivery goes to endpoints that had it too");

        assertError(404, "event_not_found", call("POST",
                "/api/admin/webhook-deliveries/evt_00000000000000000000000000000000/redeliver", null));
        assertError(400, "invalid_event_id", call("POST", "/api/admin/webhook-deliveries/nope/redeliver", null));
    }

    private String grantedEventOf(String user) {
        String entryId = fx.entries(user).get(0).entryId();
        return AppEvent.idFor(entryId, AppEventType.CREDITS_GRANTED);
    }

    private APIGatewayV2HTTPResponse call(String method, String path, String body) {
        return handler.handleRequest(Events.request(method, path).service("ops-console", "credits/admin").body(body)
                .build(), new TestContext("admin"));
    }

    private static JsonNode json(APIGatewayV2HTTPResponse response) {
        try {
            return Json.MAPPER.readTree(response.getBody());
        } catch (IOException e) {
            throw new UncheckedIOException(response.getBody(), e);
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static void assertError(int status, String code, APIGatewayV2HTTPResponse response) {
        assertEquals(status, response.getStatusCode(), response.getBody());
        assertEquals(code, json(response).path("error").asText(), response.getBody());
    }
}
