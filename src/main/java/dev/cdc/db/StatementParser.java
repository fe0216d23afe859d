package dev.cdc.db;

import org.jdbi.v3.core.statement.ParsedSql;
import org.jdbi.v3.core.statement.SqlParser;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * How Jdbi finds the parameters of a statement: {@code :name} (named) or {@code ?} (positional)
 * outside of string literals, quoted names, dollar quotes and comments, read by PostgreSQL's
 * lexical rules ({@code ''} and {@code ""} inside quotes, backslash escapes only in {@code E'...'}).
 * The rest of the text is passed on exactly as written: Jdbi's own parser drops the backslash of
 * {@code \"} inside a literal, which changed a table's definition (a column named {@code a"b}
 * written into capture's SQL as JSON) into other text.
 */
public final class StatementParser implements SqlParser {
    public static final StatementParser INSTANCE = new StatementParser();

    private StatementParser() {
    }

    @Override
    public ParsedSql parse(String sql, StatementContext ctx) {
        ParsedSql.Builder out = ParsedSql.builder();
        int n = sql.length();
        int from = 0; // start of the text not yet passed on
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            char next = i + 1 < n ? sql.charAt(i + 1) : 0;
            int end;
            if (c == '\'') {
                end = closing(sql, i, '\'', i > 0 && (sql.charAt(i - 1) == 'E' || sql.charAt(i - 1) == 'e')
                        && (i < 2 || !Character.isLetterOrDigit(sql.charAt(i - 2)) && sql.charAt(i - 2) != '_'));
            } else if (c == '"') {
                end = closing(sql, i, '"', false);
            } else if (c == '-' && next == '-') {
                end = sql.indexOf('\n', i);
                end = end < 0 ? n : end;
            } else if (c == '/' && next == '*') {
                end = sql.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
            } else if (c == '$' && dollarTag(sql, i) != null) {
                String tag = dollarTag(sql, i);
                end = sql.indexOf(tag, i + tag.length());
                end = end < 0 ? n : end + tag.length();
            } else if (c == ':' && next == ':') {
                end = i + 2;
            } else if (c == ':' && (Character.isLetter(next) || next == '_')) {
                end = i + 2;
                while (end < n && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '_')) {
                    end++;
                }
                out.append(sql.substring(from, i)).appendNamedParameter(sql.substring(i + 1, end));
                from = end;
            } else if (c == '?') {
                end = i + 1;
                out.append(sql.substring(from, i)).appendPositionalParameter();
                from = end;
            } else {
                end = i + 1;
            }
            i = end;
        }
        return out.append(sql.substring(from)).build();
    }

    /** The index after the quote that closes the one at {@code start} (a doubled quote is inside). */
    private static int closing(String sql, int start, char quote, boolean backslashEscapes) {
        int j = start + 1;
        while (j < sql.length()) {
            char c = sql.charAt(j);
            if (backslashEscapes && c == '\\') {
                j += 2;
            } else if (c == quote && j + 1 < sql.length() && sql.charAt(j + 1) == quote) {
                j += 2;
            } else if (c == quote) {
                return j + 1;
            } else {
                j++;
            }
        }
        return sql.length();
    }

    /** {@code $$} or {@code $tag$} starting at {@code i}, or null. */
    private static String dollarTag(String sql, int i) {
        if (i > 0 && (Character.isLetterOrDigit(sql.charAt(i - 1)) || sql.charAt(i - 1) == '_')) {
            return null; // part of a name ($ may follow the first character of one)
        }
        int j = i + 1;
        while (j < sql.length() && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_')) {
            j++;
        }
        if (j < sql.length() && sql.charAt(j) == '$' && (j == i + 1 || !Character.isDigit(sql.charAt(i + 1)))) {
            return sql.substring(i, j + 1);
        }
        return null; // $1, a positional parameter of PostgreSQL's own
    }

    @Override
    public String nameParameter(String rawName, StatementContext ctx) {
        return ":" + rawName;
    }
}
