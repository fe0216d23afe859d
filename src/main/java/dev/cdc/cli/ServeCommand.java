package dev.cdc.cli;

import dev.cdc.base.Failure;
import dev.cdc.base.Loop;
import dev.cdc.base.Shutdown;
import dev.cdc.db.Db;
import dev.cdc.serve.ApiServer;
import dev.cdc.serve.BadRequest;
import dev.cdc.serve.Commands;
import dev.cdc.serve.ConsumerStore;
import dev.cdc.serve.Consumers;
import dev.cdc.serve.PipelineStore;
import dev.cdc.serve.Pipelines;
import dev.cdc.serve.Secrets;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        exitCodeListHeading = Failure.Help.HEADING,
        exitCodeList = {Failure.Help.STOPPED, Failure.Help.BUG, Failure.Help.USAGE, Failure.Help.PRECONDITION, Failure.Help.UNREACHABLE},
        header = "Run pipelines inside one process, managed through an HTTP API, until Ctrl-C or SIGTERM.",
        description = {
            "A pipeline is a source database and its tables, a topic per table and a target database: POST /pipelines sets up capture, creates the topics and starts it, running the same code as cdc setup, topic, produce and consume. Definitions and states are kept in cdc.pipelines in the state database (--state; the target's by default), so a restart of cdc serve, or another one started in its place, resumes every running pipeline where it stopped, exactly once as the commands do. Every endpoint but /health needs Authorization: Bearer <token> (--token-file or CDC_SERVE_TOKENS). Endpoints: see the README's 'cdc serve'."})
public final class ServeCommand implements Callable<Integer> {
    @Mixin Connections.Broker broker;

    @Mixin Connections.State state;

    @Option(names = "--port", defaultValue = "${env:CDC_SERVE_PORT:-8083}", paramLabel = "PORT",
            description = "Port of the API (env CDC_SERVE_PORT; default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
            description = "Address to listen on (default ${DEFAULT-VALUE}: this machine only; 0.0.0.0 for every interface).")
    String bind;

    @Option(names = "--tls-keystore", paramLabel = "FILE", defaultValue = "${env:CDC_SERVE_TLS_KEYSTORE}",
            description = "Serve HTTPS only, with the certificate and key of this key store (PKCS12, or JKS when it ends in "
                    + ".jks; e.g. openssl pkcs12 -export -in cert.pem -inkey key.pem -out cdc.p12) (env CDC_SERVE_TLS_KEYSTORE).")
    Path tlsKeystore;

    @Option(names = "--tls-keystore-password", paramLabel = "PASSWORD", showDefaultValue = CommandLine.Help.Visibility.NEVER,
            defaultValue = "${env:CDC_SERVE_TLS_PASSWORD}",
            description = "Its password (env CDC_SERVE_TLS_PASSWORD).")
    String tlsKeystorePassword;

    @Option(names = "--token-file", paramLabel = "FILE", defaultValue = "${env:CDC_SERVE_TOKEN_FILE}",
            description = "File of the accepted bearer tokens, one per line (env CDC_SERVE_TOKEN_FILE); CDC_SERVE_TOKENS "
                    + "may also list tokens, comma-separated. At least one is required.")
    Path tokenFile;

    @Option(names = "--secrets-dir", paramLabel = "DIR", defaultValue = "${env:CDC_SERVE_SECRETS_DIR}",
            description = "Directory of the password files a definition may name as file:NAME (env CDC_SERVE_SECRETS_DIR); "
                    + "env: references name variables CDC_PIPELINE_*; passwords given in clear are stored encrypted "
                    + "under CDC_SERVE_SECRET.")
    Path secretsDir;

    @Option(names = "--jobs-dir", paramLabel = "DIR", defaultValue = "${env:CDC_SERVE_JOBS_DIR}",
            description = "Directory of the programs a consumer's job may run (POST /consumers, \"job\": {\"command\": NAME}); "
                    + "without it, jobs are HTTP calls only (env CDC_SERVE_JOBS_DIR).")
    Path jobsDir;

    @Override
    public Integer call() throws Exception {
        if (broker.explicitTopic() != null) {
            throw Failure.usage("--topic (or CDC_TOPIC) does not apply to cdc serve: each pipeline's tables have their topics");
        }
        List<String> tokens = tokens();
        if (tlsKeystore != null && (!Files.isReadable(tlsKeystore) || tlsKeystorePassword == null)) {
            throw Failure.usage(!Files.isReadable(tlsKeystore) ? "--tls-keystore " + tlsKeystore + ": no such file"
                    : "--tls-keystore needs --tls-keystore-password (or CDC_SERVE_TLS_PASSWORD)");
        }
        Db state = this.state.db();
        if (state.isMySql()) {
            throw Failure.usage("--state must be a PostgreSQL database (jdbc:postgresql:...)");
        }
        PipelineStore store = new PipelineStore(state);
        store.install();
        InProcess commands = new InProcess();
        ConsumerStore consumerStore = new ConsumerStore(state);
        consumerStore.install();
        Consumers consumers = new Consumers(commands, consumerStore, jobsDir);
        Pipelines pipelines = new Pipelines(store, commands, new Secrets(System.getenv("CDC_SERVE_SECRET"), secretsDir),
                broker.kafka());
        ApiServer api = new ApiServer(pipelines, consumers, broker.kafka(), tokens, () -> ready(state),
                new ApiServer.Listener(bind, port, tlsKeystore, tlsKeystorePassword));
        try {
            api.start();
        } catch (RuntimeException e) {
            throw Failure.precondition("cannot listen on " + bind + ":" + port + ": " + Db.rootMessage(e)
                    + (tlsKeystore != null ? " (the port in use? the key store or its password wrong?)"
                    : " (another process uses the port? pick another --port)"));
        }
        pipelines.reconcile();
        consumers.reconcile();
        java.util.concurrent.ScheduledExecutorService follow = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pipelines-follow");
            t.setDaemon(true);
            return t;
        });
        follow.scheduleWithFixedDelay(() -> {
            try {
                pipelines.reconcile(); // pauses, stops and changes made through another cdc serve on this state database
                consumers.reconcile();
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger("cdc").warn("cannot read the pipelines: {}", Db.rootMessage(e));
            }
        }, Pipelines.FOLLOW_MILLIS, Pipelines.FOLLOW_MILLIS, TimeUnit.MILLISECONDS);
        System.err.println("cdc serve: listening on http" + (tlsKeystore != null ? "s" : "") + "://" + bind + ":" + api.port() + " (state in the " + state.where() + ")");
        CountDownLatch stopped = new CountDownLatch(1);
        Shutdown.onSignal(stopped::countDown);
        stopped.await();
        api.close();
        follow.shutdownNow();
        consumers.stopAll();
        pipelines.stopAll();
        return 0;
    }

    private List<String> tokens() throws IOException {
        List<String> tokens = new ArrayList<>();
        String env = System.getenv("CDC_SERVE_TOKENS");
        if (env != null) {
            Arrays.stream(env.split(",")).map(String::strip).filter(t -> !t.isEmpty()).forEach(tokens::add);
        }
        if (tokenFile != null) {
            if (!Files.isRegularFile(tokenFile)) {
                throw Failure.usage("--token-file " + tokenFile + ": no such file");
            }
            Files.readAllLines(tokenFile).stream().map(String::strip).filter(t -> !t.isEmpty() && !t.startsWith("#"))
                    .forEach(tokens::add);
        }
        if (tokens.isEmpty()) {
            throw Failure.usage("no token: give --token-file FILE (one token per line) or CDC_SERVE_TOKENS; "
                    + "every endpoint but /health requires one");
        }
        if (tokens.stream().anyMatch(t -> t.length() < 16)) {
            throw Failure.usage("a token is shorter than 16 characters: use long random ones (e.g. openssl rand -hex 32)");
        }
        return tokens;
    }

    private boolean ready(Db state) {
        try (Handle h = state.open("cdc-serve"); var admin = broker.kafka().admin()) {
            h.createQuery("SELECT 1").mapTo(Integer.class).one();
            admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** The commands, run in this process with the broker of cdc serve. */
    private final class InProcess implements Commands {
        private List<String> withBroker(List<String> args) {
            List<String> all = new ArrayList<>(args);
            all.addAll(List.of("--bootstrap-servers", broker.bootstrapServers));
            if (broker.config != null) {
                all.addAll(List.of("--kafka-config", broker.config.toString()));
            }
            return all;
        }

        @Override
        public Outcome run(List<String> args) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cl = CdcCommand.commandLine();
            cl.setExpandAtFiles(false); // an argument from a definition is a value, never a file to read
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            boolean usesBroker = cl.getSubcommands().get(args.get(0)).getCommandSpec().findOption("--bootstrap-servers") != null;
            int code = cl.execute((usesBroker ? withBroker(args) : args).toArray(String[]::new));
            return new Outcome(code, out.toString().strip(), err.toString().lines().findFirst().orElse("")); // the reason, without the usage help
        }

        @Override
        public Loop produce(List<String> args) {
            ProduceCommand command = new ProduceCommand();
            parse(command, args);
            return command.prepare();
        }

        @Override
        public Loop consume(List<String> args) {
            ConsumeCommand command = new ConsumeCommand();
            parse(command, args);
            return command.prepare();
        }

        private void parse(Object command, List<String> args) {
            try {
                new CommandLine(command).setExpandAtFiles(false).parseArgs(withBroker(args.subList(1, args.size())).toArray(String[]::new));
            } catch (CommandLine.ParameterException e) {
                throw new BadRequest("cdc " + args.get(0) + ": " + e.getMessage());
            }
        }
    }
}
