package dev.prepaid.adapter.out.webhooks;

import java.net.URI;

/** Where the app's events may go: https only; plain http to loopback only where the stack allows it (local runs). */
public final class EndpointUrls {
    private EndpointUrls() {
    }

    public static boolean deliverable(URI uri, boolean allowHttpLoopback) {
        if (uri.getHost() == null || uri.getUserInfo() != null || uri.getFragment() != null) {
            return false;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (scheme.equals("https")) {
            return true;
        }
        return allowHttpLoopback && scheme.equals("http")
                && (uri.getHost().equals("127.0.0.1") || uri.getHost().equals("localhost"));
    }
}
