package io.streamgate.schemas.partial;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * An incremental JSON parser that validates while the document is still arriving, in the
 * spirit of Pydantic's partial validation with trailing strings: {@link #feed} takes the
 * next chunk (any split, even inside an escape), and the parse state (a stack of open
 * containers, the scalar being read) carries over, so feeding a document chunk by chunk
 * touches each character once: O(n) overall.
 *
 * <p>Checked as early as the text allows: JSON grammar, the type of every value at its
 * first character, unknown property names at their first wrong character (closed objects),
 * duplicate keys, maxLength/maxItems while growing; minimum/maximum, minLength, minItems
 * and required properties when the value closes. {@link #snapshot} is the value parsed so
 * far: missing properties absent, an unterminated trailing string kept as far as it
 * arrived, an incomplete number, literal or key left out.
 *
 * <p>Not thread-safe: one parser per stream.
 */
public final class PartialJsonParser {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private enum Expect { VALUE, KEY_OR_END, KEY, COLON, COMMA_OR_END_OBJECT, VALUE_OR_END_ARRAY, COMMA_OR_END_ARRAY, END }
    private enum Scalar { NONE, KEY, STRING, NUMBER, LITERAL }

    /** One open container. */
    private static final class Frame {
        final ObjectNode object;
        final ArrayNode array;
        final PartialSchema schema;
        String key;
        PartialSchema valueSchema;
        List<String> keyCandidates;

        Frame(ObjectNode object, ArrayNode array, PartialSchema schema) {
            this.object = object;
            this.array = array;
            this.schema = schema;
        }
    }

    private final PartialSchema rootSchema;
    private final Deque<Frame> stack = new ArrayDeque<>();
    private JsonNode root;
    private Expect expect = Expect.VALUE;
    private Scalar scalar = Scalar.NONE;
    private PartialSchema scalarSchema;
    private final StringBuilder text = new StringBuilder();
    private int codePoints;
    private int escape; // 0 none, 1 after '\', 2..5 reading \\u hex digits
    private int hex;
    private String literal;
    private long position;
    private String error;

    public PartialJsonParser(PartialSchema schema) {
        this.rootSchema = schema;
    }

    /** Feeds the next chunk; returns false once the document is invalid (see {@link #error()}). */
    public boolean feed(CharSequence chunk) {
        if (error != null) return false;
        int n = chunk.length();
        int i = 0;
        while (i < n && error == null) {
            char c = chunk.charAt(i);
            if (scalar == Scalar.NUMBER && !isNumberChar(c)) {
                endNumber();
                continue; // the terminating character belongs to the enclosing state
            }
            step(c);
            i++;
            position++;
        }
        return error == null;
    }

    /** The first problem found, with its character offset; null while valid. */
    public String error() {
        return error;
    }

    /** True when a complete document was read (trailing whitespace allowed). */
    public boolean complete() {
        if (scalar == Scalar.NUMBER && stack.isEmpty() && error == null) endNumber();
        return error == null && expect == Expect.END;
    }

    /** The complete document, or null when it is not complete or not valid. */
    public JsonNode result() {
        return complete() ? root : null;
    }

    /**
     * A copy of the value parsed so far (null before the first container opened). Costs a
     * copy of the value: call it per rendered frame, not per character.
     */
    public JsonNode snapshot() {
        if (root == null) return null;
        if (scalar != Scalar.STRING || stack.isEmpty()) return root.deepCopy();
        Frame top = stack.peek();
        String trailing = text.toString();
        if (top.object != null) {
            top.object.put(top.key, trailing);
            JsonNode copy = root.deepCopy();
            top.object.remove(top.key);
            return copy;
        }
        top.array.add(trailing);
        JsonNode copy = root.deepCopy();
        top.array.remove(top.array.size() - 1);
        return copy;
    }

    private void step(char c) {
        switch (scalar) {
            case KEY, STRING -> stringChar(c);
            case LITERAL -> literalChar(c);
            case NUMBER -> text.append(c);
            case NONE -> structural(c);
        }
    }

    private void structural(char c) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') return;
        switch (expect) {
            case VALUE -> startValue(c);
            case VALUE_OR_END_ARRAY -> {
                if (c == ']') closeArray();
                else startValue(c);
            }
            case KEY_OR_END -> {
                if (c == '}') closeObject();
                else if (c == '"') startKey();
                else fail("expected a property name or '}'");
            }
            case KEY -> {
                if (c == '"') startKey();
                else fail("expected a property name");
            }
            case COLON -> {
                if (c == ':') expect = Expect.VALUE;
                else fail("expected ':'");
            }
            case COMMA_OR_END_OBJECT -> {
                if (c == ',') expect = Expect.KEY;
                else if (c == '}') closeObject();
                else fail("expected ',' or '}'");
            }
            case COMMA_OR_END_ARRAY -> {
                if (c == ',') expect = Expect.VALUE;
                else if (c == ']') closeArray();
                else fail("expected ',' or ']'");
            }
            case END -> fail("unexpected content after the end of the document");
        }
    }

    /** The schema of the value about to start: the root's, an array's items', or a property's. */
    private PartialSchema schemaOfNextValue() {
        if (stack.isEmpty()) return rootSchema;
        Frame top = stack.peek();
        return top.object != null ? top.valueSchema : top.schema.items;
    }

    private void startValue(char c) {
        PartialSchema schema = schemaOfNextValue();
        if (!stack.isEmpty() && stack.peek().array != null && stack.peek().array.size() >= stack.peek().schema.maxItems) {
            fail(where() + " has more than " + stack.peek().schema.maxItems + " items");
            return;
        }
        switch (c) {
            case '{' -> {
                if (!typeOk(schema, PartialSchema.Kind.OBJECT, "an object")) return;
                ObjectNode node = NODES.objectNode();
                attach(node);
                stack.push(new Frame(node, null, schema));
                expect = Expect.KEY_OR_END;
            }
            case '[' -> {
                if (!typeOk(schema, PartialSchema.Kind.ARRAY, "an array")) return;
                ArrayNode node = NODES.arrayNode();
                attach(node);
                stack.push(new Frame(null, node, schema));
                expect = Expect.VALUE_OR_END_ARRAY;
            }
            case '"' -> {
                if (!typeOk(schema, PartialSchema.Kind.STRING, "a string")) return;
                beginText(Scalar.STRING, schema);
            }
            case 't', 'f', 'n' -> {
                PartialSchema.Kind kind = c == 'n' ? PartialSchema.Kind.NULL : PartialSchema.Kind.BOOLEAN;
                if (!typeOk(schema, kind, c == 'n' ? "null" : "a boolean")) return;
                literal = c == 't' ? "true" : c == 'f' ? "false" : "null";
                beginText(Scalar.LITERAL, schema);
                text.append(c);
            }
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    if (!schema.allowsSomeNumber()) {
                        typeOk(schema, PartialSchema.Kind.NUMBER, "a number");
                        return;
                    }
                    beginText(Scalar.NUMBER, schema);
                    text.append(c);
                } else {
                    fail("unexpected character '" + c + "'");
                }
            }
        }
    }

    private boolean typeOk(PartialSchema schema, PartialSchema.Kind kind, String what) {
        if (schema.allows(kind)) return true;
        fail(where() + " must be " + schema.types.toString().toLowerCase(java.util.Locale.ROOT) + ", not " + what);
        return false;
    }

    private void beginText(Scalar kind, PartialSchema schema) {
        scalar = kind;
        scalarSchema = schema;
        text.setLength(0);
        codePoints = 0;
        escape = 0;
    }

    /** Puts a finished or newly opened value into its parent (or makes it the root). */
    private void attach(JsonNode value) {
        if (stack.isEmpty()) {
            root = value;
            return;
        }
        Frame top = stack.peek();
        if (top.object != null) top.object.set(top.key, value);
        else top.array.add(value);
    }

    /** After a value completes: what the enclosing container expects next. */
    private void valueDone() {
        scalar = Scalar.NONE;
        if (stack.isEmpty()) expect = Expect.END;
        else expect = stack.peek().object != null ? Expect.COMMA_OR_END_OBJECT : Expect.COMMA_OR_END_ARRAY;
    }

    private void closeObject() {
        Frame frame = stack.pop();
        for (String name : frame.schema.required) {
            if (!frame.object.has(name)) {
                stack.push(frame);
                fail(where() + " is missing the required property '" + name + "'");
                return;
            }
        }
        valueDone();
    }

    private void closeArray() {
        Frame frame = stack.pop();
        if (frame.array.size() < frame.schema.minItems) {
            stack.push(frame);
            fail(where() + " needs at least " + frame.schema.minItems + " items");
            return;
        }
        valueDone();
    }

    private void startKey() {
        Frame top = stack.peek();
        top.keyCandidates = top.schema.closed ? new ArrayList<>(top.schema.propertyNames) : null;
        beginText(Scalar.KEY, null);
    }

    private void stringChar(char c) {
        if (escape == 1) {
            char decoded;
            switch (c) {
                case '"' -> decoded = '"';
                case '\\' -> decoded = '\\';
                case '/' -> decoded = '/';
                case 'b' -> decoded = '\b';
                case 'f' -> decoded = '\f';
                case 'n' -> decoded = '\n';
                case 'r' -> decoded = '\r';
                case 't' -> decoded = '\t';
                case 'u' -> {
                    escape = 2;
                    hex = 0;
                    return;
                }
                default -> {
                    fail("invalid escape '\\" + c + "'");
                    return;
                }
            }
            escape = 0;
            appendChar(decoded);
            return;
        }
        if (escape >= 2) {
            int digit = Character.digit(c, 16);
            if (digit < 0) {
                fail("invalid \\u escape");
                return;
            }
            hex = hex * 16 + digit;
            if (++escape == 6) {
                escape = 0;
                appendChar((char) hex);
            }
            return;
        }
        if (c == '\\') {
            escape = 1;
        } else if (c == '"') {
            endText();
        } else if (c < 0x20) {
            fail("control character in a string");
        } else {
            appendChar(c);
        }
    }

    private void appendChar(char c) {
        text.append(c);
        if (!Character.isLowSurrogate(c)) codePoints++;
        if (scalar == Scalar.KEY) {
            Frame top = stack.peek();
            if (top.keyCandidates != null) {
                int at = text.length() - 1;
                top.keyCandidates.removeIf(name -> name.length() <= at || name.charAt(at) != c);
                if (top.keyCandidates.isEmpty()) fail(where() + " does not allow the property '" + text + "…'");
            }
        } else if (codePoints > scalarSchema.maxLength) {
            fail(where() + " is longer than " + scalarSchema.maxLength + " characters");
        }
    }

    private void endText() {
        String value = text.toString();
        if (scalar == Scalar.KEY) {
            Frame top = stack.peek();
            if (top.schema.closed && !top.schema.properties.containsKey(value)) {
                fail(where() + " does not allow the property '" + value + "'");
                return;
            }
            if (top.object.has(value)) {
                fail(where() + " has the property '" + value + "' twice");
                return;
            }
            top.key = value;
            top.valueSchema = top.schema.property(value);
            scalar = Scalar.NONE;
            expect = Expect.COLON;
            return;
        }
        if (codePoints < scalarSchema.minLength) {
            fail(where() + " is shorter than " + scalarSchema.minLength + " characters");
            return;
        }
        attach(NODES.textNode(value));
        valueDone();
    }

    private void literalChar(char c) {
        int at = text.length();
        if (c != literal.charAt(at)) {
            fail("invalid literal, expected " + literal);
            return;
        }
        text.append(c);
        if (text.length() == literal.length()) {
            attach(literal.equals("null") ? NODES.nullNode() : NODES.booleanNode(literal.equals("true")));
            valueDone();
        }
    }

    private static boolean isNumberChar(char c) {
        return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
    }

    private static final java.util.regex.Pattern NUMBER = java.util.regex.Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

    private void endNumber() {
        String raw = text.toString();
        if (!NUMBER.matcher(raw).matches()) {
            fail("invalid number '" + raw + "'");
            return;
        }
        BigDecimal value = new BigDecimal(raw);
        boolean integral = value.signum() == 0 || value.stripTrailingZeros().scale() <= 0;
        if (!scalarSchema.allows(PartialSchema.Kind.NUMBER) && !integral) {
            fail(where() + " must be an integer, not " + raw);
            return;
        }
        if (scalarSchema.minimum != null && value.compareTo(scalarSchema.minimum) < 0) {
            fail(where() + " must be at least " + scalarSchema.minimum.toPlainString() + ", not " + raw);
            return;
        }
        if (scalarSchema.maximum != null && value.compareTo(scalarSchema.maximum) > 0) {
            fail(where() + " must be at most " + scalarSchema.maximum.toPlainString() + ", not " + raw);
            return;
        }
        attach(numberNode(raw, value));
        valueDone();
    }

    /** The node Jackson itself would read for this number (so results compare equal to Jackson's). */
    private static JsonNode numberNode(String raw, BigDecimal value) {
        if (raw.indexOf('.') >= 0 || raw.indexOf('e') >= 0 || raw.indexOf('E') >= 0) return NODES.numberNode(Double.parseDouble(raw));
        java.math.BigInteger big = value.toBigInteger();
        if (big.bitLength() < 32) return NODES.numberNode(big.intValue());
        if (big.bitLength() < 64) return NODES.numberNode(big.longValue());
        return NODES.numberNode(big);
    }

    /** A JSON pointer-like location of the value being read, for messages. */
    private String where() {
        StringBuilder path = new StringBuilder();
        var it = stack.descendingIterator();
        while (it.hasNext()) {
            Frame f = it.next();
            if (f.object != null && f.key != null && (it.hasNext() || scalar != Scalar.KEY)) path.append('/').append(f.key);
            else if (f.array != null) path.append('/').append(f.array.size());
        }
        return path.length() == 0 ? "the document" : path.toString();
    }

    private void fail(String message) {
        if (error == null) error = message + " (at character " + position + ")";
    }
}
