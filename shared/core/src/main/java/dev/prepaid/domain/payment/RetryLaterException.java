package dev.prepaid.domain.payment;

import dev.prepaid.domain.DomainException;

/**
 * An event whose precondition does not hold yet (a refund before the purchase it refunds, a renewal
 * before its subscription is known). The queue delivers it again; it is never dropped.
 */
public class RetryLaterException extends DomainException {
    public RetryLaterException(String message) {
        super("retry_later", message);
    }
}
