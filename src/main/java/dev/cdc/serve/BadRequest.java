package dev.cdc.serve;

/** A request the API refuses, with the HTTP status and one line saying why (no stack trace reaches the client). */
public class BadRequest extends RuntimeException {
    private final int status;

    public BadRequest(String message) {
        this(400, message);
    }

    public BadRequest(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    static BadRequest notFound(String what) {
        return new BadRequest(404, what + " not found");
    }

    static BadRequest conflict(String message) {
        return new BadRequest(409, message);
    }
}
