package io.streamgate.platform.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Typed access to the environment (12-factor). Every getter records what is wrong instead
 * of throwing, so one start reports every problem at once; call {@link #validate()} after
 * all configuration holders have read what they need.
 */
public final class Env {
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private volatile Map<String, String> values;
    private final List<String> problems = new ArrayList<>();

    public Env(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    public static Env system() {
        return new Env(System.getenv());
    }

    public Map<String, String> values() {
        return values;
    }

    public Optional<String> optional(String name) {
        String v = values.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    /**
     * Like {@link #optional}, and removes the value from this Env: for a credential that only
     * its reader may hold (the owner's DATABASE_URL, dropped once migrations have run), since
     * every component can read this Env for as long as the process lives.
     */
    public synchronized Optional<String> take(String name) {
        Optional<String> value = optional(name);
        if (values.containsKey(name)) {
            Map<String, String> rest = new HashMap<>(values);
            rest.remove(name);
            values = Map.copyOf(rest);
        }
        return value;
    }

    public String string(String name, String defaultValue) {
        return optional(name).orElse(defaultValue);
    }

    /** A value that must be set; records a problem and returns null when it is not. */
    public String required(String name, String why) {
        return optional(name).orElseGet(() -> {
            problem(name + " is required " + why);
            return null;
        });
    }

    public int integer(String name, int defaultValue, int min, int max) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) return defaultValue;
        try {
            int v = Integer.parseInt(raw.get());
            if (v < min || v > max) {
                problem(name + " must be between " + min + " and " + max + ", got " + v);
                return defaultValue;
            }
            return v;
        } catch (NumberFormatException e) {
            problem(name + " must be a whole number, got '" + raw.get() + "'");
            return defaultValue;
        }
    }

    public boolean bool(String name, boolean defaultValue) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) return defaultValue;
        return switch (raw.get().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> {
                problem(name + " must be true or false, got '" + raw.get() + "'");
                yield defaultValue;
            }
        };
    }

    /**
     * A duration written as {@code 250ms}, {@code 10s}, {@code 5m}, {@code 2h}, {@code 7d}
     * or ISO-8601 ({@code PT10S}); must be strictly positive unless {@code allowZero}.
     */
    public Duration duration(String name, Duration defaultValue, boolean allowZero) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) return defaultValue;
        Duration d = parseDuration(raw.get());
        if (d == null) {
            problem(name + " must be a duration such as 250ms, 10s, 5m, 2h, 7d or PT10S, got '" + raw.get() + "'");
            return defaultValue;
        }
        if (d.isNegative() || (!allowZero && d.isZero())) {
            problem(name + " must be " + (allowZero ? "zero or positive" : "positive") + ", got '" + raw.get() + "'");
            return defaultValue;
        }
        return d;
    }

    /** A comma separated list; blanks dropped. */
    public List<String> list(String name) {
        return optional(name)
                .map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
                .orElse(List.of());
    }

    public void problem(String message) {
        problems.add(message);
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** Throws one exception listing every problem recorded so far. */
    public void validate() {
        if (!problems.isEmpty()) throw new ConfigException(problems);
    }

    static Duration parseDuration(String raw) {
        String s = raw.trim();
        if (s.equals("0")) return Duration.ZERO; // "0 = off" settings read naturally without a unit
        Matcher m = SHORT_DURATION.matcher(s);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        if (s.startsWith("-")) {
            Duration positive = parseDuration(s.substring(1));
            return positive == null ? null : positive.negated();
        }
        try {
            return Duration.parse(s);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
