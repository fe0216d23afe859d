package dev.cdc.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cdc.base.Failure;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Table names, patterns, schemas and exclusions, resolved against the tables a database has. */
class TableSelectorTest {
    private static final List<Table.Name> TABLES = List.of(new Table.Name("sales", "orders"),
            new Table.Name("sales", "order_items"), new Table.Name("sales", "tmp_1"), new Table.Name("Sales", "Order Items"),
            new Table.Name("public", "employees"), new Table.Name("hr", "people"));

    private static List<String> resolve(List<String> tables, List<String> schemas, List<String> excludes) {
        return new TableSelector(tables, schemas, excludes).resolve(TABLES).stream().map(Table.Name::display).toList();
    }

    @Test
    void patterns_and_schemas_pick_the_tables_they_match_in_name_order() {
        assertEquals(List.of("sales.order_items", "sales.orders"), resolve(List.of("sales.order*"), List.of(), List.of()));
        assertEquals(List.of("sales.tmp_1"), resolve(List.of("sales.tmp_?"), List.of(), List.of()));
        assertEquals(List.of("hr.people", "sales.order_items", "sales.orders"),
                resolve(List.of("hr.*"), List.of("sales"), List.of("sales.tmp_*")));
        assertEquals(List.of("public.employees"), resolve(List.of("emp*"), List.of(), List.of()), "schema public by default");
        assertEquals(List.of("Sales.Order Items"), resolve(List.of(), List.of("\"Sales\""), List.of()), "quoted: case kept");
    }

    @Test
    void exact_names_pass_as_given_and_quoted_names_are_never_patterns() {
        assertEquals(List.of("nowhere.t"), resolve(List.of("nowhere.t"), List.of(), List.of()));
        assertEquals(List.of("sales.a*b"), resolve(List.of("\"sales\".\"a*b\""), List.of(), List.of()));
        assertTrue(TableSelector.of(List.of("sales.orders")).exact());
        assertFalse(new TableSelector(List.of(), List.of("sales"), List.of()).exact());
        assertEquals(List.of("sales.orders"), resolve(List.of("sales.orders", "sales.tmp_1"), List.of(), List.of("sales.tmp_1")));
    }

    @Test
    void a_pattern_or_schema_that_matches_nothing_is_an_error_naming_it() {
        Failure f = assertThrows(Failure.class, () -> resolve(List.of("nowhere.*"), List.of(), List.of()));
        assertEquals(Failure.USAGE, f.exitCode());
        assertTrue(f.getMessage().contains("nowhere.* matches no table"), f.getMessage());
        Failure s = assertThrows(Failure.class, () -> resolve(List.of(), List.of("nowhere"), List.of()));
        assertTrue(s.getMessage().contains("--schema nowhere matches no table"), s.getMessage());
    }
}
