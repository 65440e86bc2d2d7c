package dev.prepaid.function.admin;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.adapter.in.http.ApiException;
import dev.prepaid.adapter.in.http.Caller;
import dev.prepaid.adapter.in.http.HttpRequest;
import dev.prepaid.adapter.in.http.HttpResponses;
import dev.prepaid.adapter.in.http.Json;
import dev.prepaid.adapter.in.http.JsonBody;
import dev.prepaid.adapter.out.dynamodb.DynamoAppWebhookStore;
import dev.prepaid.adapter.out.sqs.SqsAppEventQueue;
import dev.prepaid.adapter.out.webhooks.EndpointUrls;
import dev.prepaid.adapter.out.webhooks.SigningSecrets;
import dev.prepaid.domain.events.AppEventType;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's routes for the app's webhooks (scope {@code credits/admin}, docs/app-webhooks.md):
 * <ul>
 *   <li>{@code POST /api/admin/webhook-endpoints {url, events[]}}: 201 with the endpoint and its signing secret,
 *       shown this once;</li>
 *   <li>{@code GET /api/admin/webhook-endpoints}: the endpoints, without secrets;</li>
 *   <li>{@code DELETE /api/admin/webhook-endpoints/{endpointId}}: 200, or 404 when unknown; nothing more is sent
 *       to it, not even events already queued;</li>
 *   <li>{@code POST /api/admin/webhook-deliveries/{eventId}/redeliver}: 202; every endpoint subscribed to the event's
 *       type gets it again (same id), whether or not it had it.</li>
 * </ul>
 */
final class AppWebhookRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(AppWebhookRoutes.class);
    static final int MAX_ENDPOINTS = 16;
    static final int MAX_URL_LENGTH = 2048;

    private final DynamoAppWebhookStore store;
    private final SqsAppEventQueue queue;
    private final boolean allowHttpLoopback;
    private final Clock clock;

    AppWebhookRoutes(DynamoAppWebhookStore store, SqsAppEventQueue queue, boolean allowHttpLoopback, Clock clock) {
        this.store = store;
        this.queue = queue;
        this.allowHttpLoopback = allowHttpLoopback;
        this.clock = clock;
    }

    APIGatewayV2HTTPResponse create(HttpRequest request) {
        Caller caller = Caller.service(request, Caller.ADMIN_SCOPE);
        JsonBody body = JsonBody.parse(request, Set.of("url", "events"));
        String url = body.requiredString("url");
        if (url.length() > MAX_URL_LENGTH) {
            throw ApiException.badRequest("invalid_url", "url is longer than " + MAX_URL_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw ApiException.badRequest("invalid_url", "url is not a URL");
        }
        if (!EndpointUrls.deliverable(uri, allowHttpLoopback)) {
            throw ApiException.badRequest("invalid_url", "url must be an https URL with a host (no user info, no fragment)");
        }
        Set<String> events = new LinkedHashSet<>();
        for (String name : body.requiredStringArray("events", AppEventType.values().length)) {
            if (AppEventType.fromWireName(name) == null) {
                throw ApiException.badRequest("invalid_events", "unknown event type: " + JsonBody.printable(name))
                        .detail("allowed", java.util.Arrays.stream(AppEventType.values()).map(AppEventType::wireName).toList());
            }
            events.add(name);
        }
        if (store.endpoints().size() >= MAX_ENDPOINTS) {
            throw new ApiException(409, "too_many_endpoints", "at most " + MAX_ENDPOINTS + " endpoints; delete one first");
        }
        DynamoAppWebhookStore.Endpoint endpoint = new DynamoAppWebhookStore.Endpoint(SigningSecrets.newEndpointId(),
                uri.toString(), events, SigningSecrets.newSecret(), clock.instant());
        store.createEndpoint(endpoint);
        LOG.info("admin {} registered webhook endpoint {} for {}", caller.subject(), endpoint.id(), events);
        ObjectNode json = endpointJson(endpoint);
        json.put("secret", endpoint.secret()); // shown once: no route returns it again
        return HttpResponses.json(201, json);
    }

    APIGatewayV2HTTPResponse list(HttpRequest request) {
        Caller.service(request, Caller.ADMIN_SCOPE);
        ObjectNode json = Json.object();
        ArrayNode endpoints = json.putArray("endpoints");
        store.endpoints().forEach(e -> endpoints.add(endpointJson(e)));
        return HttpResponses.json(200, json);
    }

    APIGatewayV2HTTPResponse delete(HttpRequest request) {
        Caller caller = Caller.service(request, Caller.ADMIN_SCOPE);
        String id = request.pathParameter("endpointId");
        if (id == null || !id.matches("we_[0-9a-f]{32}")) {
            throw ApiException.badRequest("invalid_endpoint_id", "not an endpoint id (we_ and 32 hex digits)");
        }
        if (!store.deleteEndpoint(id)) {
            throw new ApiException(404, "endpoint_not_found", "no such endpoint");
        }
        LOG.info("admin {} deleted webhook endpoint {}", caller.subject(), id);
        return HttpResponses.json(200, Json.object().put("id", id).put("deleted", true));
    }

    APIGatewayV2HTTPResponse redeliver(HttpRequest request) {
        Caller caller = Caller.service(request, Caller.ADMIN_SCOPE);
        String eventId = request.pathParameter("eventId");
        if (eventId == null || !eventId.matches("evt_[0-9a-f]{32}")) {
            throw ApiException.badRequest("invalid_event_id", "not an event id (evt_ and 32 hex digits)");
        }
        DynamoAppWebhookStore.EventDeliveries event = store.event(eventId)
                .orElseThrow(() -> new ApiException(404, "event_not_found", "no such event"));
        if (queue == null) {
            throw new ApiException(503, "webhooks_not_configured", "APP_EVENTS_QUEUE_URL is not set");
        }
        Instant since = clock.instant();
        queue.redeliver(eventId, since);
        List<String> endpoints = store.endpoints().stream().filter(e -> e.wants(event.event().type()))
                .map(DynamoAppWebhookStore.Endpoint::id).toList();
        LOG.info("admin {} asked to redeliver app event {} to {}", caller.subject(), eventId, endpoints);
        ObjectNode json = Json.object();
        json.put("eventId", eventId);
        json.put("type", event.event().type());
        json.put("queued", true);
        ArrayNode to = json.putArray("endpoints");
        endpoints.forEach(to::add);
        ArrayNode attempts = json.putArray("deliveries");
        event.deliveries().forEach(d -> {
            ObjectNode one = attempts.addObject();
            one.put("endpointId", d.endpointId());
            one.put("attempts", d.attempts());
            if (d.lastStatus() != null) {
                one.put("lastStatus", d.lastStatus());
            }
            if (d.lastError() != null) {
                one.put("lastError", d.lastError());
            }
            one.put("deliveredAt", d.deliveredAt() == null ? null : d.deliveredAt().toString());
        });
        return HttpResponses.json(202, json);
    }

    private static ObjectNode endpointJson(DynamoAppWebhookStore.Endpoint endpoint) {
        ObjectNode json = Json.object();
        json.put("id", endpoint.id());
        json.put("url", endpoint.url());
        ArrayNode events = json.putArray("events");
        endpoint.events().forEach(events::add);
        json.put("createdAt", endpoint.createdAt().toString());
        return json;
    }
}
