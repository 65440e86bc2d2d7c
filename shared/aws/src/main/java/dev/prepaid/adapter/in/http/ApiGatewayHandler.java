package dev.prepaid.adapter.in.http;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.prepaid.adapter.config.Logs;
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

    protected ApiGatewayHandler(Router router) {
        this.router = router;
    }

    public Router router() {
        return router;
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
            LOG.info("{} {} -> {} in {} us", request.method(), JsonBody.printable(request.path()),
                    response.getStatusCode(), micros);
        } else {
            LOG.info("{} {} -> {} {} in {} us", request.method(), JsonBody.printable(request.path()),
                    response.getStatusCode(), errorCode, micros);
        }
        return response;
    }
}
