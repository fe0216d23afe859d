package dev.cdc.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cdc.base.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineDefinitionTest {
    private static ObjectNode definition(String password) {
        ObjectNode d = Json.MAPPER.createObjectNode().put("name", "hr");
        d.putObject("source").put("url", "jdbc:postgresql://db1/app").put("user", "cdc").put("password", password);
        d.putObject("target").put("url", "jdbc:mariadb://db2/app").put("user", "cdc").put("password", "env:CDC_PIPELINE_HR_TARGET");
        d.putArray("tables").add("public.employees").add("sales.orders");
        return d;
    }

    @Test
    void a_definition_becomes_the_commands_arguments_and_hides_its_passwords() {
        Secrets secrets = new Secrets("key of this test", null);
        ObjectNode body = definition("s3cret");
        ((ObjectNode) body.get("target")).put("password", "t4rget");
        PipelineDefinition d = PipelineDefinition.parse(body, secrets);
        assertTrue(d.source().password().startsWith("sealed:"), d.source().password());
        assertEquals("s3cret", secrets.open(d.source().password(), "hr"));
        assertEquals(List.of("produce", "--source", "jdbc:postgresql://db1/app", "--source-user", "cdc", "--source-password",
                "s3cret", "--table", "public.employees,sales.orders", "--batch-size", "5000", "--progress-interval", "0"),
                d.produce(secrets));
        assertTrue(d.consume(secrets).containsAll(List.of("--group", "cdc-pipeline-hr", "--on-error", "fail")));
        String shown = d.json(false).toString();
        assertFalse(shown.contains("s3cret") || shown.contains("t4rget") || shown.contains("sealed:"), shown);
        assertEquals(d, PipelineDefinition.stored(d.json(true)), "stored and read back");
    }

    @Test
    void another_key_cannot_open_a_sealed_password() {
        PipelineDefinition d = PipelineDefinition.parse(definition("s3cret"), new Secrets("one key", null));
        BadRequest e = assertThrows(BadRequest.class, () -> new Secrets("another key", null).open(d.source().password(), "hr"));
        assertTrue(e.getMessage().contains("CDC_SERVE_SECRET"), e.getMessage());
        assertThrows(BadRequest.class, () -> PipelineDefinition.parse(definition("s3cret"), new Secrets(null, null)),
                "a password in clear without a key to seal it");
    }

    @Test
    void references_name_only_pipeline_variables_and_files_of_the_secrets_directory() throws Exception {
        Path dir = Files.createTempDirectory("secrets");
        Files.createDirectories(dir.resolve("hr"));
        Files.writeString(dir.resolve("hr").resolve("db1"), "from-file\n");
        Files.createDirectories(dir.resolve("other"));
        Files.writeString(dir.resolve("other").resolve("db1"), "another pipeline's\n");
        Files.createSymbolicLink(dir.resolve("hr").resolve("link"), dir.resolve("other").resolve("db1"));
        Secrets secrets = new Secrets(null, dir);
        assertEquals("from-file", secrets.open(PipelineDefinition.parse(definition("file:db1"), secrets).source().password(), "hr"));
        BadRequest link = assertThrows(BadRequest.class,
                () -> secrets.open(PipelineDefinition.parse(definition("file:link"), secrets).source().password(), "hr"));
        assertTrue(link.getMessage().contains("link out of its folder"), link.getMessage());
        for (String refused : List.of("env:HOME", "env:CDC_SERVE_SECRET", "env:CDC_PIPELINE_OTHER_SOURCE",
                "env:CDC_PIPELINE_HR_TARGET", "file:/etc/passwd", "file:../other/db1", "file:.")) {
            assertThrows(BadRequest.class, () -> PipelineDefinition.parse(definition(refused), secrets), refused);
        }
        assertThrows(BadRequest.class, () -> PipelineDefinition.parse(definition("file:db1"), new Secrets(null, null)),
                "file: without --secrets-dir");
    }

    @Test
    void a_bad_definition_says_what_is_wrong() {
        ObjectNode unknown = definition("env:CDC_PIPELINE_HR_SOURCE").put("sink", "x");
        assertTrue(message(unknown).contains("unknown field 'sink'"));
        assertTrue(message(definition("env:CDC_PIPELINE_HR_SOURCE").put("name", "Bad Name")).contains("name must be"));
        ObjectNode url = definition("env:CDC_PIPELINE_HR_SOURCE");
        ((ObjectNode) url.get("source")).put("url", "jdbc:postgresql://db1/app?password=x");
        assertTrue(message(url).contains("must not hold a password"));
        ObjectNode noTables = definition("env:CDC_PIPELINE_HR_SOURCE");
        noTables.putArray("tables");
        assertTrue(message(noTables).contains("tables must be"));
        assertTrue(message(definition("env:CDC_PIPELINE_HR_SOURCE").put("partitions", 0)).contains("partitions must be"));
    }

    private static String message(ObjectNode body) {
        return assertThrows(BadRequest.class, () -> PipelineDefinition.parse(body, new Secrets(null, null))).getMessage();
    }
}
