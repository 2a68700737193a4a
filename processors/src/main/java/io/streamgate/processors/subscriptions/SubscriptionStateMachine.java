package io.streamgate.processors.subscriptions;

import io.streamgate.schemas.webhooks.SubscriptionEvent;
import io.streamgate.schemas.webhooks.SubscriptionState;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;
import java.util.Set;

/**
 * Applies one subscription event to the current state: a pure function, so the topology, the
 * tests' ground truth and the docs all mean the same thing.
 *
 * <ul>
 *   <li>An event is applied only when its version (created, {@link Precedence}, event id) is
 *       higher than the applied one; otherwise it is stale and changes nothing.
 *   <li>{@code checkout.session.completed} only links the user (client_reference_id) and
 *       customer; it is applied whenever it arrives, because the link does not depend on order.
 *   <li>{@code access_until} = current period end + renewal grace while the subscription is
 *       active, trialing, past_due or unpaid (a late renewal or a failed payment never cuts a
 *       paying user off before the grace ends); the end the event gives for canceled ones; the
 *       pause time for paused ones; none for incomplete or pending.
 * </ul>
 */
public final class SubscriptionStateMachine {
    public static final String PENDING = "pending";
    private static final Set<String> STATUSES = Set.of("incomplete", "incomplete_expired", "trialing", "active",
            "past_due", "unpaid", "canceled", "paused");
    private static final Set<String> GRACED = Set.of("active", "trialing", "past_due", "unpaid");

    private SubscriptionStateMachine() {}

    public enum Outcome { ACCEPTED, STALE, REJECTED }

    /** @param state the new state (ACCEPTED only) @param reason why (STALE, REJECTED) */
    public record Result(Outcome outcome, SubscriptionState state, String reason) {
        static Result stale(String reason) {
            return new Result(Outcome.STALE, null, reason);
        }

        static Result rejected(String reason) {
            return new Result(Outcome.REJECTED, null, reason);
        }
    }

    /** Version order of applied events. */
    public static final Comparator<SubscriptionEvent> ORDER = Comparator
            .comparing(SubscriptionEvent::created)
            .thenComparingInt(e -> Precedence.rank(e.eventType()))
            .thenComparing(SubscriptionEvent::eventId);

    static int compareToApplied(SubscriptionEvent e, SubscriptionState s) {
        int c = e.created().compareTo(s.lastEventCreated());
        if (c != 0) return c;
        c = Integer.compare(Precedence.rank(e.eventType()), Precedence.rank(s.lastEventType()));
        if (c != 0) return c;
        return e.eventId().compareTo(s.lastEventId());
    }

    public static Result apply(SubscriptionState current, SubscriptionEvent e, Duration renewalGrace, Instant now) {
        if (current != null && current.customerId() != null && e.customerId() != null && !current.customerId().equals(e.customerId())) {
            return Result.rejected("event names customer " + e.customerId() + " but the subscription belongs to " + current.customerId());
        }
        if (e.eventType().equals("checkout.session.completed")) return link(current, e, now);
        // A pending state holds only the checkout link, which orders nothing.
        if (current != null && !PENDING.equals(current.status()) && compareToApplied(e, current) <= 0) {
            return Result.stale("older than the applied event " + current.lastEventId() + " (" + current.lastEventCreated() + ")");
        }
        String status = current == null ? PENDING : current.status();
        Instant periodEnd = current == null ? null : current.currentPeriodEnd();
        Instant endedAt = null;
        switch (e.eventType()) {
            case "invoice.paid" -> {
                status = "active";
                if (e.currentPeriodEnd() != null && (periodEnd == null || e.currentPeriodEnd().isAfter(periodEnd))) periodEnd = e.currentPeriodEnd();
            }
            case "invoice.payment_failed", "invoice.payment_action_required" -> status = "past_due";
            case "customer.subscription.deleted" -> {
                status = "canceled";
                endedAt = e.endedAt() != null ? e.endedAt() : e.created();
                if (e.currentPeriodEnd() != null) periodEnd = e.currentPeriodEnd();
            }
            default -> {
                if (e.status() == null || !STATUSES.contains(e.status())) {
                    return Result.rejected("subscription status '" + e.status() + "' is not one Stripe documents");
                }
                status = e.status();
                if (e.currentPeriodEnd() != null) periodEnd = e.currentPeriodEnd();
                if (status.equals("canceled") || status.equals("incomplete_expired")) endedAt = e.endedAt() != null ? e.endedAt() : e.created();
                if (status.equals("paused")) endedAt = e.created();
            }
        }
        Instant accessUntil;
        if (GRACED.contains(status)) accessUntil = periodEnd == null ? null : periodEnd.plus(renewalGrace);
        else if (endedAt != null) accessUntil = endedAt;
        else accessUntil = null;
        return new Result(Outcome.ACCEPTED, new SubscriptionState(e.subscriptionId(),
                first(current == null ? null : current.customerId(), e.customerId()),
                current == null ? null : current.userId(),
                status, periodEnd, accessUntil, e.eventId(), e.eventType(), e.created(), now), null);
    }

    private static Result link(SubscriptionState current, SubscriptionEvent e, Instant now) {
        if (e.userId() == null) return Result.rejected("checkout session has no client_reference_id");
        if (current == null) {
            return new Result(Outcome.ACCEPTED, new SubscriptionState(e.subscriptionId(), e.customerId(), e.userId(), PENDING,
                    null, null, e.eventId(), e.eventType(), e.created(), now), null);
        }
        if (current.userId() != null && !current.userId().equals(e.userId())) {
            return Result.rejected("subscription is already linked to another user");
        }
        if (Objects.equals(current.userId(), e.userId()) && Objects.equals(first(current.customerId(), e.customerId()), current.customerId())) {
            return Result.stale("subscription already linked to this user");
        }
        // The link keeps the applied version: it is not a newer state, only who owns it.
        return new Result(Outcome.ACCEPTED, new SubscriptionState(current.subscriptionId(), first(current.customerId(), e.customerId()),
                e.userId(), current.status(), current.currentPeriodEnd(), current.accessUntil(), current.lastEventId(),
                current.lastEventType(), current.lastEventCreated(), now), null);
    }

    private static String first(String a, String b) {
        return a != null ? a : b;
    }
}
