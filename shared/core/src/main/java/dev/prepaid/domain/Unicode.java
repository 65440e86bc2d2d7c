package dev.prepaid.domain;

/** Unicode checks shared by the identifier value types. */
public final class Unicode {
    private Unicode() {
    }

    /** A high surrogate not followed by a low one, or a low one not preceded by a high one: not valid Unicode. */
    public static boolean hasUnpairedSurrogate(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) {
                    return true;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }
}
