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
 * ({@code env:NAME}, {@code file:PATH}, read when the pipeline starts) is kept as it is; a password
 * given in clear is sealed with AES-GCM under the key of {@code CDC_SERVE_SECRET} ({@code sealed:}
 * and base64 of nonce and ciphertext), and refused when cdc serve has no key. Never returned, never logged.
 */
public final class Secrets {
    private static final String SEALED = "sealed:";
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Keeps what it is given: stored definitions, whose passwords are sealed or references already. */
    static final Secrets KEEP = new Secrets(null, true);

    private final SecretKeySpec key;
    private final boolean keep;

    /** {@code secret}: any text (hashed to a 256-bit key), or null for none. */
    public Secrets(String secret) {
        this(secret == null || secret.isEmpty() ? null
                : new SecretKeySpec(sha256(secret.getBytes(StandardCharsets.UTF_8)), "AES"), false);
    }

    private Secrets(SecretKeySpec key, boolean keep) {
        this.key = key;
        this.keep = keep;
    }

    /** The form to store. */
    String seal(String password, String field) {
        if (keep || password.startsWith("env:") || password.startsWith("file:")) {
            return password;
        }
        if (password.startsWith(SEALED)) {
            throw new BadRequest(field + ": give the password itself, or env:NAME or file:PATH");
        }
        if (key == null) {
            throw new BadRequest(field + ": give it as env:NAME or file:PATH (read by cdc serve when the pipeline starts), "
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

    /** The password itself, from its stored form. */
    String open(String stored) {
        if (stored.startsWith("env:")) {
            String v = System.getenv(stored.substring(4));
            if (v == null) {
                throw new BadRequest("the environment of cdc serve has no " + stored.substring(4));
            }
            return v;
        }
        if (stored.startsWith("file:")) {
            try {
                return Files.readString(Path.of(stored.substring(5))).strip();
            } catch (java.io.IOException e) {
                throw new BadRequest("cannot read the password file " + stored.substring(5) + ": " + e.getMessage());
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

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
