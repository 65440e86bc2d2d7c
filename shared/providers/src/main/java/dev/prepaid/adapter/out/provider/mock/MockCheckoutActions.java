package dev.prepaid.adapter.out.provider.mock;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prepaid.adapter.in.http.Json;
import dev.prepaid.domain.NotFoundException;
import dev.prepaid.domain.ValidationException;
import dev.prepaid.domain.payment.Money;
import dev.prepaid.domain.payment.Product;
import dev.prepaid.domain.payment.ProviderUnavailableException;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;

/**
 * What a customer does on the mock provider's hosted page, and what the provider then does by itself
 * (renewals, refunds, disputes): each action changes the mock checkout and delivers the signed webhook a
 * real provider would send, synchronously, to {@code MOCK_WEBHOOK_URL}. Delivery failures are
 * {@link ProviderUnavailableException}; every action can be repeated (the events keep their ids, so the
 * webhook intake dedupes them).
 *
 * <p>The local runner serves {@link #page} at {@code <MOCK_CHECKOUT_URL>/<id>} and the forms' POSTs at
 * {@code /<id>/pay} and {@code /<id>/cancel}. Its HTTP server must handle requests concurrently: pay()
 * POSTs the webhook to the same runner while the page's request is still open.
 */
public final class MockCheckoutActions {
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final MockPaymentProvider provider;

    public MockCheckoutActions(MockPaymentProvider provider) {
        this.provider = Objects.requireNonNull(provider, "provider");
    }

    /**
     * The customer pays: the checkout becomes paid, checkout.completed is delivered (and for a subscription
     * invoice.paid for period 1 too). Returns where the browser goes next: the success URL with
     * {@code session_id}.
     */
    public String pay(String checkoutId) {
        MockCheckout checkout = require(checkoutId);
        if (checkout.status() == MockCheckout.Status.CANCELED) {
            throw new ValidationException("checkout_closed", "the checkout was canceled");
        }
        if (checkout.expiredAt(provider.clock().instant())) {
            throw new ValidationException("checkout_expired", "the checkout expired at " + checkout.expiresAt()
                    + ": start a new purchase");
        }
        if (checkout.status() == MockCheckout.Status.OPEN) {
            checkout = checkout.paid();
            provider.checkouts().save(checkout);
        }
        ObjectNode data = Json.object();
        common(data, checkout);
        data.put("payment_ref", checkout.paymentRef());
        money(data, checkout.amount());
        if (checkout.isSubscription()) {
            data.put("subscription_id", checkout.subscriptionId());
            data.put("invoice_ref", checkout.invoiceRef(1));
            data.put("period_end", provider.periodEnd(checkout, 1).toString());
        }
        deliver("mock_evt_" + checkout.suffix() + "_completed", "checkout.completed", data);
        if (checkout.isSubscription()) {
            deliverInvoice(checkout, 1);
        }
        String success = checkout.successUrl() == null ? "" : checkout.successUrl();
        return success + (success.contains("?") ? "&" : "?") + "session_id=" + checkout.id();
    }

    /** The customer gives up: the checkout is canceled, checkout.expired is delivered; returns the cancel URL. */
    public String cancel(String checkoutId) {
        MockCheckout checkout = require(checkoutId);
        if (checkout.status() == MockCheckout.Status.PAID) {
            throw new ValidationException("checkout_closed", "the checkout is already paid");
        }
        if (checkout.status() == MockCheckout.Status.OPEN) {
            checkout = checkout.canceled();
            provider.checkouts().save(checkout);
        }
        ObjectNode data = Json.object();
        common(data, checkout);
        deliver("mock_evt_" + checkout.suffix() + "_expired", "checkout.expired", data);
        return checkout.cancelUrl();
    }

    /**
     * The subscription renews: invoice.paid for billing period {@code period} (2 for the first renewal),
     * keyed {@code mock_in_<checkoutId>-<period>}. Returns that invoice reference.
     */
    public String renew(String subscriptionId, int period) {
        if (period < 1) {
            throw new ValidationException("invalid_period", "billing periods count from 1");
        }
        String checkoutId = MockCheckout.checkoutIdOfSubscription(subscriptionId);
        MockCheckout checkout = checkoutId == null ? null : provider.checkouts().find(checkoutId).orElse(null);
        if (checkout == null || !subscriptionId.equals(checkout.subscriptionId())) {
            throw new NotFoundException("subscription_not_found", "no mock subscription with that id");
        }
        deliverInvoice(checkout, period);
        return checkout.invoiceRef(period);
    }

    /** A refund of {@code amount} against payment {@code paymentRef}: refund.created; returns the refund id. */
    public String refund(String paymentRef, Money amount) {
        String refundId = "mock_re_" + random();
        ObjectNode data = Json.object();
        data.put("refund_id", refundId);
        data.put("payment_ref", Objects.requireNonNull(paymentRef, "paymentRef"));
        money(data, amount);
        deliver("mock_evt_" + random(), "refund.created", data);
        return refundId;
    }

    /** A refund created earlier failed (the money never left): refund.failed. */
    public void failRefund(String refundId, String paymentRef) {
        ObjectNode data = Json.object();
        data.put("refund_id", Objects.requireNonNull(refundId, "refundId"));
        data.put("payment_ref", Objects.requireNonNull(paymentRef, "paymentRef"));
        deliver("mock_evt_" + random(), "refund.failed", data);
    }

    /** The customer disputes {@code amount} of payment {@code paymentRef}: dispute.created; returns the dispute id. */
    public String dispute(String paymentRef, Money amount) {
        String disputeId = "mock_dp_" + random();
        ObjectNode data = Json.object();
        data.put("dispute_id", disputeId);
        data.put("payment_ref", Objects.requireNonNull(paymentRef, "paymentRef"));
        money(data, amount);
        deliver("mock_evt_" + random(), "dispute.created", data);
        return disputeId;
    }

    /** The dispute ends, won (the money came back) or lost: dispute.closed. */
    public void closeDispute(String disputeId, String paymentRef, boolean won) {
        ObjectNode data = Json.object();
        data.put("dispute_id", Objects.requireNonNull(disputeId, "disputeId"));
        data.put("payment_ref", Objects.requireNonNull(paymentRef, "paymentRef"));
        data.put("status", won ? "won" : "lost");
        deliver("mock_evt_" + random(), "dispute.closed", data);
    }

    /** The hosted checkout page: product, price, and Pay / Cancel buttons (self-contained HTML). */
    public String page(String checkoutId) {
        MockCheckout checkout = require(checkoutId);
        String name = provider.catalog().find(checkout.productId()).map(Product::name).orElse(checkout.productId());
        String interval = provider.catalog().find(checkout.productId()).map(Product::interval).orElse(null);
        String action = provider.hostedPageBase() + "/" + checkout.id();
        boolean expired = checkout.expiredAt(provider.clock().instant());
        String body = expired ? "<p>This checkout expired at " + escape(checkout.expiresAt().toString())
                + ". Start a new purchase.</p>" : switch (checkout.status()) {
            case OPEN -> "<form method=\"post\" action=\"" + escape(action + "/pay") + "\">"
                    + "<button type=\"submit\" class=\"pay\">Pay " + escape(checkout.amount().toString()) + "</button></form>"
                    + "<form method=\"post\" action=\"" + escape(action + "/cancel") + "\">"
                    + "<button type=\"submit\" class=\"cancel\">Cancel</button></form>";
            case PAID -> "<p>This checkout is paid.</p>";
            case CANCELED -> "<p>This checkout was canceled.</p>";
        };
        return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>Mock checkout: " + escape(name) + "</title>"
                + "<style>body{font-family:system-ui,sans-serif;background:#f4f4f5;display:flex;justify-content:center;"
                + "padding-top:10vh}main{background:#fff;border-radius:12px;padding:2rem 2.5rem;min-width:18rem;"
                + "box-shadow:0 2px 12px rgba(0,0,0,.08)}.note{color:#a16207;font-size:.85rem}.price{font-size:2rem;"
                + "margin:.5rem 0 1.5rem}form{display:inline-block;margin-right:.5rem}button{font-size:1rem;"
                + "padding:.6rem 1.2rem;border-radius:8px;border:1px solid #d4d4d8;cursor:pointer}"
                + "button.pay{background:#18181b;color:#fff;border-color:#18181b}</style></head><body><main>"
                + "<p class=\"note\">Mock payment provider: no money moves.</p>"
                + "<h1>" + escape(name) + "</h1>"
                + "<p class=\"price\">" + escape(checkout.amount().toString())
                + (interval == null ? "" : " / " + escape(interval)) + "</p>"
                + body
                + "<p class=\"note\">Checkout " + escape(checkout.id()) + "</p>"
                + "</main></body></html>\n";
    }

    private void deliverInvoice(MockCheckout checkout, int period) {
        if (!checkout.isSubscription() || checkout.status() != MockCheckout.Status.PAID) {
            throw new ValidationException("not_a_subscription", "the checkout is not a paid subscription");
        }
        ObjectNode data = Json.object();
        data.put("invoice_ref", checkout.invoiceRef(period));
        data.put("subscription_id", checkout.subscriptionId());
        data.put("payment_ref", checkout.paymentRef(period));
        money(data, checkout.amount());
        data.put("period", period);
        data.put("period_end", provider.periodEnd(checkout, period).toString());
        common(data, checkout);
        deliver("mock_evt_" + checkout.suffix() + "_invoice_" + period, "invoice.paid", data);
    }

    private static void common(ObjectNode data, MockCheckout checkout) {
        data.put("checkout_id", checkout.id());
        data.put("order_id", checkout.orderId());
        data.put("user_id", checkout.userId());
        data.put("product_id", checkout.productId());
        data.put("customer_ref", checkout.customerRef());
    }

    private static void money(ObjectNode data, Money money) {
        Objects.requireNonNull(money, "amount");
        data.put("amount", money.minor());
        data.put("currency", money.currency());
    }

    /** Signs and POSTs one event; anything but a 2xx answer is a failed delivery. */
    private void deliver(String eventId, String type, ObjectNode data) {
        Instant now = provider.clock().instant();
        ObjectNode event = Json.object();
        event.put("id", eventId);
        event.put("type", type);
        event.put("created", now.getEpochSecond());
        event.set("data", data);
        byte[] body = Json.write(event).getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(provider.webhookUrl())
                .timeout(REQUEST_TIMEOUT)
                .header("content-type", "application/json")
                .header(MockWebhooks.SIGNATURE_HEADER,
                        MockWebhooks.signatureHeader(provider.webhookSecret(), now.getEpochSecond(), body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        HttpResponse<Void> response;
        try {
            response = provider.http().send(request, HttpResponse.BodyHandlers.discarding());
        } catch (HttpTimeoutException e) {
            throw unavailable("mock webhook delivery timed out", e);
        } catch (IOException e) {
            throw unavailable("mock webhook delivery failed: " + e.getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("mock webhook delivery was interrupted", e);
        }
        if (response.statusCode() < 200 || response.statusCode() > 299) {
            throw new ProviderUnavailableException("mock webhook delivery answered HTTP " + response.statusCode(), null);
        }
    }

    private MockCheckout require(String checkoutId) {
        return provider.checkouts().find(checkoutId)
                .orElseThrow(() -> new NotFoundException("checkout_not_found", "no mock checkout with that id"));
    }

    private static String random() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * The exception with its cause when the core lets us attach one: DomainException is built with an
     * explicit null cause, so ProviderUnavailableException's initCause currently throws
     * IllegalStateException; then the cause is dropped (the message already names its kind).
     */
    private static ProviderUnavailableException unavailable(String message, Throwable cause) {
        try {
            return new ProviderUnavailableException(message, cause);
        } catch (IllegalStateException e) {
            return new ProviderUnavailableException(message, null);
        }
    }
}
