package io.streamgate.testkit;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;

/**
 * Package cycles between the feature packages of one module, read from its compiled classes
 * with the JDK's {@code jdeps}. A feature package is a direct subpackage of the module's root
 * package ({@code io.streamgate.processors.webhooks}); its subpackages count as part of it, and
 * the root package (the role that wires the features together) is a node of its own.
 */
public final class PackageCycles {
    private static final Pattern EDGE = Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)\\s");

    private PackageCycles() {}

    /**
     * @param classes a module's {@code target/classes}
     * @param root the module's root package, e.g. {@code io.streamgate.processors}
     * @return each cycle as its packages, in the order the dependencies run (empty when none)
     */
    public static List<List<String>> find(Path classes, String root) {
        if (!Files.isDirectory(classes)) throw new IllegalStateException(classes + " is not a directory: compile first");
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new IllegalStateException("no jdeps in this JDK"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = jdeps.run(new PrintWriter(out), new PrintWriter(err),
                "-verbose:package", "-e", Pattern.quote(root) + "(\\..*)?", classes.toString());
        if (rc != 0) throw new IllegalStateException("jdeps exited " + rc + ": " + err);
        Map<String, Set<String>> edges = new TreeMap<>();
        for (String line : out.toString().split("\\R")) {
            Matcher m = EDGE.matcher(line);
            if (!m.find()) continue;
            String from = feature(m.group(1), root);
            String to = feature(m.group(2), root);
            if (from == null || to == null || from.equals(to)) continue;
            edges.computeIfAbsent(from, k -> new TreeSet<>()).add(to);
        }
        List<List<String>> cycles = new ArrayList<>();
        Set<String> done = new TreeSet<>();
        for (String start : edges.keySet()) walk(start, edges, new ArrayList<>(), done, cycles);
        return cycles;
    }

    private static void walk(String at, Map<String, Set<String>> edges, List<String> path, Set<String> done, List<List<String>> cycles) {
        int seen = path.indexOf(at);
        if (seen >= 0) {
            List<String> cycle = new ArrayList<>(path.subList(seen, path.size()));
            cycle.add(at);
            cycles.add(cycle);
            return;
        }
        if (done.contains(at)) return;
        path.add(at);
        for (String next : edges.getOrDefault(at, Set.of())) walk(next, edges, path, done, cycles);
        path.remove(path.size() - 1);
        done.add(at);
    }

    private static String feature(String pkg, String root) {
        if (pkg.equals(root)) return root;
        if (!pkg.startsWith(root + ".")) return null;
        int end = pkg.indexOf('.', root.length() + 1);
        return end < 0 ? pkg : pkg.substring(0, end);
    }
}
