package dev.prepaid.domain.payment;

/** A provider-hosted checkout created for an order: where to send the user. */
public record CheckoutSession(String checkoutId, String url) {
}
