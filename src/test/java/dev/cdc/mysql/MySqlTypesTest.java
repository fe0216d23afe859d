package dev.cdc.mysql;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cdc.base.Failure;
import dev.cdc.base.Json;
import dev.cdc.db.Table;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The types cdc creates on a MySQL/MariaDB target, and the values it binds there. */
class MySqlTypesTest {
    private static Table.Column column(String type) {
        return new Table.Column("c", type, false, null, null, null, null, null);
    }

    private static String type(String pg, boolean key) {
        Table.Column c = column(pg);
        return MySqlTargetTable.mysqlType(c, new MySqlTargetTable.Sizes(new Table("s", "t", List.of(c),
                key ? List.of("c") : List.of())));
    }

    @Test
    void postgresql_types_map_to_mysql_types() {
        assertEquals("SMALLINT", type("smallint", false));
        assertEquals("INT", type("integer", false));
        assertEquals("BIGINT", type("bigint", true));
        assertEquals("DECIMAL(12,3)", type("numeric(12,3)", false));
        assertEquals("DECIMAL(65,30)", type("numeric", false));
        assertEquals("DOUBLE", type("double precision", false));
        assertEquals("BOOLEAN", type("boolean", false));
        assertEquals("VARCHAR(40)", type("character varying(40)", false));
        assertEquals("LONGTEXT", type("character varying", false));
        assertEquals("LONGTEXT", type("text", false));
        assertEquals("VARCHAR(750)", type("text", true), "InnoDB indexes at most 3,072 bytes of a key");
        assertEquals("VARCHAR(255)", type("character(255)", false));
        assertEquals("LONGTEXT", type("character(256)", false), "MySQL's CHAR holds at most 255");
        assertEquals("LONGTEXT", type("character varying(300)", false));
        assertEquals("CHAR(36)", type("uuid", true));
        assertEquals("DATETIME(6)", type("timestamp with time zone", false));
        assertEquals("DATETIME(3)", type("timestamp(3) without time zone", false));
        assertEquals("TIME(6)", type("time without time zone", false));
        assertEquals("LONGBLOB", type("bytea", false));
        assertEquals("VARBINARY(3000)", type("bytea", true));
        assertEquals("JSON", type("jsonb", false));
        assertEquals("BIT(10)", type("bit(10)", false), "a MySQL source's BIT(10)");
        assertEquals("JSON", type("integer[]", false));
    }

    @Test
    void text_key_columns_share_the_key_bytes_and_long_varchars_leave_the_row() {
        Table.Column source = new Table.Column("source_name", "text", true, null, null, null, null, null);
        Table.Column id = new Table.Column("id", "text", true, null, null, null, null, null);
        Table consolidated = new Table("s", "t", List.of(source, id), List.of("source_name", "id"));
        MySqlTargetTable.Sizes sizes = new MySqlTargetTable.Sizes(consolidated);
        assertEquals("VARCHAR(375)", MySqlTargetTable.mysqlType(source, sizes));
        assertEquals("VARCHAR(375)", MySqlTargetTable.mysqlType(id, sizes), "two text key columns: 2 x 375 x 4 bytes");
        List<Table.Column> wide = new java.util.ArrayList<>();
        for (int i = 0; i < 70; i++) {
            wide.add(new Table.Column("c" + i, "character varying(255)", false, null, null, null, null, null));
        }
        MySqlTargetTable.Sizes row = new MySqlTargetTable.Sizes(new Table("s", "w", wide, List.of()));
        long varchars = wide.stream().map(c -> MySqlTargetTable.mysqlType(c, row)).filter(t -> t.startsWith("VARCHAR")).count();
        assertTrue(varchars * 255 * 4 <= 60_000 && varchars < 70, "the row's VARCHARs fit in 65,535 bytes: " + varchars);
    }

    @Test
    void a_type_outside_the_mapping_is_refused_by_name_and_never_pasted() {
        Failure f = assertThrows(Failure.class, () -> type("interval", false));
        assertTrue(f.getMessage().contains("column c is of type interval"), f.getMessage());
        assertThrows(Failure.class, () -> type("int); DROP TABLE x; --", false));
        assertThrows(Failure.class, () -> type("numeric(70,2)", false));
    }

    @Test
    void values_are_converted_by_the_target_column_type() throws Exception {
        assertArrayEquals(new byte[] {0, (byte) 0xff, 0x10}, (byte[]) MySqlValues.of(column("bytea"), Json.MAPPER.readTree("\"\\\\x00ff10\"")));
        assertEquals("2024-02-29 21:59:59.123456", MySqlValues.of(column("timestamp(6) without time zone"),
                Json.MAPPER.readTree("\"2024-02-29T23:59:59.123456+02:00\"")), "a timestamptz in UTC");
        assertEquals("2024-02-29 23:59:59.000000", MySqlValues.of(column("timestamp(0) without time zone"),
                Json.MAPPER.readTree("\"2024-02-29T23:59:59\"")));
        assertEquals("1999-01-01 00:00:00.120000", MySqlValues.of(column("timestamp(2) without time zone"),
                Json.MAPPER.readTree("\"1999-01-01 00:00:00.12\"")), "MySQL's own text");
        assertEquals(1, MySqlValues.of(column("smallint"), Json.MAPPER.readTree("true")));
        assertEquals(new java.math.BigInteger("515"), MySqlValues.of(column("bit(10)"), Json.MAPPER.readTree("\"1000000011\"")),
                "bit(n)'s digits, as the number MySQL's BIT takes");
        assertEquals(new BigDecimal("12345678901234567890.123456789"),
                MySqlValues.of(column("numeric(65,30)"), Json.MAPPER.readTree("12345678901234567890.123456789")));
        assertEquals("{\"a\":[1,2.50]}", MySqlValues.of(column("text"), Json.MAPPER.readTree("{\"a\": [1, 2.50]}")));
        assertNull(MySqlValues.of(column("text"), Json.MAPPER.readTree("null")));
        Failure f = assertThrows(Failure.class, () -> MySqlValues.of(column("timestamp(6) without time zone"),
                Json.MAPPER.readTree("\"infinity\"")));
        assertTrue(f.getMessage().contains("infinity"), f.getMessage());
    }
}
