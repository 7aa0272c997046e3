package io.mptrec.model.nn;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * This process's own environment, as native libraries read it (through the C library: Java has no way to change its
 * environment). Native libraries read their variables once, when they load, so a change must come before that.
 */
final class ProcessEnvironment {

    private ProcessEnvironment() {
    }

    private interface CLibrary extends Library {
        int setenv(String name, String value, int overwrite);

        int unsetenv(String name);
    }

    /** Sets {@code name} to {@code value}, replacing a value already there. */
    static void set(String name, String value) {
        Native.load("c", CLibrary.class).setenv(name, value, 1);
    }

    static void unset(String name) {
        Native.load("c", CLibrary.class).unsetenv(name);
    }
}
