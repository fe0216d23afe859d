package dev.cdc.cli;

import dev.cdc.base.Failure;
import dev.cdc.sink.HttpSink;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Option;

/** The options of consume --sink http: the endpoint, the body, the authorization. Secrets are never shown. */
public final class HttpOptions {
    @Option(names = "--url", paramLabel = "URL", defaultValue = "${env:CDC_HTTP_URL}",
            description = "With --sink http: the endpoint each batch is POSTed to (env CDC_HTTP_URL).")
    String url;

    @Option(names = "--http-timeout", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "With --sink http: how long to wait to connect and for an answer (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--header", paramLabel = "NAME:VALUE",
            description = "With --sink http: an extra request header (repeatable); values are never printed.")
    List<String> headers = new ArrayList<>();

    @Option(names = "--body-prefix", defaultValue = "[", description = "Written before the batch's events (default ${DEFAULT-VALUE}).")
    String prefix;

    @Option(names = "--body-separator", defaultValue = ",", description = "Written between events (default ${DEFAULT-VALUE}; \\n for JSON lines).")
    String separator;

    @Option(names = "--body-suffix", defaultValue = "]", description = "Written after the batch's events (default ${DEFAULT-VALUE}).")
    String suffix;

    @Option(names = "--auth-header", paramLabel = "VALUE", showDefaultValue = Visibility.NEVER,
            defaultValue = "${env:CDC_HTTP_AUTHORIZATION}",
            description = "A fixed Authorization header, such as 'Bearer abc' (env CDC_HTTP_AUTHORIZATION; never printed).")
    String authHeader;

    @Option(names = "--oauth-token-url", paramLabel = "URL",
            description = "OAuth2 client credentials: the token endpoint; the token is sent as Bearer and fetched again when it expires or is refused.")
    String tokenUrl;

    @Option(names = "--oauth-client-id", paramLabel = "ID", description = "OAuth2 client id.")
    String clientId;

    @Option(names = "--oauth-client-secret", paramLabel = "SECRET", showDefaultValue = Visibility.NEVER,
            defaultValue = "${env:CDC_OAUTH_CLIENT_SECRET}",
            description = "OAuth2 client secret (env CDC_OAUTH_CLIENT_SECRET; never printed).")
    String clientSecret;

    @Option(names = "--oauth-scope", paramLabel = "SCOPE", description = "OAuth2 scope to ask for (default: none).")
    String scope;

    /** How the client authenticates to the token endpoint. */
    enum ClientAuth { header, form }

    @Option(names = "--oauth-client-auth", paramLabel = "header|form", defaultValue = "header",
            description = "header: HTTP Basic with the id and secret; form: client_id and client_secret in the form (default ${DEFAULT-VALUE}).")
    ClientAuth clientAuth;

    @Option(names = "--oauth-token-property", paramLabel = "NAME", defaultValue = "access_token",
            description = "The token endpoint's answer holds the token in this property (default ${DEFAULT-VALUE}).")
    String tokenProperty;

    HttpSink.Config config() {
        if (url == null) {
            throw Failure.usage("--sink http needs --url (or CDC_HTTP_URL)");
        }
        Map<String, String> h = new LinkedHashMap<>();
        for (String header : headers) {
            int colon = header.indexOf(':');
            if (colon < 1) {
                throw Failure.usage("--header takes NAME:VALUE, got a header without a name or a colon");
            }
            h.put(header.substring(0, colon).strip(), header.substring(colon + 1).strip());
        }
        HttpSink.Auth auth = new HttpSink.NoAuth();
        if (tokenUrl != null) {
            if (authHeader != null && !authHeader.isBlank()) {
                throw Failure.usage("give --auth-header or --oauth-token-url, not both");
            }
            if (clientId == null || clientSecret == null) {
                throw Failure.usage("--oauth-token-url needs --oauth-client-id and --oauth-client-secret (or CDC_OAUTH_CLIENT_SECRET)");
            }
            auth = new HttpSink.OAuth2(uri(tokenUrl, "--oauth-token-url"), clientId, clientSecret, scope,
                    clientAuth == ClientAuth.header, tokenProperty);
        } else if (authHeader != null && !authHeader.isBlank()) {
            auth = new HttpSink.StaticAuth(authHeader);
        }
        return new HttpSink.Config(uri(url, "--url"), h, auth, timeout, unescape(prefix), unescape(separator), unescape(suffix));
    }

    private static URI uri(String text, String option) {
        try {
            URI u = URI.create(text);
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
                throw new IllegalArgumentException("not an http or https URL");
            }
            return u;
        } catch (IllegalArgumentException e) {
            throw Failure.usage(option + ": not an http(s) URL (it needs the scheme http or https and a host)");
        }
    }

    /** \n and \t as typed on a command line. */
    private static String unescape(String s) {
        return s.replace("\\n", "\n").replace("\\t", "\t");
    }
}
