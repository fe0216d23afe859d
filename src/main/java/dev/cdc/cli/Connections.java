package dev.cdc.cli;

import dev.cdc.base.Failure;
import dev.cdc.db.Db;
import dev.cdc.kafka.Kafka;
import dev.cdc.source.Capture;
import java.util.Map;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Option;

/**
 * The connection settings, the same for every command: flags, with environment variables as
 * fallback and defaults that match docker-compose.yml. A command mixes in the ones it uses.
 * Passwords are never shown, not even as defaults in --help.
 */
public final class Connections {
    private Connections() {
    }

    public static final class Source {
        @Option(names = "--source", paramLabel = "JDBC_URL", order = 10,
                defaultValue = "${env:CDC_SOURCE_URL:-jdbc:postgresql://localhost:5433/postgres}",
                description = "Source database (env CDC_SOURCE_URL; default ${DEFAULT-VALUE}).")
        String url;

        @Option(names = "--source-user", paramLabel = "USER", order = 11,
                defaultValue = "${env:CDC_SOURCE_USER:-postgres}",
                description = "Source database user (env CDC_SOURCE_USER; default ${DEFAULT-VALUE}).")
        String user;

        @Option(names = "--source-password", paramLabel = "PASSWORD", order = 12, showDefaultValue = Visibility.NEVER,
                defaultValue = "${env:CDC_SOURCE_PASSWORD:-postgres}",
                description = "Source database password (env CDC_SOURCE_PASSWORD; default postgres).")
        String password;

        public Db db() {
            return new Db("source", url, user, password);
        }
    }

    public static final class Target {
        @Option(names = "--target", paramLabel = "JDBC_URL", order = 20,
                defaultValue = "${env:CDC_TARGET_URL:-jdbc:postgresql://localhost:5434/postgres}",
                description = "Target database (env CDC_TARGET_URL; default ${DEFAULT-VALUE}).")
        String url;

        @Option(names = "--target-user", paramLabel = "USER", order = 21,
                defaultValue = "${env:CDC_TARGET_USER:-postgres}",
                description = "Target database user (env CDC_TARGET_USER; default ${DEFAULT-VALUE}).")
        String user;

        @Option(names = "--target-password", paramLabel = "PASSWORD", order = 22, showDefaultValue = Visibility.NEVER,
                defaultValue = "${env:CDC_TARGET_PASSWORD:-postgres}",
                description = "Target database password (env CDC_TARGET_PASSWORD; default postgres).")
        String password;

        public Db db() {
            return new Db("target", url, user, password);
        }
    }

    /** The state database of cdc serve: where the pipelines are kept; the target's settings unless told otherwise. */
    public static final class State {
        @Option(names = "--state", paramLabel = "JDBC_URL", order = 40,
                defaultValue = "${env:CDC_STATE_URL:-${env:CDC_TARGET_URL:-jdbc:postgresql://localhost:5434/postgres}}",
                description = "PostgreSQL database that keeps the pipelines (cdc.pipelines) (env CDC_STATE_URL, else CDC_TARGET_URL; "
                        + "default ${DEFAULT-VALUE}).")
        String url;

        @Option(names = "--state-user", paramLabel = "USER", order = 41,
                defaultValue = "${env:CDC_STATE_USER:-${env:CDC_TARGET_USER:-postgres}}",
                description = "Its user (env CDC_STATE_USER, else CDC_TARGET_USER; default ${DEFAULT-VALUE}).")
        String user;

        @Option(names = "--state-password", paramLabel = "PASSWORD", order = 42, showDefaultValue = Visibility.NEVER,
                defaultValue = "${env:CDC_STATE_PASSWORD:-${env:CDC_TARGET_PASSWORD:-postgres}}",
                description = "Its password (env CDC_STATE_PASSWORD, else CDC_TARGET_PASSWORD; default postgres).")
        String password;

        public Db db() {
            return new Db("state", url, user, password);
        }
    }

    public static final class Broker {
        @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]", order = 30,
                defaultValue = "${env:CDC_BOOTSTRAP_SERVERS:-localhost:9092}",
                description = "Kafka brokers (env CDC_BOOTSTRAP_SERVERS; default ${DEFAULT-VALUE}).")
        String bootstrapServers;

        @Option(names = "--kafka-config", paramLabel = "FILE", order = 32, defaultValue = "${env:CDC_KAFKA_CONFIG}",
                description = "Kafka client properties for the producer, the consumer and the admin client, such as "
                        + "security.protocol, sasl.mechanism, sasl.jaas.config, ssl.truststore.location (env CDC_KAFKA_CONFIG). "
                        + "Its values are never printed.")
        java.nio.file.Path config;

        @Option(names = "--topic", paramLabel = "NAME", order = 31, defaultValue = "${env:CDC_TOPIC}",
                description = "Kafka topic of the change events (env CDC_TOPIC; default: the table's topic as cdc setup "
                        + "recorded it, employee_cdc for the demo table).")
        String topic;

        /** The broker, with the topic given on the command line or else the demo's. */
        public Kafka kafka() {
            return kafka(Capture.defaultTopic("public", "employees"));
        }

        /** The broker, with the topic given on the command line or else {@code otherwise}. */
        public Kafka kafka(String otherwise) {
            return new Kafka(bootstrapServers, topic != null ? topic : otherwise, clientProperties());
        }

        /** The broker, with exactly this topic (whatever --topic or CDC_TOPIC say). */
        public Kafka named(String topicName) {
            return new Kafka(bootstrapServers, topicName, clientProperties());
        }

        /** The properties of --kafka-config; none without it. */
        private Map<String, String> clientProperties() {
            if (config == null) {
                return Map.of();
            }
            java.util.Properties p = new java.util.Properties();
            try (var in = java.nio.file.Files.newBufferedReader(config)) {
                p.load(in);
            } catch (java.io.IOException | IllegalArgumentException e) {
                throw Failure.usage("cannot read --kafka-config " + config + ": "
                        + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage()));
            }
            if (p.containsKey("bootstrap.servers")) {
                throw Failure.usage("--kafka-config " + config + " sets bootstrap.servers: give the brokers with "
                        + "--bootstrap-servers or CDC_BOOTSTRAP_SERVERS instead");
            }
            Map<String, String> m = new java.util.HashMap<>();
            p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
            return m;
        }

        /** The topic given on the command line (or CDC_TOPIC), or null. */
        public String explicitTopic() {
            return topic;
        }
    }
}
