package dev.cdc.embedded;

import dev.cdc.base.Failure;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free ports for servers started on this machine. */
public final class Ports {
    private Ports() {
    }

    /** A port nothing listens on right now. */
    public static int free() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    public static void requireFree(int port, String what) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
        } catch (IOException e) {
            throw Failure.precondition("cannot start " + what + ": port " + port + " is already in use");
        }
    }
}
