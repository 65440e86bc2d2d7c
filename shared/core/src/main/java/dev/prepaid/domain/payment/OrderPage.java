package dev.prepaid.domain.payment;

import java.util.List;
import java.util.Optional;

/** A page of one user's orders, newest first, and the opaque cursor of the next page if there is one. */
public record OrderPage(List<Order> items, Optional<String> nextCursor) {
    public OrderPage {
        items = List.copyOf(items);
    }
}
