package dev.prepaid.function.deduct;

import dev.prepaid.wiring.DeductCreditsWiring;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.in.http.ApiGatewayHandler;
import dev.prepaid.adapter.in.http.Caller;
import dev.prepaid.adapter.in.http.HttpRequest;
import dev.prepaid.adapter.in.http.HttpResponses;
import dev.prepaid.adapter.in.http.Json;
import dev.prepaid.adapter.in.http.JsonBody;
import dev.prepaid.adapter.in.http.Router;
import dev.prepaid.domain.Credits;
import dev.prepaid.domain.IdempotencyKey;
import dev.prepaid.domain.LedgerEntry;
import dev.prepaid.domain.UserId;
import dev.prepaid.port.in.CreateHoldCommand;
import dev.prepaid.port.in.CreditCommands;
import dev.prepaid.port.in.HoldResult;
import dev.prepaid.domain.Hold;
import dev.prepaid.port.in.DeductCreditsCommand;
import dev.prepaid.port.in.DeductionResult;
import dev.prepaid.port.in.GrantCreditsCommand;
import dev.prepaid.port.in.GrantResult;
import dev.prepaid.port.in.RefundResult;
import dev.prepaid.port.in.RefundUsageCommand;
import java.util.Set;

/**
 * The app backend's write routes: spend credits and give them back when the work failed (scope
 * {@code credits/write}), and create or adjust them by hand (scope {@code credits/grant} up to {@code MAX_GRANT}
 * per grant, or {@code credits/admin}; see {@link GrantAuthority}). Parses and maps only; {@link CreditService}
 * decides.
 */
public final class DeductCreditsHandler extends ApiGatewayHandler {
    private static final Set<String> DEDUCT_FIELDS =
            Set.of("userId", "amount", "operation", "params", "idempotencyKey", "description", "metadata");
    private static final Set<String> REFUND_FIELDS = Set.of("deductionId", "reason", "amount", "idempotencyKey");
    private static final Set<String> HOLD_FIELDS =
            Set.of("userId", "amount", "operation", "params", "idempotencyKey", "ttlSeconds", "description");
    private static final Set<String> CAPTURE_FIELDS = Set.of("amount", "allowOver");
    private static final Set<String> GRANT_FIELDS = Set.of("userId", "amount", "reason", "idempotencyKey");

    /** Lambda's entry point: clients and configuration are built once per execution environment. */
    public DeductCreditsHandler() {
        this(DeductCreditsWiring.services(Env.system()));
    }

    /** Wired from an explicit environment (the local runner passes the template's), through the same wiring. */
    public static DeductCreditsHandler fromEnv(Env env) {
        return new DeductCreditsHandler(DeductCreditsWiring.services(env));
    }

    /** Its services; SnapStart priming reads a sentinel balance: the SDK, its HTTP client and marshallers warm up. */
    public DeductCreditsHandler(DeductCreditsWiring.Services services) {
        super(routes(services.credits(), new GrantAuthority(services.maxGrant())), services.priming());
    }

    static final UserId PRIMING_USER = DeductCreditsWiring.PRIMING_USER;

    private static Router routes(CreditCommands credits, GrantAuthority grants) {
        return new Router()
                .route("POST", "/api/credits/deduct", request -> deduct(credits, request))
                .route("POST", "/api/credits/refund", request -> refund(credits, request))
                .route("POST", "/api/credits/grant", request -> grant(credits, grants, request))
                .route("POST", "/api/credits/holds", request -> createHold(credits, request))
                .route("POST", "/api/credits/holds/{holdId}/capture", request -> captureHold(credits, request))
                .route("POST", "/api/credits/holds/{holdId}/release", request -> releaseHold(credits, request));
    }

    private static APIGatewayV2HTTPResponse deduct(CreditCommands credits, HttpRequest request) {
        Caller.service(request, Caller.WRITE_SCOPE);
        JsonBody body = JsonBody.parse(request, DEDUCT_FIELDS);
        DeductCreditsCommand command = new DeductCreditsCommand(
                new UserId(body.requiredString("userId")),
                body.has("amount") ? Credits.parsePositive(body.requiredNumber("amount"), "amount") : null,
                body.optionalString("operation"),
                body.optionalScalarMap("params"),
                new IdempotencyKey(body.requiredString("idempotencyKey")),
                body.optionalString("description"),
                body.optionalStringMap("metadata"));
        DeductionResult result = credits.deduct(command);
        LedgerEntry entry = result.entry();
        ObjectNode response = Json.object();
        response.put("deductionId", entry.entryId());
        response.put("userId", entry.userId().value());
        response.put("amount", entry.amount().negate().toBigDecimal());
        response.put("balance", entry.balanceAfter().toBigDecimal());
        response.put("replayed", result.replayed());
        if (entry.operation() != null) {
            ObjectNode price = response.putObject("price");
            price.put("operation", entry.operation());
            price.put("amount", entry.amount().negate().toBigDecimal());
            price.put("breakdown", result.priceBreakdown());
        }
        return HttpResponses.json(200, response);
    }

    private static APIGatewayV2HTTPResponse refund(CreditCommands credits, HttpRequest request) {
        Caller.service(request, Caller.WRITE_SCOPE);
        JsonBody body = JsonBody.parse(request, REFUND_FIELDS);
        String key = body.optionalString("idempotencyKey");
        RefundUsageCommand command = new RefundUsageCommand(
                body.requiredString("deductionId"),
                body.requiredString("reason"),
                body.has("amount") ? Credits.parsePositive(body.requiredNumber("amount"), "amount") : null,
                key == null ? null : new IdempotencyKey(key));
        RefundResult result = credits.refund(command);
        LedgerEntry entry = result.entry();
        ObjectNode response = Json.object();
        response.put("refundId", entry.entryId());
        response.put("deductionId", result.deductionId());
        response.put("userId", entry.userId().value());
        response.put("amount", entry.amount().toBigDecimal());
        response.put("balance", entry.balanceAfter().toBigDecimal());
        response.put("replayed", result.replayed());
        return HttpResponses.json(200, response);
    }

    private static APIGatewayV2HTTPResponse grant(CreditCommands credits, GrantAuthority grants, HttpRequest request) {
        Caller caller = GrantAuthority.caller(request);
        JsonBody body = JsonBody.parse(request, GRANT_FIELDS);
        UserId userId = new UserId(body.requiredString("userId"));
        Credits amount = Credits.parse(body.requiredNumber("amount"), "amount");
        grants.check(request, caller, amount);
        GrantCreditsCommand command = new GrantCreditsCommand(
                userId,
                amount,
                body.requiredString("reason"),
                new IdempotencyKey(body.requiredString("idempotencyKey")),
                caller.subject());
        GrantResult result = credits.grant(command);
        LedgerEntry entry = result.entry();
        ObjectNode response = Json.object();
        response.put("entryId", entry.entryId());
        response.put("userId", entry.userId().value());
        response.put("amount", entry.amount().toBigDecimal());
        response.put("balance", entry.balanceAfter().toBigDecimal());
        response.put("replayed", result.replayed());
        return HttpResponses.json(200, response);
    }

    private static APIGatewayV2HTTPResponse createHold(CreditCommands credits, HttpRequest request) {
        Caller.service(request, Caller.WRITE_SCOPE);
        JsonBody body = JsonBody.parse(request, HOLD_FIELDS);
        java.math.BigDecimal ttl = body.optionalNumber("ttlSeconds");
        CreateHoldCommand command = new CreateHoldCommand(
                new UserId(body.requiredString("userId")),
                body.has("amount") ? Credits.parsePositive(body.requiredNumber("amount"), "amount") : null,
                body.optionalString("operation"),
                body.optionalScalarMap("params"),
                new IdempotencyKey(body.requiredString("idempotencyKey")),
                ttl == null ? null : ttlSeconds(ttl),
                body.optionalString("description"));
        return HttpResponses.json(200, holdBody(credits.createHold(command)));
    }

    private static Long ttlSeconds(java.math.BigDecimal value) {
        try {
            return value.longValueExact();
        } catch (ArithmeticException notWhole) {
            throw new dev.prepaid.domain.ValidationException("invalid_ttl", "ttlSeconds must be a whole number from 1 to "
                    + CreateHoldCommand.MAX_TTL_SECONDS);
        }
    }

    private static APIGatewayV2HTTPResponse captureHold(CreditCommands credits, HttpRequest request) {
        Caller.service(request, Caller.WRITE_SCOPE);
        Credits amount = null;
        Boolean allowOver = null;
        if (request.body().length > 0) { // no body: capture the whole hold
            JsonBody body = JsonBody.parse(request, CAPTURE_FIELDS);
            amount = body.has("amount") ? Credits.parsePositive(body.requiredNumber("amount"), "amount") : null;
            allowOver = body.optionalBoolean("allowOver");
        }
        return HttpResponses.json(200, holdBody(credits.captureHold(request.pathParameter("holdId"), amount,
                Boolean.TRUE.equals(allowOver))));
    }

    private static APIGatewayV2HTTPResponse releaseHold(CreditCommands credits, HttpRequest request) {
        Caller.service(request, Caller.WRITE_SCOPE);
        if (request.body().length > 0) {
            JsonBody.parse(request, Set.of()); // no body or {}; anything else is a 400
        }
        return HttpResponses.json(200, holdBody(credits.releaseHold(request.pathParameter("holdId"))));
    }

    private static ObjectNode holdBody(HoldResult result) {
        Hold hold = result.hold();
        ObjectNode response = Json.object();
        response.put("holdId", hold.holdId());
        response.put("userId", hold.userId().value());
        response.put("amount", hold.amount().toBigDecimal());
        response.put("status", hold.status().wireName());
        response.put("expiresAt", java.time.format.DateTimeFormatter.ISO_INSTANT.format(hold.expiresAt()));
        if (hold.operation() != null) {
            response.put("operation", hold.operation());
        }
        if (hold.capturedAmount() != null) {
            response.put("capturedAmount", hold.capturedAmount().toBigDecimal());
            response.put("releasedAmount", (hold.amount().isLessThan(hold.capturedAmount()) ? Credits.ZERO
                    : hold.amount().minus(hold.capturedAmount())).toBigDecimal());
        }
        if (result.capture() != null) {
            response.put("deductionId", result.capture().entryId());
        }
        if (result.balance() != null) {
            response.put("balance", result.balance().credits().toBigDecimal());
            if (result.capture() == null) {
                response.put("held", result.balance().held().toBigDecimal());
                response.put("available", result.balance().available().toBigDecimal());
            }
        } else if (result.capture() != null) {
            response.put("balance", result.capture().balanceAfter().toBigDecimal());
        }
        response.put("replayed", result.replayed());
        return response;
    }
}
