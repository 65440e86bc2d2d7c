package dev.prepaid.domain.payment;

import java.time.Instant;
import java.util.Objects;

/**
 * One invoice of the user's customer at the provider, as the provider reports it (read only: prepaid
 * never bills from invoices it lists; credits move on the provider's signed events).
 *
 * @param number    the provider's invoice number, null for a draft
 * @param status    the provider's word: draft, open, paid, uncollectible, void
 * @param hostedUrl where the customer can see and pay it, null while a draft
 * @param pdfUrl    its PDF, null while a draft
 */
public record Invoice(String id, String number, String status, Money amountDue, Money amountPaid, Instant created,
                      String hostedUrl, String pdfUrl) {
    public Invoice {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(amountDue, "amountDue");
        Objects.requireNonNull(amountPaid, "amountPaid");
        Objects.requireNonNull(created, "created");
    }
}
