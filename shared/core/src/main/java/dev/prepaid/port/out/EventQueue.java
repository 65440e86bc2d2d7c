package dev.prepaid.port.out;

import dev.prepaid.domain.payment.PaymentEvent;

/** The fulfilment queue: webhooks are acknowledged once their events are here. */
public interface EventQueue {

    /** Durably enqueues; throws when the queue did not accept it (the webhook then answers 5xx). */
    void enqueue(PaymentEvent event);
}
