package dev.prepaid.domain.payment;

/**
 * A refund, dispute or failed refund names a payment prepaid never credited (or a claw-back it never took).
 * Either its purchase has not been fulfilled yet (a refund may overtake the purchase's own event), or it is
 * not ours at all: a charge of another product on a shared Stripe account. The consumer retries it a bounded
 * number of times (see FulfilmentHandler) and then acknowledges it as foreign, so it never fills the DLQ.
 */
public final class PaymentNotCreditedException extends RetryLaterException {
    public PaymentNotCreditedException(String message) {
        super(message);
    }
}
