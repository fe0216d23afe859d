package dev.cdc.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.jdbi.v3.core.statement.ParsedSql;
import org.jdbi.v3.core.statement.SqlParser;
import org.junit.jupiter.api.Test;

/** Statements reach PostgreSQL as written, with their parameters found where PostgreSQL would see them. */
class StatementParserTest {
    private final SqlParser parser = StatementParser.INSTANCE;

    private ParsedSql parse(String sql) {
        return parser.parse(sql, null);
    }

    @Test
    void text_in_quotes_is_passed_on_as_written() {
        // a column named  line "no"  in a table's definition (JSON in a literal) and as a quoted name
        String sql = "SELECT o.\"line \"\"no\"\"\" FROM t WHERE a = :a;\n"
                + "INSERT INTO c (columns) VALUES ('[{\"name\":\"line \\\"no\\\"\"}]')";
        ParsedSql p = parse(sql);
        assertEquals(sql.replace(":a", "?"), p.getSql());
        assertEquals(List.of("a"), p.getParameters().getParameterNames());
    }

    @Test
    void parameters_are_not_found_in_quotes_comments_casts_or_dollar_quotes() {
        String sql = "-- :no ?\nSELECT ':no ?', \"x:no\", 1::int, /* :no */ :yes, $$ x := :no ? $$, $f$ :no $f$, "
                + "E'it\\'s :no', 'it''s :no', a[1:2] FROM t WHERE b = :also";
        ParsedSql p = parse(sql);
        assertEquals(List.of("yes", "also"), p.getParameters().getParameterNames());
        assertEquals(sql.replace(":yes", "?").replace(":also", "?"), p.getSql());
    }

    @Test
    void question_marks_are_positional_parameters() {
        ParsedSql p = parse("DELETE FROM t WHERE id = ANY(CAST(? AS int[])) AND n = ?");
        assertEquals("DELETE FROM t WHERE id = ANY(CAST(? AS int[])) AND n = ?", p.getSql());
        assertEquals(2, p.getParameters().getParameterCount());
    }
}
