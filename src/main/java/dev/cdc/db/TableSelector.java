package dev.cdc.db;

import dev.cdc.base.Failure;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which tables a command works on, as the user names them: exact names ({@code sales.orders},
 * {@code "Sales"."Order Items"}), patterns with {@code *} and {@code ?} ({@code sales.*},
 * {@code sales.tmp_?}; a name with double quotes in it is never a pattern), whole schemas
 * ({@code --schema sales}, the same as {@code sales.*}), and patterns to leave out
 * ({@code --exclude}). A pattern or schema that matches nothing is an error naming it; an exact
 * name is passed on as given, for the command to say what it finds there.
 */
public record TableSelector(List<String> tables, List<String> schemas, List<String> excludes) {
    public TableSelector {
        tables = tables == null ? List.of() : List.copyOf(tables);
        schemas = schemas == null ? List.of() : List.copyOf(schemas);
        excludes = excludes == null ? List.of() : List.copyOf(excludes);
    }

    /** Exact names only. */
    public static TableSelector of(List<String> tables) {
        return new TableSelector(tables, List.of(), List.of());
    }

    /** Whether nothing was named (the command's default applies). */
    public boolean isEmpty() {
        return tables.isEmpty() && schemas.isEmpty();
    }

    /** Whether every table was named exactly (no pattern, no schema). */
    public boolean exact() {
        return schemas.isEmpty() && tables.stream().noneMatch(TableSelector::isPattern);
    }

    /** Whether the name was picked by a pattern or a schema (not named exactly). */
    public boolean byPattern(Table.Name name) {
        return tables.stream().filter(t -> !isPattern(t)).map(Table::parseName)
                .noneMatch(n -> n[0].equals(name.schema()) && n[1].equals(name.name()));
    }

    /**
     * The tables named, in name order, without those excluded: exact names as given, and the
     * {@code candidates} that a pattern or a schema matches.
     */
    public List<Table.Name> resolve(List<Table.Name> candidates) {
        Set<Table.Name> picked = new LinkedHashSet<>();
        for (String t : tables) {
            if (isPattern(t)) {
                picked.addAll(matching(candidates, t, glob(t)));
            } else {
                String[] n = Table.parseName(t);
                picked.add(new Table.Name(n[0], n[1]));
            }
        }
        for (String s : schemas) {
            String schema = Table.parseName(s + ".x")[0];
            picked.addAll(matching(candidates, "--schema " + s,
                    n -> n.schema().equals(schema) || isPattern(s) && regex(s).matcher(n.schema()).matches()));
        }
        for (String e : excludes) {
            picked.removeIf(isPattern(e) ? glob(e)::test : n -> {
                String[] x = Table.parseName(e);
                return n.schema().equals(x[0]) && n.name().equals(x[1]);
            });
        }
        List<Table.Name> out = new ArrayList<>(picked);
        out.sort(Comparator.comparing(Table.Name::schema).thenComparing(Table.Name::name));
        return out;
    }

    private static List<Table.Name> matching(List<Table.Name> candidates, String what,
                                             java.util.function.Predicate<Table.Name> test) {
        List<Table.Name> found = candidates.stream().filter(test).toList();
        if (found.isEmpty()) {
            throw Failure.usage(what + " matches no table");
        }
        return found;
    }

    private static boolean isPattern(String selector) {
        return selector.indexOf('"') < 0 && (selector.indexOf('*') >= 0 || selector.indexOf('?') >= 0);
    }

    /** A pattern "schema.table" (schema public when left out) as a test of names. */
    private static java.util.function.Predicate<Table.Name> glob(String pattern) {
        int dot = pattern.indexOf('.');
        Pattern schema = regex(dot < 0 ? "public" : pattern.substring(0, dot));
        Pattern table = regex(pattern.substring(dot + 1));
        return n -> schema.matcher(n.schema()).matches() && table.matcher(n.name()).matches();
    }

    private static Pattern regex(String glob) {
        StringBuilder b = new StringBuilder();
        for (char c : glob.toCharArray()) {
            b.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(b.toString());
    }
}
