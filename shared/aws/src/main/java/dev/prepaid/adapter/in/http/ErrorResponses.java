package dev.prepaid.adapter.in.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.domain.ContentionException;
import dev.prepaid.domain.DomainException;
import dev.prepaid.domain.IdempotencyKeyReusedException;
import dev.prepaid.domain.InsufficientCreditsException;
import dev.prepaid.domain.LimitExceededException;
import dev.prepaid.domain.NotFoundException;
import dev.prepaid.domain.ValidationException;
import java.math.BigDecimal;
import java.util.Map;

/** The one mapping from a refusal to its HTTP status and JSON body. */
public final class ErrorResponses {
    private ErrorResponses() {
    }

    public static APIGatewayV2HTTPResponse of(ApiException e) {
        ObjectNode body = HttpResponses.errorBody(e.code(), e.getMessage());
        e.details().forEach((name, value) -> {
            if (value instanceof BigDecimal decimal) {
                body.put(name, decimal);
            } else if (value instanceof Number number) {
                body.put(name, number.longValue());
            } else {
                body.put(name, String.valueOf(value));
            }
        });
        return HttpResponses.json(e.status(), body, e.headers());
    }

    public static APIGatewayV2HTTPResponse of(DomainException e) {
        ObjectNode body = HttpResponses.errorBody(e.code(), e.getMessage());
        if (e instanceof InsufficientCreditsException insufficient) {
            body.put("balance", insufficient.balance().toBigDecimal());
            body.put("required", insufficient.required().toBigDecimal());
            return HttpResponses.json(402, body);
        }
        if (e instanceof LimitExceededException limit) {
            body.put("limit", limit.limit().toBigDecimal());
            body.put("alreadyUsed", limit.alreadyUsed().toBigDecimal());
            return HttpResponses.json(400, body);
        }
        if (e instanceof dev.prepaid.domain.payment.EventInFlightException inFlight) {
            // Not acknowledged: the provider retries (Stripe and Creem retry any non-2xx answer).
            body.put("retryAfterSeconds", inFlight.retryAfterSeconds());
            return HttpResponses.json(409, body, Map.of("retry-after", Long.toString(inFlight.retryAfterSeconds())));
        }
        if (e instanceof dev.prepaid.domain.ConflictException conflict) {
            conflict.details().forEach(body::put);
            return HttpResponses.json(409, body);
        }
        if (e instanceof IdempotencyKeyReusedException) {
            return HttpResponses.json(409, body);
        }
        if (e instanceof NotFoundException) {
            return HttpResponses.json(404, body);
        }
        if (e instanceof dev.prepaid.domain.payment.ProviderUnavailableException) {
            return HttpResponses.json(502, body);
        }
        if (e instanceof dev.prepaid.domain.payment.RateLimitedException limited) {
            return HttpResponses.json(429, body, Map.of("retry-after", Long.toString(limited.retryAfterSeconds())));
        }
        if (e instanceof ContentionException) {
            return HttpResponses.json(503, body, Map.of("retry-after", "1"));
        }
        if (e instanceof ValidationException) {
            return HttpResponses.json(400, body);
        }
        return HttpResponses.json(400, body);
    }

    public static APIGatewayV2HTTPResponse internalError(String requestId) {
        return HttpResponses.error(500, "internal_error",
                "something went wrong on our side; quote request id " + requestId);
    }
}
