package dev.cdc.db;

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

    /** PostgreSQL keeps the first 63 bytes of a name and drops the rest (NAMEDATALEN - 1). */
    public static final int NAME_BYTES = 63;

    /**
     * A name made of {@code base} and {@code suffix} that PostgreSQL keeps whole: {@code base + suffix}
     * when it fits in {@link #NAME_BYTES}; otherwise a prefix of base, an underscore, eight hex digits
     * of base's SHA-256 and the suffix, so that two long bases sharing a prefix still get two names
     * (PostgreSQL would cut both to the same 63 bytes).
     */
    public static String fitName(String base, String suffix) {
        String whole = base + suffix;
        if (bytes(whole) <= NAME_BYTES) {
            return whole;
        }
        String tail = "_" + sha256(base).substring(0, 8) + suffix;
        int room = NAME_BYTES - bytes(tail);
        if (room < 0) {
            throw new IllegalArgumentException("suffix too long for a name: " + suffix);
        }
        int end = 0; // the longest prefix of whole characters that fits
        while (end < base.length()) {
            int next = base.offsetByCodePoints(end, 1);
            if (bytes(base.substring(0, next)) > room) {
                break;
            }
            end = next;
        }
        return base.substring(0, end) + tail;
    }

    /** The length of a name as PostgreSQL counts it (UTF-8 bytes). */
    public static int bytes(String name) {
        return name.getBytes(StandardCharsets.UTF_8).length;
    }

    /** The SHA-256 of the text's UTF-8 bytes, in hex: names made short and unique. */
    public static String sha256(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JVM has SHA-256
        }
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
