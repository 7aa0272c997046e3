package io.mptrec.model.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * A boolean expression over the raw values of one row; a row is positive (label 1) when it holds.
 *
 * <pre>
 * expression := or
 * or         := and ( "||" and )*
 * and        := unary ( "&amp;&amp;" unary )*
 * unary      := "!" unary | "(" expression ")" | comparison
 * comparison := IDENT ( "==" | "!=" ) literal
 *             | IDENT ( "&lt;" | "&lt;=" | "&gt;" | "&gt;=" ) NUMBER
 *             | IDENT "in" "[" literal ( "," literal )* "]"
 * literal    := STRING | NUMBER
 * IDENT      := [A-Za-z_][A-Za-z0-9_]*          a column name of the schema
 * STRING     := '"' ( any char but '"' or '\' | '\"' | '\\' )* '"'
 * NUMBER     := "-"? digits ( "." digits )? ( ("e" | "E") ("+" | "-")? digits )?
 * </pre>
 *
 * <p>Semantics: a string literal is compared with the (trimmed) raw value exactly; a number literal
 * compares numerically, and a present value that is not a number is an error rather than a silent false.
 * A comparison with a missing value is false, except {@code !=}, which is true; {@code in} is then false.
 */
public final class LabelExpression {

    private final String source;
    private final Node root;
    private final Set<String> columns;

    private LabelExpression(String source, Node root, Set<String> columns) {
        this.source = source;
        this.root = root;
        this.columns = Collections.unmodifiableSet(columns);
    }

    /**
     * Parses {@code text}; every identifier must be one of {@code columns}.
     *
     * @throws IllegalArgumentException on a syntax error or an unknown column, naming the position or column
     */
    public static LabelExpression parse(String text, Set<String> columns) {
        Objects.requireNonNull(text, "text");
        Parser parser = new Parser(text, columns);
        Node root = parser.expression();
        parser.expectEnd();
        return new LabelExpression(text, root, parser.used);
    }

    /**
     * Evaluates the expression on one row.
     *
     * @param value a column's value, null when it is missing
     * @throws IllegalArgumentException when a number is compared with a value that is not a number
     */
    public boolean test(Function<String, String> value) {
        return root.test(value);
    }

    /** The columns the expression reads, in order of first use. */
    public Set<String> columns() {
        return columns;
    }

    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return source;
    }

    private sealed interface Node {
        boolean test(Function<String, String> value);
    }

    private record Or(Node left, Node right) implements Node {
        public boolean test(Function<String, String> value) {
            return left.test(value) || right.test(value);
        }
    }

    private record And(Node left, Node right) implements Node {
        public boolean test(Function<String, String> value) {
            return left.test(value) && right.test(value);
        }
    }

    private record Not(Node inner) implements Node {
        public boolean test(Function<String, String> value) {
            return !inner.test(value);
        }
    }

    /** A string literal has number == null. */
    private record Literal(String text, Double number) {
        boolean matches(String column, String value) {
            return number == null ? text.equals(value) : toNumber(column, value) == number;
        }
    }

    private record Compare(String column, String op, Literal literal) implements Node {
        public boolean test(Function<String, String> values) {
            String value = values.apply(column);
            if (value == null) {
                return op.equals("!=");
            }
            return switch (op) {
                case "==" -> literal.matches(column, value);
                case "!=" -> !literal.matches(column, value);
                case "<" -> toNumber(column, value) < literal.number();
                case "<=" -> toNumber(column, value) <= literal.number();
                case ">" -> toNumber(column, value) > literal.number();
                case ">=" -> toNumber(column, value) >= literal.number();
                default -> throw new IllegalStateException(op);
            };
        }
    }

    private record In(String column, List<Literal> literals) implements Node {
        public boolean test(Function<String, String> values) {
            String value = values.apply(column);
            return value != null && literals.stream().anyMatch(l -> l.matches(column, value));
        }
    }

    private static double toNumber(String column, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "column '" + column + "' has value '" + value + "', which is not a number");
        }
    }

    /** Recursive descent straight over the characters; expressions are one-liners, so no token list. */
    /** The most "!" and "(" around any comparison, and "&&" and "||" in one expression. */
    static final int MAX_NESTING = 100;
    static final int MAX_OPERATORS = 1000;

    private static final class Parser {
        private final String text;
        private final Set<String> known;
        private final Set<String> used = new LinkedHashSet<>();
        private int pos;
        /** Open "!" and "(" around the current position, and "&&" and "||" so far: both bound the recursion. */
        private int depth;
        private int operators;

        Parser(String text, Set<String> known) {
            this.text = text;
            this.known = known;
        }

        Node expression() {
            Node node = and();
            while (accept("||")) {
                node = new Or(node, and());
                countOperator();
            }
            return node;
        }

        private Node and() {
            Node node = unary();
            while (accept("&&")) {
                node = new And(node, unary());
                countOperator();
            }
            return node;
        }

        /** A label is a short rule: a deeper one overflowed the stack (of the parser, or of the evaluation). */
        private void countOperator() {
            if (++operators > MAX_OPERATORS) {
                // not error(): it would quote the whole (long) expression
                throw new IllegalArgumentException("more than " + MAX_OPERATORS + " && and || operators, at position "
                        + pos);
            }
        }

        private Node unary() {
            skipSpaces();
            if (peek("!") && !peek("!=") || peek("(")) {
                if (++depth > MAX_NESTING) {
                    throw new IllegalArgumentException("nested deeper than " + MAX_NESTING + " ! and (, at position "
                            + pos);
                }
                Node node;
                if (accept("(")) {
                    node = expression();
                    expect(")");
                } else {
                    pos++;
                    node = new Not(unary());
                }
                depth--;
                return node;
            }
            return comparison();
        }

        private Node comparison() {
            int at = skipSpaces();
            String column = identifier();
            if (column == null) {
                throw error(at, "expected a column name");
            }
            if (!known.contains(column)) {
                throw new IllegalArgumentException("unknown column '" + column + "' at position " + at);
            }
            used.add(column);
            for (String op : List.of("==", "!=", "<=", ">=", "<", ">")) {
                if (accept(op)) {
                    int literalAt = skipSpaces();
                    Literal literal = literal();
                    if (!op.equals("==") && !op.equals("!=") && literal.number() == null) {
                        throw error(literalAt, "'" + op + "' needs a number");
                    }
                    return new Compare(column, op, literal);
                }
            }
            int opAt = skipSpaces();
            if ("in".equals(identifier())) {
                expect("[");
                List<Literal> literals = new ArrayList<>();
                do {
                    skipSpaces();
                    literals.add(literal());
                } while (accept(","));
                expect("]");
                return new In(column, List.copyOf(literals));
            }
            throw error(opAt, "expected ==, !=, <, <=, >, >= or in after '" + column + "'");
        }

        private Literal literal() {
            int at = skipSpaces();
            if (accept("\"")) {
                StringBuilder s = new StringBuilder();
                while (pos < text.length() && text.charAt(pos) != '"') {
                    char c = text.charAt(pos++);
                    if (c == '\\') {
                        if (pos >= text.length() || (text.charAt(pos) != '"' && text.charAt(pos) != '\\')) {
                            throw error(pos - 1, "only \\\" and \\\\ are escapes");
                        }
                        c = text.charAt(pos++);
                    }
                    s.append(c);
                }
                if (pos >= text.length()) {
                    throw error(at, "unterminated string");
                }
                pos++;
                return new Literal(s.toString(), null);
            }
            int start = pos;
            if (pos < text.length() && text.charAt(pos) == '-') {
                pos++;
            }
            if (digits() == 0) {
                throw error(at, "expected a string or a number");
            }
            if (pos < text.length() && text.charAt(pos) == '.') {
                pos++;
                if (digits() == 0) {
                    throw error(pos, "expected digits after '.'");
                }
            }
            if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
                pos++;
                if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
                    pos++;
                }
                if (digits() == 0) {
                    throw error(pos, "expected an exponent");
                }
            }
            String number = text.substring(start, pos);
            return new Literal(number, Double.parseDouble(number));
        }

        private int digits() {
            int start = pos;
            while (pos < text.length() && isDigit(text.charAt(pos))) {
                pos++;
            }
            return pos - start;
        }

        private String identifier() {
            int start = pos;
            if (pos < text.length() && isIdentifierStart(text.charAt(pos))) {
                pos++;
                while (pos < text.length() && (isIdentifierStart(text.charAt(pos)) || isDigit(text.charAt(pos)))) {
                    pos++;
                }
                return text.substring(start, pos);
            }
            return null;
        }

        private static boolean isIdentifierStart(char c) {
            return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        private int skipSpaces() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
            return pos;
        }

        private boolean peek(String token) {
            return text.startsWith(token, pos);
        }

        private boolean accept(String token) {
            skipSpaces();
            if (peek(token)) {
                pos += token.length();
                return true;
            }
            return false;
        }

        private void expect(String token) {
            if (!accept(token)) {
                throw error(pos, "expected '" + token + "'");
            }
        }

        void expectEnd() {
            if (skipSpaces() < text.length()) {
                throw error(pos, "unexpected '" + text.substring(pos) + "'");
            }
        }

        private IllegalArgumentException error(int at, String reason) {
            return new IllegalArgumentException(reason + " at position " + at + " of '" + text + "'");
        }
    }
}
