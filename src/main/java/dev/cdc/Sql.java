package dev.cdc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The SQL of the project lives in {@code src/main/resources/sql/}. A file may hold {@code ${name}}
 * placeholders for identifiers and literals; they are filled only with text made by
 * {@link #ident} or {@link #literal}, so no name is ever pasted into SQL unquoted. Values are
 * bound as parameters.
 */
public final class Sql {
    private static final Map<String, String> FILES = new ConcurrentHashMap<>();
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-z_]+)}");

    private Sql() {
    }

    /** The text of {@code sql/<path>}. */
    public static String load(String path) {
        return FILES.computeIfAbsent(path, p -> {
            try (InputStream in = Sql.class.getResourceAsStream("/sql/" + p)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource sql/" + p);
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The text of {@code sql/<path>} with every placeholder replaced; a missing value is an error. */
    public static String render(String path, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(load(path));
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            if (v == null) {
                throw new IllegalArgumentException("sql/" + path + ": no value for ${" + m.group(1) + "}");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        return m.appendTail(out).toString();
    }

    /** A quoted identifier: {@code Order Items} becomes {@code "Order Items"}. */
    public static String ident(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** A schema-qualified, quoted name. */
    public static String ident(String schema, String name) {
        return ident(schema) + "." + ident(name);
    }

    /** A quoted string literal. */
    public static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    /** {@code "a", "b"} from a list of names. */
    public static String idents(List<String> names) {
        return names.stream().map(Sql::ident).collect(Collectors.joining(", "));
    }

    /** {@code alias."a", alias."b"}: the key columns of a row. */
    public static String keyList(List<String> key, String alias) {
        return key.stream().map(c -> alias + "." + ident(c)).collect(Collectors.joining(", "));
    }

    /** {@code prefix."a" = other."a" AND ...} for a list of key columns. */
    public static String keyMatch(List<String> key, String left, String right) {
        return key.stream().map(c -> left + "." + ident(c) + " = " + right + "." + ident(c))
                .collect(Collectors.joining(" AND "));
    }
}
