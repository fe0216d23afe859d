package dev.cdc.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;

/**
 * A key pair and a self-signed certificate for 127.0.0.1 and localhost, for the local servers' TLS
 * listeners: made once per directory with the JDK's keytool, as PKCS12 key and trust stores (Kafka)
 * and as PEM files (PostgreSQL, and clients such as pgjdbc's sslrootcert).
 */
public final class Certificates {
    /** The password of both stores (local test servers only). */
    public static final String PASSWORD = "local-only";
    private final Path dir;

    private Certificates(Path dir) {
        this.dir = dir;
    }

    public Path keystore() {
        return dir.resolve("server.p12");
    }

    public Path truststore() {
        return dir.resolve("truststore.p12");
    }

    public Path certificatePem() {
        return dir.resolve("server.crt");
    }

    public Path keyPem() {
        return dir.resolve("server.key");
    }

    /** The certificates in {@code dir}, made there first if they are not. */
    public static Certificates in(Path dir) throws IOException {
        Certificates c = new Certificates(dir);
        if (!Files.exists(c.keyPem())) {
            c.make();
        }
        return c;
    }

    private void make() throws IOException {
        Files.createDirectories(dir);
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Files.deleteIfExists(keystore());
        Files.deleteIfExists(truststore());
        keytool(List.of(keytool, "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048",
                "-validity", "3650", "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-storetype", "PKCS12", "-keystore", keystore().toString(), "-storepass", PASSWORD, "-keypass", PASSWORD));
        try (InputStream in = Files.newInputStream(keystore())) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, PASSWORD.toCharArray());
            Files.writeString(certificatePem(), pem("CERTIFICATE", ks.getCertificate("server").getEncoded()));
            Path key = keyPem();
            Files.deleteIfExists(key);
            Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(key, pem("PRIVATE KEY", ks.getKey("server", PASSWORD.toCharArray()).getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the key store keytool made: " + e.getMessage(), e);
        }
        keytool(List.of(keytool, "-importcert", "-noprompt", "-alias", "server", "-file", certificatePem().toString(),
                "-storetype", "PKCS12", "-keystore", truststore().toString(), "-storepass", PASSWORD));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static void keytool(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                throw new IOException("keytool failed: " + out.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while making a certificate", e);
        }
    }
}
