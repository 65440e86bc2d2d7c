package dev.prepaid.local.web;

import com.sun.net.httpserver.HttpExchange;
import dev.prepaid.adapter.out.provider.mock.MockPaymentProvider;
import dev.prepaid.domain.NotFoundException;
import dev.prepaid.domain.ValidationException;
import dev.prepaid.domain.payment.ProviderUnavailableException;
import dev.prepaid.testing.ApiGatewayStandIn;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mock provider's hosted checkout: {@code GET /mock/checkout/{id}} is its page (Pay and Cancel buttons);
 * {@code POST /mock/checkout/{id}/pay} and {@code /cancel} do what the customer chose (the mock delivers
 * its signed webhook to our webhook route, synchronously) and answer 303 to where the browser goes next (the
 * callback, which redirects to the demo page).
 */
public final class MockCheckoutRoute implements ApiGatewayStandIn.RawRoute {
    public static final String PREFIX = "/mock/checkout/";
    private static final Logger LOG = LoggerFactory.getLogger(MockCheckoutRoute.class);

    private final MockPaymentProvider mock;

    /** @param mock null when the template declares no purchase functions: every page is then a 404 */
    public MockCheckoutRoute(MockPaymentProvider mock) {
        this.mock = mock;
    }

    @Override
    public boolean handle(HttpExchange exchange) throws IOException {
        String path = Http.path(exchange);
        if (!path.startsWith(PREFIX)) {
            return false;
        }
        String[] rest = path.substring(PREFIX.length()).split("/", -1);
        String id = URLDecoder.decode(rest[0], StandardCharsets.UTF_8);
        String action = rest.length == 2 ? rest[1] : null;
        Http.body(exchange, 64 * 1024); // a form post: nothing in it we need
        if (mock == null) {
            page(exchange, 404, "No mock provider", "The template declares no purchase functions, so there is no mock checkout.");
            return true;
        }
        if (id.isEmpty() || rest.length > 2 || action != null && !action.equals("pay") && !action.equals("cancel")) {
            page(exchange, 404, "Not found", "No such mock checkout page.");
            return true;
        }
        try {
            if (action == null) {
                if (!Http.is(exchange, "GET")) {
                    exchange.getResponseHeaders().add("allow", "GET");
                    page(exchange, 405, "Method not allowed", "Open this page with GET.");
                    return true;
                }
                Http.html(exchange, 200, mock.actions().page(id));
                return true;
            }
            if (!Http.is(exchange, "POST")) {
                exchange.getResponseHeaders().add("allow", "POST");
                page(exchange, 405, "Method not allowed", "Use the buttons on the checkout page.");
                return true;
            }
            String next = action.equals("pay") ? mock.actions().pay(id) : mock.actions().cancel(id);
            LOG.info("mock checkout {} {}", id, action.equals("pay") ? "paid" : "canceled");
            Http.redirect(exchange, 303, next);
        } catch (NotFoundException e) {
            page(exchange, 404, "Unknown checkout", "The mock provider has no checkout " + id + ".");
        } catch (ValidationException e) {
            page(exchange, 409, e.code().equals("checkout_expired") ? "Checkout expired" : "Checkout closed",
                    e.getMessage() + ".");
        } catch (ProviderUnavailableException e) {
            LOG.warn("mock checkout {} {}: {}", id, action, e.getMessage());
            page(exchange, 502, "Webhook not delivered", "The mock provider could not deliver its webhook ("
                    + e.getMessage() + "). Nothing was lost: press back and try again.");
        }
        return true;
    }

    private static void page(HttpExchange exchange, int status, String title, String text) throws IOException {
        Http.html(exchange, status, "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
                + Http.escape(title) + "</title><style>body{font-family:system-ui,sans-serif;margin:10vh auto;max-width:32rem;"
                + "padding:0 1rem}</style></head><body><h1>" + Http.escape(title) + "</h1><p>" + Http.escape(text)
                + "</p><p><a href=\"/\">Back to the demo</a></p></body></html>\n");
    }
}
