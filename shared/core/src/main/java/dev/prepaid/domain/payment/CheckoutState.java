package dev.prepaid.domain.payment;

/**
 * A checkout as the provider reports it on a server-side fetch. When {@code status} is PAID,
 * {@code paid} is the event fulfilment applies (the same operation the webhook triggers).
 */
public record CheckoutState(String checkoutId, Status status, PaymentEvent.CheckoutPaid paid) {
    public enum Status { OPEN, PAID, PROCESSING, EXPIRED, FAILED }
}
