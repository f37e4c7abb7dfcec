package dev.vigil.inference;

import dev.vigil.nativeio.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The Coral Edge TPU runtime ({@code libedgetpu.so.1}, C API of {@code edgetpu_c.h}) bound through FFM.
 *
 * <p>One instance per library file, kept for the life of the process: a delegate made by the library points into
 * its code, so the library is never unloaded (it is loaded into {@link Arena#global()}). Device lists are copied
 * into records and freed at once; a delegate is owned by the {@link TpuDelegate} returned, freed by its close.
 * Everything assumes a 64-bit ABI (x86_64, aarch64), the only ones vigil ships natives for.
 */
public final class EdgeTpu {

    /** The library name the Coral packages install; found through the system loader's search path. */
    public static final String DEFAULT_LIBRARY = "libedgetpu.so.1";

    private static final String INSTALL = "install the Coral apt package libedgetpu1-std";

    /** {@code enum edgetpu_device_type}; the ordinal is the C value. */
    public enum Type {
        PCI, USB;

        public String key() { return name().toLowerCase(Locale.ROOT); }
    }

    /**
     * One Edge TPU as the runtime lists it.
     *
     * @param index the position among the devices of the same type, as in "usb:0"
     * @param path  the runtime's device path ("/sys/bus/usb/devices/2-1", "/dev/apex_0"), passed back on create
     */
    public record Device(Type type, int index, String path) {
        public String id() { return type.key() + ":" + index; }

        @Override public String toString() { return id() + " (" + path + ")"; }
    }

    /** Why no Edge TPU delegate could be made; the message is one line that names the fix. */
    public static final class Unavailable extends RuntimeException {
        public enum Reason { NO_LIBRARY, NOT_LIBEDGETPU, NO_DEVICE, NO_SUCH_DEVICE, OPEN_FAILED }

        private final Reason reason;

        Unavailable(Reason reason, String message) {
            super(message);
            this.reason = reason;
        }

        public Reason reason() { return reason; }
    }

    /**
     * What {@link #probe(String)} found, for {@code vigil doctor}.
     *
     * @param libraryLoaded whether the library could be loaded and has the Edge TPU C API
     * @param version       {@code edgetpu_version()}, or null when not loaded
     * @param problem       null when at least one device is present, else the one-line reason
     */
    public record Probe(String library, boolean libraryLoaded, String version, List<Device> devices, String problem) {
        public Probe { devices = List.copyOf(devices); }

        public boolean available() { return problem == null; }
    }

    /** Struct layouts of edgetpu_c.h on a 64-bit ABI: an int enum padded to the pointer that follows. */
    private static final StructLayout DEVICE = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("type"), MemoryLayout.paddingLayout(4), ValueLayout.ADDRESS.withName("path"));
    private static final StructLayout OPTION = MemoryLayout.structLayout(
            ValueLayout.ADDRESS.withName("name"), ValueLayout.ADDRESS.withName("value"));
    /** size_t on the 64-bit ABIs vigil supports. */
    private static final ValueLayout.OfLong SIZE_T = ValueLayout.JAVA_LONG;

    private static final Map<String, EdgeTpu> LOADED = new ConcurrentHashMap<>();

    private final String library;
    private final MethodHandle listDevices, freeDevices, createDelegate, freeDelegate, verbosity, version;

    private EdgeTpu(String library, SymbolLookup lib) {
        this.library = library;
        Linker linker = Linker.nativeLinker();
        listDevices = linker.downcallHandle(symbol(lib, "edgetpu_list_devices"),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        freeDevices = linker.downcallHandle(symbol(lib, "edgetpu_free_devices"),
                FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
        createDelegate = linker.downcallHandle(symbol(lib, "edgetpu_create_delegate"), FunctionDescriptor.of(
                ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, SIZE_T));
        freeDelegate = linker.downcallHandle(symbol(lib, "edgetpu_free_delegate"),
                FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
        verbosity = linker.downcallHandle(symbol(lib, "edgetpu_verbosity"),
                FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT));
        version = linker.downcallHandle(symbol(lib, "edgetpu_version"), FunctionDescriptor.of(ValueLayout.ADDRESS));
    }

    private MemorySegment symbol(SymbolLookup lib, String name) {
        return lib.find(name).orElseThrow(() -> new Unavailable(Unavailable.Reason.NOT_LIBEDGETPU,
                library + " does not export " + name + " (not libedgetpu? " + INSTALL + ")"));
    }

    /**
     * Loads the runtime: {@code library} null or {@value #DEFAULT_LIBRARY} through the system loader, a name with a
     * slash as that file.
     *
     * @throws Unavailable when the library is missing or is not libedgetpu
     */
    public static EdgeTpu load(String library) {
        String lib = library == null || library.isBlank() ? DEFAULT_LIBRARY : library.strip();
        EdgeTpu loaded = LOADED.get(lib);
        if (loaded != null) return loaded;
        synchronized (LOADED) {
            loaded = LOADED.get(lib);
            if (loaded == null) {
                loaded = new EdgeTpu(lib, open(lib));
                LOADED.put(lib, loaded);
            }
            return loaded;
        }
    }

    private static SymbolLookup open(String lib) {
        boolean isPath = lib.contains("/");
        if (isPath && !Files.exists(Path.of(lib)))
            throw new Unavailable(Unavailable.Reason.NO_LIBRARY,
                    "libedgetpu is not installed at " + lib + " (" + INSTALL + ", or fix the library path)");
        try {
            return isPath ? SymbolLookup.libraryLookup(Path.of(lib), Arena.global())
                    : SymbolLookup.libraryLookup(lib, Arena.global());
        } catch (IllegalArgumentException e) {
            String why = Libc.dlopenError(lib); // the JDK's lookup says only "cannot open", hiding a missing libusb-1.0
            boolean notThere = why == null || why.startsWith(lib + ": cannot open shared object file");
            throw new Unavailable(Unavailable.Reason.NO_LIBRARY, notThere
                    ? lib + " is not installed (" + INSTALL + ")"
                    : lib + " cannot be loaded: " + why + " (" + INSTALL + ")");
        }
    }

    public String library() { return library; }

    /** {@code edgetpu_version()}, e.g. "BuildLabel(...), RuntimeVersion(14)". */
    public String version() {
        try {
            MemorySegment s = (MemorySegment) version.invokeExact();
            return s.address() == 0 ? "unknown" : s.reinterpret(Long.MAX_VALUE).getString(0);
        } catch (Throwable t) {
            throw new IllegalStateException("edgetpu_version failed: " + t, t);
        }
    }

    /** {@code edgetpu_verbosity}: 0 (default) to 10, the runtime's log level on stderr. */
    public void verbosity(int level) {
        try {
            verbosity.invokeExact(level);
        } catch (Throwable t) {
            throw new IllegalStateException("edgetpu_verbosity failed: " + t, t);
        }
    }

    /** The devices the runtime sees now, in its order; the native list is freed before this returns. */
    public List<Device> listDevices() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(SIZE_T);
            MemorySegment list = (MemorySegment) listDevices.invokeExact(count);
            if (list.address() == 0) return List.of();
            try {
                long n = count.get(SIZE_T, 0);
                MemorySegment devices = list.reinterpret(DEVICE.byteSize() * n);
                List<Device> out = new ArrayList<>();
                int[] perType = new int[Type.values().length];
                for (long i = 0; i < n; i++) {
                    MemorySegment d = devices.asSlice(i * DEVICE.byteSize(), DEVICE);
                    int t = d.get(ValueLayout.JAVA_INT, 0);
                    if (t < 0 || t >= perType.length) continue; // a device type newer than this binding
                    Type type = Type.values()[t];
                    MemorySegment p = d.get(ValueLayout.ADDRESS, DEVICE.byteOffset(MemoryLayout.PathElement.groupElement("path")));
                    String path = p.address() == 0 ? "" : p.reinterpret(Long.MAX_VALUE).getString(0);
                    out.add(new Device(type, perType[t]++, path));
                }
                return List.copyOf(out);
            } finally {
                freeDevices.invokeExact(list);
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("edgetpu_list_devices failed: " + t, t);
        }
    }

    /**
     * Picks a device: null or "" the first, "usb"/"pci" the first of that type, "usb:N"/"pci:N" the Nth of that
     * type, anything else the device whose path is exactly that.
     *
     * @throws Unavailable when there is no device at all or none matches
     */
    public static Device select(List<Device> devices, String spec) {
        if (devices.isEmpty())
            throw new Unavailable(Unavailable.Reason.NO_DEVICE, "no Edge TPU found (plug in the Coral USB Accelerator"
                    + " and check `lsusb` shows 1a6e:089a or 18d1:9302, or for PCIe that /dev/apex_0 exists)");
        String s = spec == null ? "" : spec.strip();
        Optional<Device> found;
        if (s.isEmpty()) {
            found = Optional.of(devices.getFirst());
        } else {
            String lower = s.toLowerCase(Locale.ROOT);
            Type type = lower.startsWith("usb") ? Type.USB : lower.startsWith("pci") ? Type.PCI : null;
            String rest = type == null ? null : lower.substring(3);
            if (type != null && rest.isEmpty()) {
                found = devices.stream().filter(d -> d.type() == type).findFirst();
            } else if (type != null && rest.matches(":\\d{1,9}")) {
                int n = Integer.parseInt(rest.substring(1));
                found = devices.stream().filter(d -> d.type() == type && d.index() == n).findFirst();
            } else {
                found = devices.stream().filter(d -> d.path().equals(s)).findFirst();
            }
        }
        return found.orElseThrow(() -> new Unavailable(Unavailable.Reason.NO_SUCH_DEVICE, "Edge TPU device \"" + s
                + "\" not found; found " + devices.stream().map(Device::toString).collect(Collectors.joining(", "))
                + " (give usb, pci, usb:N, pci:N or one of those paths)"));
    }

    /**
     * {@code edgetpu_create_delegate} for one device, with runtime options such as {@code Performance=max}.
     * The caller owns the result and closes it after the interpreter that uses it.
     *
     * @throws Unavailable when the runtime cannot open the device
     */
    public TpuDelegate createDelegate(Device device, Map<String, String> options) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment opts = MemorySegment.NULL;
            if (!options.isEmpty()) {
                opts = arena.allocate(OPTION, options.size());
                long i = 0;
                for (Map.Entry<String, String> e : options.entrySet()) {
                    opts.setAtIndex(ValueLayout.ADDRESS, 2 * i, arena.allocateFrom(e.getKey()));
                    opts.setAtIndex(ValueLayout.ADDRESS, 2 * i + 1, arena.allocateFrom(e.getValue()));
                    i++;
                }
            }
            MemorySegment d = (MemorySegment) createDelegate.invokeExact(device.type().ordinal(),
                    arena.allocateFrom(device.path()), opts, (long) options.size());
            if (d.address() == 0)
                throw new Unavailable(Unavailable.Reason.OPEN_FAILED, "Edge TPU " + device + " cannot be opened"
                        + " (in use by another process, or no permission: install the Coral udev rules or join the apex group)");
            return new TpuDelegate(this, d, device);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("edgetpu_create_delegate failed: " + t, t);
        }
    }

    /** Library, version and devices, or why not; never throws. */
    public static Probe probe(String library) {
        String lib = library == null || library.isBlank() ? DEFAULT_LIBRARY : library.strip();
        EdgeTpu tpu;
        try {
            tpu = load(lib);
        } catch (RuntimeException | LinkageError e) {
            return new Probe(lib, false, null, List.of(), e.getMessage());
        }
        String version = null;
        try {
            version = tpu.version();
            List<Device> devices = tpu.listDevices();
            select(devices, null);
            return new Probe(lib, true, version, devices, null);
        } catch (RuntimeException | LinkageError e) {
            return new Probe(lib, true, version, List.of(), e.getMessage());
        }
    }

    /**
     * The CPU build of an Edge TPU model, by the Coral naming convention: "X_edgetpu.tflite" gives "X.tflite",
     * a catalog name "X_edgetpu" gives "X"; any other name is already a CPU model and comes back as it is.
     */
    public static String cpuModelName(String model) {
        if (model.endsWith("_edgetpu.tflite")) return model.substring(0, model.length() - "_edgetpu.tflite".length()) + ".tflite";
        if (model.endsWith("_edgetpu")) return model.substring(0, model.length() - "_edgetpu".length());
        return model;
    }

    /** An Edge TPU delegate; {@link #close()} calls {@code edgetpu_free_delegate} exactly once. */
    public static final class TpuDelegate implements NativeDelegate {
        private final EdgeTpu runtime;
        private final MemorySegment delegate;
        private final Device device;
        private boolean closed;

        private TpuDelegate(EdgeTpu runtime, MemorySegment delegate, Device device) {
            this.runtime = runtime;
            this.delegate = delegate;
            this.device = device;
        }

        public Device device() { return device; }

        @Override public long address() { return delegate.address(); }

        @Override public String name() { return "edgetpu(" + device + ")"; }

        @Override
        public synchronized void close() {
            if (closed) return;
            closed = true;
            try {
                runtime.freeDelegate.invokeExact(delegate);
            } catch (Throwable t) {
                throw new IllegalStateException("edgetpu_free_delegate failed: " + t, t);
            }
        }
    }
}
