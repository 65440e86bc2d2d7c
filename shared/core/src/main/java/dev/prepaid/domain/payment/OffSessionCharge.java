package dev.prepaid.domain.payment;

/**
 * What the provider answered to an off-session charge of a saved card. {@code paymentRef} is the provider's
 * payment (Stripe: the PaymentIntent id); it may be null when the provider refused before creating one.
 */
public sealed interface OffSessionCharge {
    String paymentRef();

    /** Paid ({@code succeeded}) or on its way ({@code processing}): credits follow with the provider's webhook. */
    record Accepted(String paymentRef, String status) implements OffSessionCharge {
    }

    /**
     * Refused: {@code code} is the provider's ({@code card_declined}, {@code authentication_required},
     * {@code expired_card}, ...), {@code declineCode} the issuer's reason when given.
     */
    record Refused(String paymentRef, String code, String declineCode, String message) implements OffSessionCharge {
    }
}
