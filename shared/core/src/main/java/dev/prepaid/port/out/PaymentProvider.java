package dev.prepaid.port.out;

import dev.prepaid.domain.payment.CheckoutSession;
import dev.prepaid.domain.payment.CheckoutState;
import dev.prepaid.domain.payment.Invoice;
import dev.prepaid.domain.payment.Order;
import dev.prepaid.domain.payment.PaymentEvent;
import dev.prepaid.domain.payment.Product;
import dev.prepaid.domain.payment.SavedPaymentMethod;
import dev.prepaid.domain.payment.Subscription;
import java.util.List;
import java.util.Map;

/**
 * A payment provider (Stripe, Creem, the local mock). Adapters translate; they decide nothing about
 * credits. Failures of the provider itself surface as {@code ProviderUnavailableException}.
 */
public interface PaymentProvider {

    String name();

    /**
     * Whether a buyer may choose {@code method} (card, alipay, wechat_pay, crypto) at this provider's checkout.
     * The checkout of an order that names no method offers what the product lists, as far as the provider can.
     */
    default boolean offersPaymentMethod(String method) {
        return Product.PAYMENT_METHODS.contains(method);
    }

    /**
     * Whether a checkout can charge a product in any of its catalog currencies (Stripe: a price with
     * {@code currency_options}, the session's {@code currency}); false when the provider sells each product in
     * its primary currency only (Creem), so an order in another currency is refused before it is written.
     */
    default boolean multiCurrency() {
        return true;
    }

    /**
     * Creates the hosted checkout for an order. The order id is the provider-side idempotency key, so a
     * retry after a timeout returns the same checkout instead of a second one.
     */
    CheckoutSession createCheckout(Order order, Product product, String successUrl, String cancelUrl);

    /** The checkout as the provider sees it now (server-side: never trust a redirect's query string). */
    CheckoutState fetchCheckout(String checkoutId);

    /**
     * Verifies a webhook on its raw bytes and translates it. Throws {@code InvalidSignatureException} when
     * the signature does not verify; an event type we do not act on becomes {@code PaymentEvent.Ignored}.
     *
     * @param headers request headers, names lower-case
     */
    List<PaymentEvent> parseWebhook(Map<String, String> headers, byte[] rawBody);

    /** Cancels now or at the end of the paid period; returns the subscription as the provider reports it. */
    Subscription cancelSubscription(Subscription subscription, boolean atPeriodEnd);

    /**
     * Moves the subscription to {@code target}'s price at the provider, billed per {@code target.proration()}
     * (Stripe: the subscription item's price with proration_behavior none or always_invoice; Creem: upgrade
     * with proration-none or proration-charge-immediately). Credits are not the provider's business: see PlanChanges.
     */
    void changePlan(Subscription subscription, Product target);

    /** A URL where the customer manages payment methods and invoices. */
    String billingPortalUrl(Subscription subscription, String returnUrl);

    /**
     * The customer's invoices, newest first, at most {@code limit}. The default is for providers whose
     * customers have no invoice list we can read: Creem (its receipts are e-mailed and in its customer
     * portal) and the mock (it never invoices). Both answer an empty list.
     */
    default List<Invoice> invoices(String customerRef, int limit) {
        return List.of();
    }

    /**
     * The customer's saved cards. The default is for providers that keep no reusable payment method we can
     * read (Creem, the mock): an empty list.
     */
    default List<SavedPaymentMethod> savedPaymentMethods(String customerRef) {
        return List.of();
    }

    /**
     * The card the customer's off-session payments are charged to (Stripe: the customer's
     * {@code invoice_settings.default_payment_method}); empty when there is none, or the provider keeps none.
     */
    default java.util.Optional<String> defaultPaymentMethod(String customerRef) {
        return java.util.Optional.empty();
    }

    /**
     * Charges {@code paymentMethod} of {@code customerRef} for {@code order} without the customer present (auto
     * top-up), the order id as the provider-side idempotency key and in the payment's metadata, so the provider's
     * "payment succeeded" webhook comes back as a {@code CheckoutPaid} for the order (checkout id = payment id).
     * A refusal (declined card, authentication required) is an answer, not an exception; the provider being
     * unreachable is {@code ProviderUnavailableException}.
     */
    default dev.prepaid.domain.payment.OffSessionCharge chargeOffSession(Order order, String customerRef,
                                                                         String paymentMethod) {
        throw new UnsupportedOperationException(name() + " cannot charge a saved card off-session");
    }
}
