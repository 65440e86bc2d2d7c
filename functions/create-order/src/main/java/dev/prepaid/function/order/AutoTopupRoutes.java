package dev.prepaid.function.order;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.adapter.in.http.Caller;
import dev.prepaid.adapter.in.http.HttpRequest;
import dev.prepaid.adapter.in.http.HttpResponses;
import dev.prepaid.adapter.in.http.Json;
import dev.prepaid.adapter.in.http.JsonBody;
import dev.prepaid.application.AutoTopupService;
import dev.prepaid.domain.NotFoundException;
import dev.prepaid.domain.UserId;
import dev.prepaid.domain.topup.AutoTopup;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /api/payment/auto-topup} (docs/auto-topup.md), always for the verified caller: POST
 * {@code {"productId", "threshold"}} opts in or changes it (200, the settings), GET reads settings and state
 * ({@code {"autoTopup": null}} when not opted in), DELETE opts out (200 {"autoTopup": null}; 404 auto_topup_not_found when it was not on).
 */
final class AutoTopupRoutes {
    private AutoTopupRoutes() {
    }

    static APIGatewayV2HTTPResponse optIn(AutoTopupService service, HttpRequest request) {
        UserId user = Caller.user(request);
        AutoTopupService topup = require(service);
        JsonBody body = JsonBody.parse(request, Set.of("productId", "threshold"));
        AutoTopup settings = topup.optIn(user, body.requiredString("productId"), body.requiredNumber("threshold"));
        ObjectNode response = Json.object();
        response.set("autoTopup", json(settings, topup));
        return HttpResponses.json(200, response);
    }

    static APIGatewayV2HTTPResponse get(AutoTopupService service, HttpRequest request) {
        UserId user = Caller.user(request);
        AutoTopupService topup = require(service);
        Optional<AutoTopup> settings = topup.settings(user);
        ObjectNode response = Json.object();
        if (settings.isPresent()) {
            response.set("autoTopup", json(settings.get(), topup));
        } else {
            response.putNull("autoTopup");
        }
        return HttpResponses.json(200, response);
    }

    static APIGatewayV2HTTPResponse optOut(AutoTopupService service, HttpRequest request) {
        UserId user = Caller.user(request);
        if (!require(service).optOut(user)) {
            throw new NotFoundException("auto_topup_not_found", "auto top-up is not on");
        }
        return HttpResponses.json(200, Json.object().putNull("autoTopup"));
    }

    private static AutoTopupService require(AutoTopupService service) {
        if (service == null) {
            throw new NotFoundException("auto_topup_unavailable", "auto top-up is not configured here");
        }
        return service;
    }

    static ObjectNode json(AutoTopup a, AutoTopupService service) {
        ObjectNode node = Json.object();
        node.put("productId", a.productId());
        node.put("threshold", a.threshold().toBigDecimal());
        node.put("enabled", a.enabled());
        node.put("state", a.state().wireName());
        putOrNull(node, "disabledReason", a.disabledReason());
        node.put("consecutiveFailures", a.consecutiveFailures());
        putOrNull(node, "lastResult", a.lastResult());
        putOrNull(node, "lastFailureCode", a.lastFailureCode());
        putOrNull(node, "nextAllowedAt", a.nextAllowedAt());
        Instant now = Instant.now();
        node.put("attemptsThisMonth", a.attemptsIn(now));
        node.put("monthlyCap", service.policy().monthlyCap());
        node.put("maxFailures", service.policy().maxFailures());
        putOrNull(node, "updatedAt", a.updatedAt());
        return node;
    }

    private static void putOrNull(ObjectNode node, String field, Object value) {
        if (value == null) {
            node.putNull(field);
        } else {
            node.put(field, value.toString());
        }
    }
}
