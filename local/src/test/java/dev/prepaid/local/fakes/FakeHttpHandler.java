package dev.prepaid.local.fakes;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prepaid.adapter.config.Env;
import java.util.LinkedHashMap;
import java.util.Map;

/** Answers with what it was given: its environment, the route, the path parameters and the JWT claims. */
public final class FakeHttpHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Env env;

    /** Built like every handler: from the local environment, through its static factory. */
    public static FakeHttpHandler fromEnv(Env env) {
        return new FakeHttpHandler(env);
    }

    private FakeHttpHandler(Env env) {
        this.env = env;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("function", context.getFunctionName());
        body.put("routeKey", event.getRouteKey());
        body.put("version", event.getVersion());
        body.put("pathParameters", event.getPathParameters());
        body.put("env", env.asMap());
        var authorizer = event.getRequestContext().getAuthorizer();
        body.put("claims", authorizer == null || authorizer.getJwt() == null ? null : authorizer.getJwt().getClaims());
        try {
            return APIGatewayV2HTTPResponse.builder().withStatusCode(200)
                    .withHeaders(Map.of("content-type", "application/json"))
                    .withBody(JSON.writeValueAsString(body)).build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
