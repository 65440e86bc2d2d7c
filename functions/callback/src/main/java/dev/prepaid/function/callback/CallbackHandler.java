package dev.prepaid.function.callback;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.prepaid.adapter.config.Env;
import dev.prepaid.adapter.in.http.ApiGatewayHandler;
import dev.prepaid.adapter.in.http.HttpRequest;
import dev.prepaid.adapter.in.http.HttpResponses;
import dev.prepaid.adapter.in.http.Router;
import dev.prepaid.wiring.PaymentWiring;
import dev.prepaid.application.CheckoutConfirmation;
import dev.prepaid.domain.DomainException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the provider sends the browser back. It never believes the query string's word about payment:
 * it finds the order and asks the provider, server-side, then fulfils through the same operation as the
 * webhook and redirects to the app's success or cancel page. It always redirects: a person never sees a
 * 500 page here.
 */
public final class CallbackHandler extends ApiGatewayHandler {
    private static final Logger LOG = LoggerFactory.getLogger(CallbackHandler.class);

    public CallbackHandler() {
        this(PaymentWiring.fromEnv(Env.system()));
    }

    /** Wired from an explicit environment (the local runner passes the template's), through the same wiring. */
    public static CallbackHandler fromEnv(Env env) {
        return new CallbackHandler(PaymentWiring.fromEnv(env));
    }

    private CallbackHandler(PaymentWiring wiring) {
        this(wiring.checkoutConfirmation(), wiring.env().required("SUCCESS_URL"), wiring.env().required("CANCEL_URL"));
    }

    public CallbackHandler(CheckoutConfirmation confirmation, String successUrl, String cancelUrl) {
        super(new Router().route("GET", "/api/payment/callback",
                request -> callback(confirmation, successUrl, cancelUrl, request)));
    }

    private static APIGatewayV2HTTPResponse callback(CheckoutConfirmation confirmation, String successUrl,
                                                     String cancelUrl, HttpRequest request) {
        String orderId = first(request.query("orderId"));
        String checkoutId = first(request.query("session_id"));
        if (checkoutId == null) {
            checkoutId = first(request.query("checkout_id"));
        }
        try {
            if (request.query("canceled") != null && orderId != null) {
                return HttpResponses.redirect(with(cancelUrl, "orderId", orderId, "status", "canceled"));
            }
            CheckoutConfirmation.Confirmed confirmed = confirmation.confirm(orderId, checkoutId);
            String id = confirmed.order() == null ? null : confirmed.order().orderId().value();
            return switch (confirmed.result()) {
                case COMPLETED -> HttpResponses.redirect(with(successUrl, "orderId", id, "status", "completed"));
                case PENDING -> HttpResponses.redirect(with(successUrl, "orderId", id, "status", "pending"));
                case EXPIRED -> HttpResponses.redirect(with(cancelUrl, "orderId", id, "status", "expired"));
                case FAILED -> HttpResponses.redirect(with(cancelUrl, "orderId", id, "status", "failed"));
                case UNKNOWN_ORDER -> HttpResponses.redirect(with(cancelUrl, "error", "unknown_order", null, null));
            };
        } catch (DomainException e) {
            // The provider is down: the webhook will still complete the order. Say pending, not failed.
            LOG.warn("callback could not confirm {}: {}", orderId, e.code());
            return HttpResponses.redirect(orderId == null ? with(cancelUrl, "error", e.code(), null, null)
                    : with(successUrl, "orderId", orderId, "status", "pending"));
        } catch (RuntimeException e) {
            LOG.error("callback failed for {}", orderId, e);
            return HttpResponses.redirect(with(cancelUrl, "error", "internal_error", orderId == null ? null : "orderId", orderId));
        }
    }

    private static String first(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        int comma = value.indexOf(',');
        return comma < 0 ? value : value.substring(0, comma);
    }

    private static String with(String base, String k1, String v1, String k2, String v2) {
        StringBuilder url = new StringBuilder(base).append(base.contains("?") ? '&' : '?')
                .append(k1).append('=').append(URLEncoder.encode(v1 == null ? "" : v1, StandardCharsets.UTF_8));
        if (k2 != null) {
            url.append('&').append(k2).append('=').append(URLEncoder.encode(v2 == null ? "" : v2, StandardCharsets.UTF_8));
        }
        return url.toString();
    }
}
