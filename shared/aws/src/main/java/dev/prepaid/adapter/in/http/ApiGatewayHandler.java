package dev.prepaid.adapter.in.http;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.prepaid.adapter.config.Logs;
import dev.prepaid.adapter.config.Priming;
import dev.prepaid.domain.DomainException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared shape of every HTTP function: route, map refusals to 4xx, never leak an exception.
 * Subclasses only declare routes; the domain decides everything else.
 */
public abstract class ApiGatewayHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private static final Logger LOG = LoggerFactory.getLogger(ApiGatewayHandler.class);

    private final Router router;
    private final Priming priming;

    protected ApiGatewayHandler(Router router) {
        this(router, () -> { });
    }

    /**
     * @param primeData a read-only warm-up of the function's data path (e.g. a read of a sentinel item),
     *                  run with the routing warm-up before a SnapStart snapshot
     */
    protected ApiGatewayHandler(Router router, Runnable primeData) {
        this.router = router;
        this.priming = Priming.register(() -> {
            primeRoutes();
            primeData.run();
        });
    }

    public Router router() {
        return router;
    }

    public Priming priming() {
        return priming;
    }

    /**
     * Every route once, without a token and with an empty body: routing, claim checks, body parsing,
     * error mapping and JSON writing all run, and each request is refused before it can reach data.
     */
    private void primeRoutes() {
        for (String routeKey : router.routeKeys()) {
            String method = routeKey.substring(0, routeKey.indexOf(' '));
            String path = routeKey.substring(routeKey.indexOf(' ') + 1).replaceAll("\\{[^/]+}", "priming");
            APIGatewayV2HTTPEvent event = APIGatewayV2HTTPEvent.builder()
                    .withRawPath(path)
                    .withHeaders(java.util.Map.of("content-type", "application/json"))
                    .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                            .withRequestId("priming")
                            .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod(method).withPath(path).build())
                            .build())
                    .build();
            handle(new HttpRequest(event));
        }
    }

    @Override
    public final APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        HttpRequest request = new HttpRequest(event);
        return Logs.withCorrelationId(context, request.requestId(), () -> handle(request));
    }

    private APIGatewayV2HTTPResponse handle(HttpRequest request) {
        long started = System.nanoTime();
        APIGatewayV2HTTPResponse response;
        String errorCode = null;
        try {
            response = router.dispatch(request);
        } catch (ApiException e) {
            errorCode = e.code();
            response = ErrorResponses.of(e);
        } catch (DomainException e) {
            errorCode = e.code();
            response = ErrorResponses.of(e);
        } catch (RuntimeException e) {
            errorCode = "internal_error";
            LOG.error("request failed: {}", e.getClass().getName(), e);
            response = ErrorResponses.internalError(request.requestId());
        }
        long micros = (System.nanoTime() - started) / 1000;
        if (errorCode == null) {
            LOG.info("{} {} -> {} in {} us", request.method(), loggablePath(request.path()),
                    response.getStatusCode(), micros);
        } else {
            LOG.info("{} {} -> {} {} in {} us", request.method(), loggablePath(request.path()),
                    response.getStatusCode(), errorCode, micros);
        }
        return response;
    }

    /**
     * The path for a request log line. Path segments are the caller's words ({@code /orders/{orderId}},
     * {@code /webhook/{provider}}): one that could be an e-mail address is blanked, as logs hold none.
     */
    static String loggablePath(String path) {
        String[] segments = path.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            if (segments[i].indexOf('@') >= 0 || segments[i].toLowerCase(java.util.Locale.ROOT).contains("%40")) {
                segments[i] = "{redacted}";
            }
        }
        return JsonBody.printable(String.join("/", segments));
    }
}
