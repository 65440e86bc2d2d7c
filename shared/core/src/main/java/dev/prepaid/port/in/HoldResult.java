package dev.prepaid.port.in;

import dev.prepaid.domain.Balance;
import dev.prepaid.domain.Hold;
import dev.prepaid.domain.LedgerEntry;

/**
 * A hold after a create, capture or release.
 *
 * @param balance the user's balance right after this call's write when it wrote one (null on a replay, and on
 *                release or expiry, which do not read the balance)
 * @param capture the usage entry a capture posted (null unless the hold is captured)
 */
public record HoldResult(Hold hold, Balance balance, LedgerEntry capture, boolean replayed) {
}
