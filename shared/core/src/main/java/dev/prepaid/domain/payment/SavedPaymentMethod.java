package dev.prepaid.domain.payment;

import java.util.Objects;

/**
 * A payment method saved on the user's customer at the provider: only what a "your cards" page shows
 * (brand, last four digits, expiry), never anything that could pay.
 *
 * @param type     the provider's payment method type ({@code card}, ...)
 * @param brand    the card brand ({@code visa}, ...), null for other types
 * @param last4    the last four digits, null for other types
 * @param expMonth 1-12, null for other types
 * @param expYear  four digits, null for other types
 */
public record SavedPaymentMethod(String id, String type, String brand, String last4, Integer expMonth, Integer expYear) {
    public SavedPaymentMethod {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
    }
}
