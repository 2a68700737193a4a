package io.streamgate.processors.subscriptions;

import java.util.List;

/**
 * The order of events that share one {@code created} second (Stripe timestamps have one-second
 * resolution, and one action often emits several events in the same second). Within a second
 * they apply in this order, then by event id; the last one applied wins. The order follows a
 * subscription's life: the checkout that links it, its creation, payments, then changes, and
 * the end last, so that "paid and updated in the same second" ends in the updated state and a
 * deletion is never undone by a same-second update.
 */
public final class Precedence {
    private Precedence() {}

    static final List<String> ORDER = List.of(
            "checkout.session.completed",
            "customer.subscription.created",
            "invoice.payment_action_required",
            "invoice.payment_failed",
            "invoice.paid",
            "customer.subscription.trial_will_end",
            "customer.subscription.updated",
            "customer.subscription.resumed",
            "customer.subscription.paused",
            "customer.subscription.deleted");

    /** 0 for the first in {@link #ORDER}; unknown types last. */
    public static int rank(String type) {
        int i = ORDER.indexOf(type);
        return i < 0 ? ORDER.size() : i;
    }

    public static boolean isSubscriptionEvent(String type) {
        return ORDER.contains(type);
    }
}
