package dev.prepaid.testing.stripe;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The slice of Stripe's API that prepaid uses, over real HTTP on a loopback port, for stripe-java
 * pointed at {@link #baseUrl()} (STRIPE_API_BASE). Responses are Stripe's own sample objects from the
 * fixtures ({@link StripeFixtures}, in this module's resources) with the request's values filled in.
 *
 * <ul>
 *   <li>POST /v1/checkout/sessions, GET /v1/checkout/sessions/{id}</li>
 *   <li>GET and POST /v1/subscriptions/{id} (cancel_at_period_end; items[0][id] + items[0][price] with
 *   proration_behavior none or always_invoice: a plan change, which with always_invoice creates a paid
 *   proration invoice, billing_reason subscription_update), DELETE /v1/subscriptions/{id}</li>
 *   <li>GET /v1/invoices/{id}, GET /v1/invoices?customer=&amp;limit= (newest first)</li>
 *   <li>GET /v1/customers/{id}/payment_methods?type=&amp;limit= (the customer's saved cards)</li>
 *   <li>POST /v1/billing_portal/sessions</li>
 * </ul>
 *
 * Like Stripe: a request without a bearer key is 401; a POST repeated with the same Idempotency-Key gets
 * the stored response (header Idempotent-Replayed: true) and creates nothing, and with different
 * parameters it is a 400 idempotency_error; unknown ids are 404 resource_missing; errors are Stripe-shaped
 * ({@code {"error": {"type", "code", "message", "param"}}}) with a Request-Id header. Test controls move
 * sessions along ({@link #markPaid}, {@link #markExpired}, {@link #markProcessing}, {@link #expireDue}) and
 * simulate an outage ({@link #outage}).
 *
 * <p>A session's {@code expires_at} is the request's (an integer, at most 24 hours ahead, else 400 like Stripe)
 * or, without one, 24 hours after creation. Unlike Stripe, the 30-minute minimum is not enforced, so a test can
 * open a session for an order made in the past; and sessions stay open past {@code expires_at} until
 * {@link #expireDue} (Stripe's own expiry, which also lags) or {@link #markExpired} closes them.
 */
public final class FakeStripe implements AutoCloseable {

    /** One request as it arrived: form or query parameters with Stripe's bracket keys, decoded. */
    public record Request(String method, String path, String idempotencyKey, Map<String, String> params) {
        public String param(String key) {
            return params.get(key);
        }
    }

    /** interval null: a one-time price; currencyOptions: the other currencies' unit amounts (currency_options). */
    private record Price(long unitAmount, String currency, String interval, Map<String, Long> currencyOptions) {
        Price(long unitAmount, String currency) {
            this(unitAmount, currency, null, Map.of());
        }

        /** The unit amount in {@code wanted} (the session's currency parameter), or null when the price has none. */
        Long amountIn(String wanted) {
            if (wanted == null || wanted.equals(currency)) {
                return unitAmount;
            }
            return currencyOptions.get(wanted);
        }
    }

    private record Response(int status, String body, Map<String, String> headers) {
        Response(int status, ObjectNode body) {
            this(status, StripeWebhooks.json(body), Map.of());
        }
    }

    private record Stored(String fingerprint, Response response) {
    }

    private static final String CHECKOUT_URL = "https://checkout.stripe.test/c/";
    private static final String PORTAL_URL = "https://billing.stripe.test/p/session/";

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, ObjectNode> sessions = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> sessionParams = new HashMap<>();
    private final Map<String, ObjectNode> subscriptions = new LinkedHashMap<>();
    private final Map<String, ObjectNode> invoices = new LinkedHashMap<>();
    private final Map<String, ObjectNode> paymentMethods = new LinkedHashMap<>();
    /** Customers Stripe would know: made by a paid subscription checkout or by a test control. */
    private final java.util.Set<String> customers = new java.util.HashSet<>();
    private final Map<String, Price> prices = new HashMap<>();
    /** customer -> invoice_settings.default_payment_method */
    private final Map<String, String> defaultPaymentMethods = new HashMap<>();
    /** payment method -> decline code ({@code authentication_required} answers that code instead of card_declined) */
    private final Map<String, String> declined = new HashMap<>();
    private final Map<String, ObjectNode> paymentIntents = new LinkedHashMap<>();
    /** The signed-event-ready envelopes payment intents produced, in order ({@link #paymentIntentEvents}). */
    private final List<ObjectNode> paymentIntentEvents = new ArrayList<>();
    private long invoicesAdded;
    private final Map<String, Stored> idempotent = new HashMap<>();
    private final List<Request> requests = new ArrayList<>();
    private int outageStatus;
    private int sessionsCreated;

    public FakeStripe() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a loopback port for the fake Stripe API", e);
        }
        executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "fake-stripe");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** For STRIPE_API_BASE / StripeClient.builder().setApiBase: http://127.0.0.1:port (no trailing slash). */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // --- test controls ------------------------------------------------------------------------------

    /**
     * Bills the subscription's next period at its item's current price, as Stripe does at the period's end:
     * a paid invoice with billing_reason subscription_cycle (a plan change with proration none shows here
     * first), the period moved on. Returns the invoice; wrap it with StripeWebhooks.event("invoice.paid", ...).
     */
    public synchronized ObjectNode renew(String subscriptionId) {
        ObjectNode subscription = subscriptions.get(subscriptionId);
        if (subscription == null) {
            throw new IllegalArgumentException("no subscription " + subscriptionId);
        }
        ObjectNode item = (ObjectNode) subscription.path("items").path("data").path(0);
        long periodEnd = item.path("current_period_end").asLong() + 30L * 24 * 3600;
        item.put("current_period_start", item.path("current_period_end").asLong());
        item.put("current_period_end", periodEnd);
        String priceId = item.path("price").path("id").asText(null);
        Price price = priceId == null ? null : prices.get(priceId);
        String invoiceId = StripeWebhooks.id("in_");
        ObjectNode invoice = StripeWebhooks.invoiceObject(invoiceId, subscriptionId, subscription.path("customer").asText(),
                StripeWebhooks.id("pi_"), price == null ? 0 : price.unitAmount(), price == null ? "usd" : price.currency(),
                periodEnd, metadataOf(subscription));
        if (priceId != null) {
            StripeWebhooks.linePrice(invoice, priceId, false);
        }
        subscription.put("latest_invoice", invoiceId);
        invoices.put(invoiceId, invoice);
        return invoice.deepCopy();
    }

    /** The invoices of one subscription, oldest first (first period, proration invoices, renewals). */
    public synchronized List<ObjectNode> invoicesOf(String subscriptionId) {
        List<ObjectNode> found = new ArrayList<>();
        for (ObjectNode invoice : invoices.values()) {
            if (subscriptionId.equals(invoice.path("subscription").asText())) {
                found.add(invoice.deepCopy());
            }
        }
        return found;
    }

    private static Map<String, String> metadataOf(ObjectNode subscription) {
        Map<String, String> metadata = new LinkedHashMap<>();
        subscription.path("metadata").fields().forEachRemaining(e -> metadata.put(e.getKey(), e.getValue().asText()));
        return metadata;
    }

    private static void setItemPrice(ObjectNode subscription, String priceId) {
        ObjectNode item = (ObjectNode) subscription.path("items").path("data").path(0);
        if (!item.hasNonNull("id") || !item.path("id").asText().startsWith("si_")) {
            item.put("id", StripeWebhooks.id("si_"));
        }
        if (priceId == null) {
            item.remove("price");
            item.remove("plan");
        } else {
            item.putObject("price").put("id", priceId).put("object", "price");
            item.putObject("plan").put("id", priceId).put("object", "plan");
        }
    }

    /** The payment_method_types a Checkout session accepts here (a subset of Stripe's). */
    public static final List<String> PAYMENT_METHOD_TYPES = List.of("card", "alipay", "wechat_pay", "crypto",
            "link", "sepa_debit", "us_bank_account");

    /**
     * The customer entered a promotion code worth {@code amountOff} (minor units) on an open session:
     * total_details.amount_discount is set and amount_total lowered (never below 0). Returns a copy of the session.
     */
    public synchronized ObjectNode discount(String sessionId, long amountOff) {
        ObjectNode session = requireSession(sessionId);
        long subtotal = session.path("amount_subtotal").asLong();
        long off = Math.min(amountOff, subtotal);
        session.withObjectProperty("total_details").put("amount_discount", off);
        session.put("amount_total", subtotal - off);
        return session.deepCopy();
    }

    /** Declares a price, so sessions for it carry amount_total and currency. Unknown prices are accepted with no amount. */
    public synchronized FakeStripe price(String priceId, long unitAmount, String currency) {
        prices.put(priceId, new Price(unitAmount, currency));
        return this;
    }

    /**
     * Declares a price as GET /v1/prices/{id} returns it: {@code interval} month or year makes it recurring (null:
     * one-time); {@code currencyOptions} are its amounts in other currencies (Stripe's {@code currency_options},
     * returned with {@code expand[]=currency_options}, and what a session with {@code currency} charges).
     */
    public synchronized FakeStripe price(String priceId, long unitAmount, String currency, String interval,
                                         Map<String, Long> currencyOptions) {
        prices.put(priceId, new Price(unitAmount, currency, interval, Map.copyOf(currencyOptions)));
        return this;
    }

    /**
     * The customer paid: status complete, payment_status paid. Mode payment gets a payment_intent pi_...;
     * mode subscription gets, as on Stripe, no payment intent of its own but a customer cus_..., a
     * subscription sub_... (metadata from subscription_data, retrievable) and its first invoice in_...
     * (paid by a payment intent pi_..., see {@link #invoice}). Returns a copy of the session.
     */
    public synchronized ObjectNode markPaid(String sessionId) {
        ObjectNode session = requireSession(sessionId);
        session.put("status", "complete");
        // A 100% discount: nothing to pay (Stripe creates no payment intent then).
        boolean free = "payment".equals(session.path("mode").asText())
                && session.path("amount_total").isIntegralNumber() && session.get("amount_total").asLong() == 0;
        session.put("payment_status", free ? "no_payment_required" : "paid");
        if (free) {
            session.putNull("payment_intent");
            return session.deepCopy();
        }
        if ("subscription".equals(session.path("mode").asText())) {
            String customer = session.hasNonNull("customer") ? session.get("customer").asText() : StripeWebhooks.id("cus_");
            String subscriptionId = StripeWebhooks.id("sub_");
            String invoiceId = StripeWebhooks.id("in_");
            long periodEnd = Instant.now().getEpochSecond() + 30L * 24 * 3600;
            Map<String, String> metadata = bracketMap(sessionParams.getOrDefault(sessionId, Map.of()),
                    "subscription_data[metadata]");
            ObjectNode subscription = StripeWebhooks.subscriptionObject(subscriptionId, customer, "active", periodEnd,
                    false, metadata);
            String priceId = sessionParams.getOrDefault(sessionId, Map.of()).get("line_items[0][price]");
            setItemPrice(subscription, priceId);
            subscription.put("latest_invoice", invoiceId);
            subscriptions.put(subscriptionId, subscription);
            long amount = session.path("amount_total").isIntegralNumber() ? session.get("amount_total").asLong() : 0;
            String currency = session.hasNonNull("currency") ? session.get("currency").asText() : "usd";
            ObjectNode invoice = StripeWebhooks.invoiceObject(invoiceId, subscriptionId, customer,
                    StripeWebhooks.id("pi_"), amount, currency, periodEnd, metadata);
            invoice.put("billing_reason", "subscription_create");
            if (priceId != null) {
                StripeWebhooks.linePrice(invoice, priceId, false);
            }
            invoices.put(invoiceId, invoice);
            customers.add(customer);
            session.put("customer", customer);
            session.put("subscription", subscriptionId);
            session.put("invoice", invoiceId);
            session.putNull("payment_intent");
        } else {
            session.put("payment_intent", StripeWebhooks.id("pi_"));
        }
        return session.deepCopy();
    }

    /** An asynchronous payment method (SEPA debit, ...) is pending: complete but unpaid. */
    public synchronized ObjectNode markProcessing(String sessionId) {
        ObjectNode session = requireSession(sessionId);
        session.put("status", "complete");
        session.put("payment_status", "unpaid");
        if (!"subscription".equals(session.path("mode").asText())) {
            session.put("payment_intent", StripeWebhooks.id("pi_"));
        }
        return session.deepCopy();
    }

    public synchronized ObjectNode markExpired(String sessionId) {
        ObjectNode session = requireSession(sessionId);
        session.put("status", "expired");
        session.put("payment_status", "unpaid");
        session.putNull("url");
        return session.deepCopy();
    }

    /**
     * Stripe's expiry job: every open session whose {@code expires_at} is at or before {@code now} becomes
     * expired. Returns their ids, oldest first.
     */
    public synchronized List<String> expireDue(Instant now) {
        List<String> expired = new ArrayList<>();
        sessions.forEach((id, session) -> {
            if ("open".equals(session.path("status").asText())
                    && session.path("expires_at").asLong(Long.MAX_VALUE) <= now.getEpochSecond()) {
                expired.add(id);
            }
        });
        expired.forEach(this::markExpired);
        return expired;
    }

    /** The session's {@code expires_at} (epoch seconds), as sent or defaulted at creation. */
    public synchronized long expiresAt(String sessionId) {
        return requireSession(sessionId).path("expires_at").asLong();
    }

    /** From now on every API call answers {@code statusCode} with a Stripe-shaped error, until {@link #recover()}. */
    public synchronized void outage(int statusCode) {
        if (statusCode < 400 || statusCode > 599) {
            throw new IllegalArgumentException("an outage answers 4xx or 5xx");
        }
        outageStatus = statusCode;
    }

    public synchronized void recover() {
        outageStatus = 0;
    }

    /** Every request received, in order (including those refused during an outage). */
    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Requests with this method and path. */
    public synchronized List<Request> requests(String method, String path) {
        return requests.stream().filter(r -> r.method().equals(method) && r.path().equals(path)).toList();
    }

    /** Checkout sessions actually created (an idempotent replay creates none). */
    public synchronized int sessionsCreated() {
        return sessionsCreated;
    }

    public synchronized ObjectNode session(String sessionId) {
        ObjectNode session = sessions.get(sessionId);
        return session == null ? null : session.deepCopy();
    }

    public synchronized ObjectNode subscription(String subscriptionId) {
        ObjectNode subscription = subscriptions.get(subscriptionId);
        return subscription == null ? null : subscription.deepCopy();
    }

    /** An invoice (a subscription's first one is created by {@link #markPaid}); wrap it with StripeWebhooks.event("invoice.paid", ...). */
    public synchronized ObjectNode invoice(String invoiceId) {
        ObjectNode invoice = invoices.get(invoiceId);
        return invoice == null ? null : invoice.deepCopy();
    }

    /**
     * Saves a card on a customer (Stripe's payment_method sample object with these values), as a buyer
     * who ticked "save my card" would. The customer becomes known. Returns a copy.
     */
    public synchronized ObjectNode addCard(String customerId, String brand, String last4, int expMonth, int expYear) {
        ObjectNode method = StripeFixtures.object("payment_method");
        method.put("id", StripeWebhooks.id("pm_"));
        method.put("object", "payment_method");
        method.put("type", "card");
        method.put("customer", customerId);
        method.put("created", Instant.now().getEpochSecond());
        ObjectNode card = method.has("card") && method.get("card").isObject() ? (ObjectNode) method.get("card")
                : method.putObject("card");
        card.put("brand", brand);
        card.put("display_brand", brand);
        card.put("last4", last4);
        card.put("exp_month", expMonth);
        card.put("exp_year", expYear);
        paymentMethods.put(method.get("id").asText(), method);
        customers.add(customerId);
        return method.deepCopy();
    }

    /**
     * Makes {@code paymentMethodId} the customer's {@code invoice_settings.default_payment_method} (what a
     * subscription checkout or a SetupIntent with "save card" leaves behind). The customer becomes known.
     */
    public synchronized void setDefaultPaymentMethod(String customerId, String paymentMethodId) {
        customers.add(customerId);
        defaultPaymentMethods.put(customerId, paymentMethodId);
    }

    /** A saved card (as {@link #addCard}) made the customer's default; returns its pm_ id. */
    public synchronized String addDefaultCard(String customerId) {
        String id = addCard(customerId, "visa", "4242", 12, 2034).get("id").asText();
        setDefaultPaymentMethod(customerId, id);
        return id;
    }

    /**
     * Off-session payments with this card fail from now on, as Stripe's test cards do: {@code declineCode}
     * {@code insufficient_funds}, {@code generic_decline}, ... is a {@code card_error} with code
     * {@code card_declined} (pm_card_chargeDeclined...); {@code authentication_required} is a {@code card_error}
     * with that code (pm_card_authenticationRequired). Null makes the card pay again.
     */
    public synchronized void declineCard(String paymentMethodId, String declineCode) {
        if (declineCode == null) {
            declined.remove(paymentMethodId);
        } else {
            declined.put(paymentMethodId, declineCode);
        }
    }

    /** The payment intents created, oldest first (copies). */
    public synchronized List<ObjectNode> paymentIntents() {
        return paymentIntents.values().stream().map(ObjectNode::deepCopy).toList();
    }

    /**
     * The webhook envelopes Stripe would send for the payment intents created so far, oldest first (copies):
     * {@code payment_intent.succeeded} or {@code payment_intent.payment_failed}. Sign with StripeWebhooks.headers.
     */
    public synchronized List<ObjectNode> paymentIntentEvents() {
        return paymentIntentEvents.stream().map(ObjectNode::deepCopy).toList();
    }

    /**
     * An invoice of a customer (Stripe's invoice sample object with these values: a one-off or a renewal
     * the test does not need to pay through a webhook). Each one added is newer than the last. Returns a copy.
     */
    public synchronized ObjectNode addInvoice(String customerId, long amountDue, long amountPaid, String currency,
                                              String status) {
        ObjectNode invoice = StripeFixtures.object("invoice");
        String id = StripeWebhooks.id("in_");
        invoice.put("id", id);
        invoice.put("object", "invoice");
        invoice.put("customer", customerId);
        invoice.put("amount_due", amountDue);
        invoice.put("amount_paid", amountPaid);
        invoice.put("amount_remaining", amountDue - amountPaid);
        invoice.put("currency", currency);
        invoice.put("status", status);
        invoice.put("created", Instant.now().getEpochSecond() + invoicesAdded++);
        invoice.put("number", "FAKE-" + (1000 + invoicesAdded));
        invoice.put("hosted_invoice_url", "https://invoice.stripe.test/i/" + id);
        invoice.put("invoice_pdf", "https://pay.stripe.test/invoice/" + id + "/pdf");
        invoices.put(id, invoice);
        customers.add(customerId);
        return invoice.deepCopy();
    }

    private ObjectNode requireSession(String sessionId) {
        ObjectNode session = sessions.get(sessionId);
        if (session == null) {
            throw new IllegalArgumentException("no checkout session " + sessionId);
        }
        return session;
    }

    // --- HTTP ---------------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) {
        Response response;
        try {
            response = respond(exchange);
        } catch (RuntimeException | IOException e) {
            response = error(500, "api_error", null, "fake Stripe failed: " + e, null);
        }
        try (exchange) {
            byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("Request-Id", StripeWebhooks.id("req_"));
            response.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            exchange.sendResponseHeaders(response.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private Response respond(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod().toUpperCase(java.util.Locale.ROOT);
        String path = exchange.getRequestURI().getPath();
        Map<String, String> params = new LinkedHashMap<>(parseForm(exchange.getRequestURI().getRawQuery()));
        try (InputStream in = exchange.getRequestBody()) {
            params.putAll(parseForm(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        }
        String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        synchronized (this) {
            requests.add(new Request(method, path, key, Collections.unmodifiableMap(params)));
            if (outageStatus != 0) {
                return outageError(outageStatus);
            }
            if (authorization == null || !authorization.startsWith("Bearer ") || authorization.length() <= 7) {
                return error(401, "invalid_request_error", null,
                        "You did not provide an API key. You need to provide your API key in the Authorization header.", null);
            }
            if (!method.equals("POST") || key == null) {
                return route(method, path, params);
            }
            String fingerprint = method + " " + path + " " + new java.util.TreeMap<>(params);
            Stored stored = idempotent.get(key);
            if (stored != null) {
                if (!stored.fingerprint().equals(fingerprint)) {
                    return error(400, "idempotency_error", null, "Keys for idempotent requests can only be used with"
                            + " the same parameters they were first used with.", null);
                }
                Map<String, String> headers = new HashMap<>(stored.response().headers());
                headers.put("Idempotent-Replayed", "true");
                headers.put("Idempotency-Key", key);
                return new Response(stored.response().status(), stored.response().body(), headers);
            }
            Response response = route(method, path, params);
            if (response.status() < 500) {
                idempotent.put(key, new Stored(fingerprint, response));
            }
            return response;
        }
    }

    private Response route(String method, String path, Map<String, String> params) {
        String[] parts = path.split("/");
        // "", "v1", resource...
        if (parts.length >= 3 && parts[1].equals("v1")) {
            String resource = parts[2];
            if (resource.equals("checkout") && parts.length >= 4 && parts[3].equals("sessions")) {
                if (parts.length == 4 && method.equals("POST")) {
                    return createSession(params);
                }
                if (parts.length == 5 && method.equals("GET")) {
                    ObjectNode session = sessions.get(parts[4]);
                    return session == null ? missing("checkout.session", parts[4]) : new Response(200, session);
                }
            }
            if (resource.equals("subscriptions") && parts.length == 4) {
                ObjectNode subscription = subscriptions.get(parts[3]);
                if (subscription == null) {
                    return missing("subscription", parts[3]);
                }
                switch (method) {
                    case "GET":
                        return new Response(200, subscription);
                    case "POST":
                        return updateSubscription(subscription, params);
                    case "DELETE":
                        return cancelSubscription(subscription);
                    default:
                        break;
                }
            }
            if (resource.equals("payment_intents") && parts.length == 3 && method.equals("POST")) {
                return createPaymentIntent(params);
            }
            if (resource.equals("payment_intents") && parts.length == 4 && method.equals("GET")) {
                ObjectNode intent = paymentIntents.get(parts[3]);
                return intent == null ? missing("payment_intent", parts[3]) : new Response(200, intent);
            }
            if (resource.equals("customers") && parts.length == 4 && method.equals("GET")) {
                return customer(parts[3]);
            }
            if (resource.equals("prices") && parts.length == 4 && method.equals("GET")) {
                return retrievePrice(parts[3], params);
            }
            if (resource.equals("invoices") && parts.length == 3 && method.equals("GET")) {
                return listInvoices(params);
            }
            if (resource.equals("customers") && parts.length == 5 && parts[4].equals("payment_methods")
                    && method.equals("GET")) {
                return listPaymentMethods(parts[3], params);
            }
            if (resource.equals("invoices") && parts.length == 4 && method.equals("GET")) {
                ObjectNode invoice = invoices.get(parts[3]);
                return invoice == null ? missing("invoice", parts[3]) : new Response(200, invoice);
            }
            if (resource.equals("billing_portal") && parts.length == 4 && parts[3].equals("sessions")
                    && method.equals("POST")) {
                return createPortalSession(params);
            }
        }
        return error(404, "invalid_request_error", null,
                "Unrecognized request URL (" + method + ": " + path + ").", null);
    }

    /** Stripe's price object (fixtures3.json's shape) for a declared price; 404 resource_missing otherwise. */
    private Response retrievePrice(String priceId, Map<String, String> params) {
        Price price = prices.get(priceId);
        if (price == null) {
            return missing("price", priceId);
        }
        ObjectNode node = StripeFixtures.object("price");
        node.put("id", priceId);
        node.put("currency", price.currency());
        node.put("unit_amount", price.unitAmount());
        node.put("unit_amount_decimal", Long.toString(price.unitAmount()));
        node.remove("transform_quantity");
        node.putNull("transform_quantity");
        if (price.interval() == null) {
            node.put("type", "one_time");
            node.putNull("recurring");
        } else {
            node.put("type", "recurring");
            ((ObjectNode) node.get("recurring")).put("interval", price.interval());
        }
        boolean expand = params.entrySet().stream()
                .anyMatch(e -> e.getKey().startsWith("expand[") && e.getValue().equals("currency_options"));
        if (expand) {
            ObjectNode options = node.putObject("currency_options");
            options.putObject(price.currency()).put("unit_amount", price.unitAmount())
                    .put("unit_amount_decimal", Long.toString(price.unitAmount())).put("tax_behavior", "unspecified");
            price.currencyOptions().forEach((currency, amount) -> options.putObject(currency).put("unit_amount", amount)
                    .put("unit_amount_decimal", Long.toString(amount)).put("tax_behavior", "unspecified"));
        }
        return new Response(200, node);
    }

    private Response createSession(Map<String, String> params) {
        String mode = params.get("mode");
        if (mode == null) {
            return error(400, "invalid_request_error", "parameter_missing", "Missing required param: mode.", "mode");
        }
        if (!mode.equals("payment") && !mode.equals("subscription") && !mode.equals("setup")) {
            return error(400, "invalid_request_error", "parameter_invalid_string", "Invalid mode: " + mode, "mode");
        }
        String priceId = params.get("line_items[0][price]");
        if (priceId == null && !mode.equals("setup")) {
            return error(400, "invalid_request_error", "parameter_missing", "Missing required param: line_items.",
                    "line_items");
        }
        if (params.get("success_url") == null) {
            return error(400, "invalid_request_error", "parameter_missing", "Missing required param: success_url.",
                    "success_url");
        }
        long quantity;
        try {
            quantity = Long.parseLong(params.getOrDefault("line_items[0][quantity]", "1"));
        } catch (NumberFormatException e) {
            return error(400, "invalid_request_error", "parameter_invalid_integer", "Invalid integer: quantity",
                    "line_items[0][quantity]");
        }
        List<String> methodTypes = new ArrayList<>();
        for (int i = 0; params.containsKey("payment_method_types[" + i + "]"); i++) {
            methodTypes.add(params.get("payment_method_types[" + i + "]"));
        }
        for (String type : methodTypes) {
            if (!PAYMENT_METHOD_TYPES.contains(type)) {
                return error(400, "invalid_request_error", "parameter_invalid_string",
                        "Invalid payment_method_types[0]: must be one of " + PAYMENT_METHOD_TYPES, "payment_method_types");
            }
            if (mode.equals("subscription") && !type.equals("card")) {
                return error(400, "invalid_request_error", null, "The payment method type `" + type
                        + "` cannot be used in `subscription` mode.", "payment_method_types");
            }
        }
        if (methodTypes.contains("wechat_pay") && params.get("payment_method_options[wechat_pay][client]") == null) {
            return error(400, "invalid_request_error", "parameter_missing",
                    "Missing required param: payment_method_options[wechat_pay][client].",
                    "payment_method_options[wechat_pay][client]");
        }
        long now = Instant.now().getEpochSecond();
        long expiresAt = now + 24 * 3600;
        String expiresParam = params.get("expires_at");
        if (expiresParam != null) {
            try {
                expiresAt = Long.parseLong(expiresParam);
            } catch (NumberFormatException e) {
                return error(400, "invalid_request_error", "parameter_invalid_integer", "Invalid integer: " + expiresParam,
                        "expires_at");
            }
            if (expiresAt > now + 24 * 3600) {
                return error(400, "invalid_request_error", null,
                        "The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.",
                        "expires_at");
            }
        }
        String id = "cs_test_" + StripeWebhooks.id("").substring(0, 24) + StripeWebhooks.id("").substring(0, 24);
        ObjectNode session = StripeFixtures.object("checkout.session");
        session.put("id", id);
        session.put("object", "checkout.session");
        session.put("url", CHECKOUT_URL + id);
        session.put("mode", mode);
        putOrNull(session, "client_reference_id", params.get("client_reference_id"));
        ObjectNode metadata = session.putObject("metadata");
        bracketMap(params, "metadata").forEach(metadata::put);
        session.put("success_url", params.get("success_url"));
        putOrNull(session, "cancel_url", params.get("cancel_url"));
        putOrNull(session, "customer", params.get("customer"));
        putOrNull(session, "customer_email", params.get("customer_email"));
        session.put("status", "open");
        session.put("payment_status", "unpaid");
        session.putNull("payment_intent");
        session.putNull("subscription");
        session.putNull("invoice");
        session.put("livemode", false);
        session.put("created", now);
        session.put("expires_at", expiresAt);
        Price price = prices.get(priceId);
        String currency = params.get("currency");
        if (price != null && price.amountIn(currency) == null) {
            return error(400, "invalid_request_error", "parameter_invalid_string", "The price " + priceId
                    + " has no currency option for " + currency + ".", "currency");
        }
        if (price != null) {
            long unit = price.amountIn(currency);
            session.put("amount_subtotal", unit * quantity);
            session.put("amount_total", unit * quantity);
            session.put("currency", currency == null ? price.currency() : currency);
        } else {
            session.putNull("amount_subtotal");
            session.putNull("amount_total");
            session.putNull("currency");
        }
        ArrayNode types = session.putArray("payment_method_types");
        (methodTypes.isEmpty() ? List.of("card") : methodTypes).forEach(types::add);
        ObjectNode totals = session.putObject("total_details");
        totals.put("amount_discount", 0).put("amount_shipping", 0).put("amount_tax", 0);
        sessions.put(id, session);
        sessionParams.put(id, Map.copyOf(params));
        sessionsCreated++;
        return new Response(200, session);
    }

    private Response customer(String id) {
        if (!customers.contains(id)) {
            return missing("customer", id);
        }
        ObjectNode customer = StripeFixtures.object("customer");
        customer.put("id", id);
        customer.put("object", "customer");
        customer.put("livemode", false);
        ObjectNode settings = customer.has("invoice_settings") && customer.get("invoice_settings").isObject()
                ? (ObjectNode) customer.get("invoice_settings") : customer.putObject("invoice_settings");
        putOrNull(settings, "default_payment_method", defaultPaymentMethods.get(id));
        return new Response(200, customer);
    }

    /**
     * Stripe's PaymentIntent create with {@code confirm=true}: amount, currency, customer and payment_method are
     * checked as Stripe does (a card of another customer is a 400); a declined card is a 402 {@code card_error}
     * carrying the payment intent (status requires_payment_method) and a payment_intent.payment_failed event; a
     * good card is status succeeded with a charge and a payment_intent.succeeded event.
     */
    private Response createPaymentIntent(Map<String, String> params) {
        long amount;
        try {
            amount = Long.parseLong(params.getOrDefault("amount", ""));
        } catch (NumberFormatException e) {
            return error(400, "invalid_request_error", "parameter_missing", "Missing required param: amount.", "amount");
        }
        if (amount < 50) {
            return error(400, "invalid_request_error", "amount_too_small",
                    "Amount must be at least $0.50 usd", "amount");
        }
        String currency = params.get("currency");
        if (currency == null) {
            return error(400, "invalid_request_error", "parameter_missing", "Missing required param: currency.",
                    "currency");
        }
        String customer = params.get("customer");
        if (customer != null && !customers.contains(customer)) {
            return error(400, "invalid_request_error", "resource_missing", "No such customer: '" + customer + "'",
                    "customer");
        }
        String paymentMethod = params.get("payment_method");
        boolean confirm = "true".equals(params.get("confirm"));
        boolean offSession = "true".equals(params.get("off_session"));
        if (offSession && !confirm) {
            return error(400, "invalid_request_error", null,
                    "off_session can only be passed when confirm=true.", "off_session");
        }
        if (paymentMethod != null) {
            ObjectNode pm = paymentMethods.get(paymentMethod);
            if (pm == null) {
                return error(400, "invalid_request_error", "resource_missing",
                        "No such PaymentMethod: '" + paymentMethod + "'", "payment_method");
            }
            if (customer == null || !customer.equals(pm.path("customer").asText())) {
                return error(400, "invalid_request_error", null, "The provided PaymentMethod was previously used with"
                        + " a PaymentIntent without Customer attachment ...", "payment_method");
            }
        }
        long now = Instant.now().getEpochSecond();
        ObjectNode intent = StripeFixtures.object("payment_intent");
        String id = StripeWebhooks.id("pi_");
        intent.put("id", id);
        intent.put("object", "payment_intent");
        intent.put("amount", amount);
        intent.put("amount_capturable", 0);
        intent.put("currency", currency);
        putOrNull(intent, "customer", customer);
        putOrNull(intent, "payment_method", paymentMethod);
        intent.put("confirmation_method", "automatic");
        intent.put("capture_method", "automatic");
        intent.put("created", now);
        intent.put("livemode", false);
        intent.putNull("last_payment_error");
        intent.putNull("next_action");
        ObjectNode metadata = intent.putObject("metadata");
        bracketMap(params, "metadata").forEach(metadata::put);
        intent.putNull("latest_charge");
        if (!confirm || paymentMethod == null) {
            intent.put("status", paymentMethod == null ? "requires_payment_method" : "requires_confirmation");
            intent.put("amount_received", 0);
            paymentIntents.put(id, intent);
            return new Response(200, intent);
        }
        String declineCode = declined.get(paymentMethod);
        if (declineCode != null) {
            boolean authentication = declineCode.equals("authentication_required");
            String code = authentication ? "authentication_required" : "card_declined";
            String message = authentication
                    ? "Your card was declined. This transaction requires authentication."
                    : "Your card was declined.";
            String chargeId = StripeWebhooks.id("ch_");
            intent.put("status", "requires_payment_method");
            intent.put("amount_received", 0);
            intent.put("latest_charge", chargeId);
            ObjectNode lastError = intent.putObject("last_payment_error");
            lastError.put("type", "card_error");
            lastError.put("code", code);
            lastError.put("decline_code", declineCode);
            lastError.put("charge", chargeId);
            lastError.put("message", message);
            lastError.set("payment_method", paymentMethods.get(paymentMethod).deepCopy());
            paymentIntents.put(id, intent);
            paymentIntentEvents.add(StripeWebhooks.event("payment_intent.payment_failed", intent.deepCopy()));
            ObjectNode body = StripeFixtures.MAPPER.createObjectNode();
            ObjectNode error = body.putObject("error");
            error.put("type", "card_error");
            error.put("code", code);
            error.put("decline_code", declineCode);
            error.put("charge", chargeId);
            error.put("doc_url", "https://stripe.com/docs/error-codes/" + code.replace('_', '-'));
            error.put("message", message);
            error.set("payment_intent", intent.deepCopy());
            error.set("payment_method", paymentMethods.get(paymentMethod).deepCopy());
            error.put("request_log_url", "https://dashboard.stripe.com/test/logs");
            return new Response(402, body);
        }
        intent.put("status", "succeeded");
        intent.put("amount_received", amount);
        intent.put("latest_charge", StripeWebhooks.id("ch_"));
        paymentIntents.put(id, intent);
        paymentIntentEvents.add(StripeWebhooks.event("payment_intent.succeeded", intent.deepCopy()));
        return new Response(200, intent);
    }

    private Response updateSubscription(ObjectNode subscription, Map<String, String> params) {
        if ("canceled".equals(subscription.path("status").asText())) {
            return error(400, "invalid_request_error", "resource_missing",
                    "A canceled subscription can only update its cancellation_details and metadata.", null);
        }
        String cancelAtPeriodEnd = params.get("cancel_at_period_end");
        if (cancelAtPeriodEnd != null) {
            subscription.put("cancel_at_period_end", Boolean.parseBoolean(cancelAtPeriodEnd));
            if (Boolean.parseBoolean(cancelAtPeriodEnd)) {
                subscription.put("canceled_at", Instant.now().getEpochSecond());
            } else {
                subscription.putNull("canceled_at");
            }
        }
        ObjectNode metadata = subscription.withObjectProperty("metadata");
        bracketMap(params, "metadata").forEach(metadata::put);
        String newPrice = params.get("items[0][price]");
        if (newPrice != null) {
            return changePrice(subscription, params.get("items[0][id]"), newPrice, params.get("proration_behavior"));
        }
        return new Response(200, subscription);
    }

    /**
     * A plan change: the item takes the new price now and the period stays. With proration_behavior
     * always_invoice, Stripe invoices the prorated difference at once (billing_reason subscription_update,
     * lines marked proration); here the difference for the whole remaining period, paid at once.
     */
    private Response changePrice(ObjectNode subscription, String itemId, String newPrice, String proration) {
        ObjectNode item = (ObjectNode) subscription.path("items").path("data").path(0);
        if (itemId == null || !itemId.equals(item.path("id").asText())) {
            return error(400, "invalid_request_error", "resource_missing",
                    "No such subscription item: '" + itemId + "'", "items[0][id]");
        }
        if (proration != null && !List.of("none", "always_invoice", "create_prorations").contains(proration)) {
            return error(400, "invalid_request_error", "parameter_invalid_string",
                    "Invalid proration_behavior: " + proration, "proration_behavior");
        }
        String oldPrice = item.path("price").path("id").asText(null);
        setItemPrice(subscription, newPrice);
        if ("always_invoice".equals(proration)) {
            Price from = oldPrice == null ? null : prices.get(oldPrice);
            Price to = prices.get(newPrice);
            long difference = Math.max(0, (to == null ? 0 : to.unitAmount()) - (from == null ? 0 : from.unitAmount()));
            String invoiceId = StripeWebhooks.id("in_");
            ObjectNode invoice = StripeWebhooks.invoiceObject(invoiceId, subscription.path("id").asText(),
                    subscription.path("customer").asText(), StripeWebhooks.id("pi_"), difference,
                    to == null ? "usd" : to.currency(), item.path("current_period_end").asLong(), metadataOf(subscription));
            invoice.put("billing_reason", "subscription_update");
            StripeWebhooks.linePrice(invoice, newPrice, false);
            ((ObjectNode) invoice.path("lines").path("data").path(0)).put("proration", true);
            subscription.put("latest_invoice", invoiceId);
            invoices.put(invoiceId, invoice);
        }
        return new Response(200, subscription);
    }

    private Response cancelSubscription(ObjectNode subscription) {
        if ("canceled".equals(subscription.path("status").asText())) {
            return missing("subscription", subscription.path("id").asText());
        }
        long now = Instant.now().getEpochSecond();
        subscription.put("status", "canceled");
        subscription.put("canceled_at", now);
        subscription.put("ended_at", now);
        return new Response(200, subscription);
    }

    private Response createPortalSession(Map<String, String> params) {
        String customer = params.get("customer");
        if (customer == null) {
            return error(400, "invalid_request_error", "parameter_missing", "Missing required param: customer.",
                    "customer");
        }
        if (!customer.startsWith("cus_")) {
            return error(400, "invalid_request_error", "resource_missing", "No such customer: '" + customer + "'",
                    "customer");
        }
        ObjectNode portal = StripeFixtures.object("billing_portal.session");
        String id = StripeWebhooks.id("bps_");
        portal.put("id", id);
        portal.put("object", "billing_portal.session");
        portal.put("customer", customer);
        putOrNull(portal, "return_url", params.get("return_url"));
        portal.put("url", PORTAL_URL + id);
        portal.put("livemode", false);
        portal.put("created", Instant.now().getEpochSecond());
        portal.putNull("flow");
        return new Response(200, portal);
    }

    // --- helpers ------------------------------------------------------------------------------------

    /** Like Stripe: newest first (by created), {@code limit} 1-100 (default 10), an unknown customer is a 404. */
    private Response listInvoices(Map<String, String> params) {
        String customer = params.get("customer");
        if (customer != null && !customers.contains(customer)) {
            return error(404, "invalid_request_error", "resource_missing", "No such customer: '" + customer + "'",
                    "customer");
        }
        Integer limit = limit(params);
        if (limit == null) {
            return error(400, "invalid_request_error", "parameter_invalid_integer",
                    "Invalid integer: " + params.get("limit"), "limit");
        }
        List<ObjectNode> matching = new ArrayList<>();
        invoices.values().forEach(i -> {
            if (customer == null || customer.equals(i.path("customer").asText())) {
                matching.add(0, i); // newest insertion first among equal created
            }
        });
        matching.sort((a, b) -> Long.compare(b.path("created").asLong(), a.path("created").asLong()));
        return new Response(200, list("/v1/invoices", matching, limit));
    }

    private Response listPaymentMethods(String customer, Map<String, String> params) {
        if (!customers.contains(customer)) {
            return missing("customer", customer);
        }
        Integer limit = limit(params);
        if (limit == null) {
            return error(400, "invalid_request_error", "parameter_invalid_integer",
                    "Invalid integer: " + params.get("limit"), "limit");
        }
        String type = params.get("type");
        List<ObjectNode> matching = new ArrayList<>();
        paymentMethods.values().forEach(m -> {
            if (customer.equals(m.path("customer").asText()) && (type == null || type.equals(m.path("type").asText()))) {
                matching.add(0, m);
            }
        });
        return new Response(200, list("/v1/customers/" + customer + "/payment_methods", matching, limit));
    }

    private static Integer limit(Map<String, String> params) {
        String raw = params.get("limit");
        if (raw == null) {
            return 10;
        }
        try {
            int limit = Integer.parseInt(raw);
            return limit >= 1 && limit <= 100 ? limit : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Stripe's list object. */
    private static ObjectNode list(String url, List<ObjectNode> items, int limit) {
        ObjectNode body = StripeFixtures.MAPPER.createObjectNode();
        body.put("object", "list");
        body.put("url", url);
        body.put("has_more", items.size() > limit);
        var data = body.putArray("data");
        items.stream().limit(limit).forEach(item -> data.add(item.deepCopy()));
        return body;
    }

    private static Response missing(String object, String id) {
        return error(404, "invalid_request_error", "resource_missing", "No such " + object + ": '" + id + "'", "id");
    }

    private static Response outageError(int status) {
        if (status == 401) {
            return error(401, "invalid_request_error", null, "Invalid API Key provided.", null);
        }
        if (status == 429) {
            return error(429, "invalid_request_error", "rate_limit",
                    "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.",
                    null);
        }
        if (status >= 500) {
            return error(status, "api_error", null, "Something went wrong on Stripe's end.", null);
        }
        return error(status, "invalid_request_error", null, "The fake Stripe API refuses every request.", null);
    }

    private static Response error(int status, String type, String code, String message, String param) {
        ObjectNode body = StripeFixtures.MAPPER.createObjectNode();
        ObjectNode error = body.putObject("error");
        error.put("type", type);
        if (code != null) {
            error.put("code", code);
            error.put("doc_url", "https://stripe.com/docs/error-codes/" + code.replace('_', '-'));
        }
        error.put("message", message);
        if (param != null) {
            error.put("param", param);
        }
        error.put("request_log_url", "https://dashboard.stripe.com/test/logs");
        return new Response(status, body);
    }

    private static void putOrNull(ObjectNode node, String field, String value) {
        if (value == null) {
            node.putNull(field);
        } else {
            node.put(field, value);
        }
    }

    /** {@code prefix[key]=value} entries as key -> value (metadata[orderId], subscription_data[metadata][userId]). */
    static Map<String, String> bracketMap(Map<String, String> params, String prefix) {
        Map<String, String> map = new LinkedHashMap<>();
        String start = prefix + "[";
        params.forEach((key, value) -> {
            if (key.startsWith(start) && key.endsWith("]") && key.indexOf('[', start.length()) < 0) {
                map.put(key.substring(start.length(), key.length() - 1), value);
            }
        });
        return map;
    }

    static Map<String, String> parseForm(String form) {
        Map<String, String> params = new LinkedHashMap<>();
        if (form == null || form.isEmpty()) {
            return params;
        }
        for (String pair : form.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.put(key, value);
        }
        return params;
    }
}
