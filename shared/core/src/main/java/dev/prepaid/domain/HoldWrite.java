package dev.prepaid.domain;

/**
 * A hold as a write left it: the hold, the user's balance right after (null on a replay: the hold was
 * written earlier and the balance moved since), and whether this was a replay of an earlier write.
 */
public record HoldWrite(Hold hold, Balance after, boolean replayed) {
}
