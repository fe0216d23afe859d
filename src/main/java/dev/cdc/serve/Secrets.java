package dev.cdc.serve;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The passwords of pipeline definitions, as stored in {@code cdc.pipelines}: a reference
 * ({@code env:CDC_PIPELINE_<NAME>_SOURCE} or {@code _TARGET}, a variable of cdc serve's environment,
 * or {@code file:FILE}, a file of the pipeline's folder of its {@code --secrets-dir}; read when the pipeline
 * starts) is kept as it is, and no other variable or file can be named, so that an API client cannot make
 * cdc serve send its own secrets, or another pipeline's, to a database of the client's choosing; a password
 * given in clear is sealed with AES-GCM under the key of {@code CDC_SERVE_SECRET} ({@code sealed:}
 * and base64 of nonce and ciphertext), and refused when cdc serve has no key. Never returned, never logged.
 */
public final class Secrets {
    private static final String SEALED = "sealed:";
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Keeps what it is given: stored definitions, whose passwords are sealed or references already. */
    static final Secrets KEEP = new Secrets(null, null, true);

    private final SecretKeySpec key;
    private final Path directory;
    private final boolean keep;

    /** {@code secret}: any text (hashed to a 256-bit key), or null for none; {@code directory}: of file: references, or null. */
    public Secrets(String secret, Path directory) {
        this(secret == null || secret.isEmpty() ? null
                : new SecretKeySpec(sha256(secret.getBytes(StandardCharsets.UTF_8)), "AES"),
                directory == null ? null : directory.toAbsolutePath().normalize(), false);
    }

    private Secrets(SecretKeySpec key, Path directory, boolean keep) {
        this.key = key;
        this.directory = directory;
        this.keep = keep;
    }

    /**
     * The form to store of the password of {@code side} (source, target, or http: the endpoint's
     * Authorization) of pipeline {@code owner}: a
     * reference must be that pipeline's, env:CDC_PIPELINE_&lt;OWNER&gt;_&lt;SIDE&gt; or a file of its folder of
     * the secrets directory, so that one pipeline's definition cannot take another's password.
     */
    String seal(String password, String owner, String side) {
        String field = side + (side.equals("http") ? ".authorization" : ".password");
        if (keep) {
            return password;
        }
        if (password.startsWith("env:")) {
            String variable = "CDC_PIPELINE_" + owner.toUpperCase(java.util.Locale.ROOT) + "_" + side.toUpperCase(java.util.Locale.ROOT);
            if (!password.substring(4).equals(variable)) {
                throw new BadRequest(field + ": env: names the variable of this pipeline's " + side + ", " + variable);
            }
            return password;
        }
        if (password.startsWith("file:")) {
            file(owner, password.substring(5), field);
            return password;
        }
        if (password.startsWith(SEALED)) {
            throw new BadRequest(field + ": give the password itself, or env:CDC_PIPELINE_... or file:NAME");
        }
        if (key == null) {
            throw new BadRequest(field + ": give it as env:CDC_PIPELINE_... or file:NAME (read by cdc serve when the pipeline starts), "
                    + "or start cdc serve with CDC_SERVE_SECRET set, to store passwords encrypted");
        }
        try {
            byte[] nonce = new byte[12];
            RANDOM.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            byte[] sealed = c.doFinal(password.getBytes(StandardCharsets.UTF_8));
            byte[] out = Arrays.copyOf(nonce, nonce.length + sealed.length);
            System.arraycopy(sealed, 0, out, nonce.length, sealed.length);
            return SEALED + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The password itself, from its stored form, of pipeline {@code owner}. */
    String open(String stored, String owner) {
        if (stored.startsWith("env:")) {
            String v = System.getenv(stored.substring(4));
            if (v == null) {
                throw new BadRequest("the environment of cdc serve has no " + stored.substring(4));
            }
            return v;
        }
        if (stored.startsWith("file:")) {
            try {
                Path p = file(owner, stored.substring(5), "a password");
                if (!p.toRealPath().startsWith(directory.resolve(owner).toRealPath())) { // a link out of the folder
                    throw new BadRequest("a password file of pipeline " + owner + " is a link out of its folder of --secrets-dir");
                }
                return Files.readString(p).strip();
            } catch (java.io.IOException e) {
                throw new BadRequest("cannot read the password file " + stored.substring(5));
            }
        }
        if (key == null) {
            throw new BadRequest("a password is stored encrypted, and cdc serve was started without CDC_SERVE_SECRET");
        }
        try {
            byte[] in = Base64.getDecoder().decode(stored.substring(SEALED.length()));
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, in, 0, 12));
            return new String(c.doFinal(in, 12, in.length - 12), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new BadRequest("a stored password cannot be decrypted: CDC_SERVE_SECRET is not the one it was stored with");
        }
    }

    /** A file: reference's file, which must be in the pipeline's folder of the secrets directory. */
    private Path file(String owner, String name, String field) {
        if (directory == null) {
            throw new BadRequest(field + ": file: references need cdc serve started with --secrets-dir");
        }
        Path folder = directory.resolve(owner);
        Path p = folder.resolve(name).toAbsolutePath().normalize();
        if (!p.startsWith(folder) || p.equals(folder)) {
            throw new BadRequest(field + ": file: names a file of this pipeline's folder of --secrets-dir, " + owner + "/");
        }
        return p;
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
