package dev.vigil.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.vigil.testing.TestData;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The Edge TPU path end to end against a stand-in libedgetpu (src/test/c/fake_edgetpu.c, compiled here with gcc):
 * the FFM binding loads it, lists devices, creates a delegate that TFLite applies and runs (a real XNNPACK delegate
 * behind the Edge TPU API), and frees lists and delegates exactly once, which the stand-in counts.
 */
class EdgeTpuStandInTest {

    private static final int MILITARY_UNIFORM = 653;

    @TempDir static Path tmp;
    private static Path models, fakeLibrary;
    private static Fake fake;
    private static byte[] graceHopper;
    private static int cpuTop1;

    /** The stand-in's test-only functions. */
    private record Fake(MethodHandle setTflite, MethodHandle setDevices, MethodHandle setFailCreate, MethodHandle liveListsFn,
                        MethodHandle liveDelegatesFn, MethodHandle createdFn, MethodHandle badFreesFn,
                        MethodHandle verbosityFn, MethodHandle lastRequestFn) {
        static Fake bind(Path library) {
            Linker l = Linker.nativeLinker();
            SymbolLookup lib = SymbolLookup.libraryLookup(library, Arena.global());
            FunctionDescriptor intFn = FunctionDescriptor.of(ValueLayout.JAVA_INT);
            return new Fake(
                    l.downcallHandle(lib.find("fake_edgetpu_set_tflite").orElseThrow(),
                            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS)),
                    l.downcallHandle(lib.find("fake_edgetpu_set_devices").orElseThrow(),
                            FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT)),
                    l.downcallHandle(lib.find("fake_edgetpu_set_fail_create").orElseThrow(),
                            FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT)),
                    l.downcallHandle(lib.find("fake_edgetpu_live_device_lists").orElseThrow(), intFn),
                    l.downcallHandle(lib.find("fake_edgetpu_live_delegates").orElseThrow(), intFn),
                    l.downcallHandle(lib.find("fake_edgetpu_created_delegates").orElseThrow(), intFn),
                    l.downcallHandle(lib.find("fake_edgetpu_bad_frees").orElseThrow(), intFn),
                    l.downcallHandle(lib.find("fake_edgetpu_verbosity").orElseThrow(), intFn),
                    l.downcallHandle(lib.find("fake_edgetpu_last_request").orElseThrow(),
                            FunctionDescriptor.of(ValueLayout.ADDRESS)));
        }

        void devices(int usb, int pci) throws Throwable { setDevices.invokeExact(usb, pci); }

        void failCreate(boolean fail) throws Throwable { setFailCreate.invokeExact(fail ? 1 : 0); }

        int liveLists() throws Throwable { return (int) liveListsFn.invokeExact(); }

        int liveDelegates() throws Throwable { return (int) liveDelegatesFn.invokeExact(); }

        int created() throws Throwable { return (int) createdFn.invokeExact(); }

        int badFrees() throws Throwable { return (int) badFreesFn.invokeExact(); }

        int verbosity() throws Throwable { return (int) verbosityFn.invokeExact(); }

        String lastRequest() throws Throwable {
            return ((MemorySegment) lastRequestFn.invokeExact()).reinterpret(4096).getString(0);
        }
    }

    @BeforeAll
    static void compileStandInAndReadPhoto() throws Throwable {
        Path shared = TestData.shared();
        models = shared.resolve("models");
        Path source = Path.of(System.getProperty("vigil.root", ".."), "daemon/src/test/c/fake_edgetpu.c");
        assertTrue(Files.isRegularFile(source), "stand-in source " + source + " is missing");
        fakeLibrary = tmp.resolve("libedgetpu.so.1");
        compile(source, fakeLibrary);
        fake = Fake.bind(fakeLibrary);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment err = (MemorySegment) fake.setTflite.invokeExact(arena.allocateFrom(TfliteEngine.nativeLibrary()));
            if (err.address() != 0) fail("stand-in cannot reach XNNPACK: " + err.reinterpret(4096).getString(0));
        }
        graceHopper = rgb224(shared.resolve("test-images/grace_hopper.bmp"));
        try (TfliteEngine cpu = TfliteEngine.open(models.resolve("mobilenet_v2_1.0_224_quant.tflite"), EngineOptions.cpu(1))) {
            cpuTop1 = runTop1(cpu);
        }
        assertEquals(MILITARY_UNIFORM, cpuTop1, "CPU reference top-1 for grace_hopper.bmp");
    }

    private static void compile(Path source, Path out) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("gcc", "-shared", "-fPIC", "-O1", "-o", out.toString(), source.toString(), "-ldl")
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("gcc not found: this test compiles " + source.getFileName()
                    + " into a stand-in libedgetpu; install gcc (Debian/Ubuntu: apt-get install gcc)", e);
        }
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) fail("gcc failed on " + source + ":\n" + log);
    }

    /** grace_hopper.bmp decoded, resized to 224x224 and turned to RGB: the bytes the model's uint8 input takes. */
    private static byte[] rgb224(Path image) {
        try (Mat bgr = opencv_imgcodecs.imread(image.toString()); Mat small = new Mat(); Mat rgb = new Mat();
             Size size = new Size(224, 224)) {
            assertFalse(bgr.empty(), "cannot decode " + image);
            opencv_imgproc.resize(bgr, small, size);
            opencv_imgproc.cvtColor(small, rgb, opencv_imgproc.COLOR_BGR2RGB);
            byte[] out = new byte[224 * 224 * 3];
            rgb.data().capacity(out.length).get(out);
            return out;
        }
    }

    private static int runTop1(InferenceEngine engine) {
        ByteBuffer in = engine.input(0);
        assertEquals(graceHopper.length, in.capacity(), "input tensor size");
        in.clear();
        in.put(graceHopper);
        engine.invoke();
        ByteBuffer out = engine.output(0);
        int best = 0;
        for (int i = 1; i < out.capacity(); i++) if ((out.get(i) & 0xff) > (out.get(best) & 0xff)) best = i;
        return best;
    }

    private static EngineOptions options(Delegate d, String device) {
        return new EngineOptions(1, d, device, fakeLibrary.toString(), -1);
    }

    private static Path cpuModel() { return models.resolve("mobilenet_v2_1.0_224_quant.tflite"); }

    private static Path tpuModel() { return models.resolve("mobilenet_v2_1.0_224_quant_edgetpu.tflite"); }

    @BeforeEach
    void oneUsbDevice() throws Throwable {
        fake.devices(1, 0);
        fake.failCreate(false);
    }

    @AfterEach
    void everythingNativeWasFreedExactlyOnce() throws Throwable {
        System.gc();
        assertEquals(0, fake.liveDelegates(), "Edge TPU delegates still alive");
        assertEquals(0, fake.liveLists(), "device lists not freed");
        assertEquals(0, fake.badFrees(), "delegates freed twice or never handed out");
    }

    @Test
    void edgetpuDelegateRunsTheModelLikeTheCpuAndIsFreedOnClose() throws Throwable {
        int before = fake.created();
        TfliteEngine engine = TfliteEngine.open(cpuModel(), options(Delegate.EDGETPU, null));
        try {
            assertEquals(before + 1, fake.created(), "delegate created once");
            assertEquals(1, fake.liveDelegates());
            assertEquals(0, fake.liveLists(), "device list freed right after listing");
            assertEquals("usb /dev/fake/usb0", fake.lastRequest());
            assertEquals("edgetpu(usb:0 (/dev/fake/usb0))", engine.delegate(), "no XNNPACK on top of the Edge TPU");
            for (int i = 0; i < 3; i++) {
                assertEquals(cpuTop1, runTop1(engine), "top-1 on run " + i);
                System.gc();
            }
        } finally {
            engine.close();
        }
        assertEquals(0, fake.liveDelegates(), "freed on close");
        engine.close();
        assertEquals(before + 1, fake.created());
    }

    @Test
    void deviceOptionPicksByTypeIndexOrPath() throws Throwable {
        fake.devices(2, 1);
        for (var c : List.of(
                new String[] {"pci", "pci /dev/apex_0", "pci:0 (/dev/apex_0)"},
                new String[] {"usb", "usb /dev/fake/usb0", "usb:0 (/dev/fake/usb0)"},
                new String[] {"USB:1", "usb /dev/fake/usb1", "usb:1 (/dev/fake/usb1)"},
                new String[] {"/dev/fake/usb1", "usb /dev/fake/usb1", "usb:1 (/dev/fake/usb1)"},
                new String[] {"", "pci /dev/apex_0", "pci:0 (/dev/apex_0)"})) {
            try (TfliteEngine engine = TfliteEngine.open(cpuModel(), options(Delegate.EDGETPU, c[0]))) {
                assertEquals(c[1], fake.lastRequest(), "device \"" + c[0] + "\"");
                assertEquals("edgetpu(" + c[2] + ")", engine.delegate());
            }
            System.gc();
        }
    }

    @Test
    void noDeviceIsOneLineThatNamesTheCpuModel() throws Throwable {
        fake.devices(0, 0);
        int before = fake.created();
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> TfliteEngine.open(tpuModel(), options(Delegate.EDGETPU, null)));
        assertOneLine(e);
        assertTrue(e.getMessage().contains("no Edge TPU found"), e.getMessage());
        assertTrue(e.getMessage().contains("on the CPU use mobilenet_v2_1.0_224_quant.tflite"), e.getMessage());
        assertEquals(before, fake.created());
    }

    @Test
    void unknownDeviceListsTheDevicesFound() {
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> TfliteEngine.open(cpuModel(), options(Delegate.EDGETPU, "usb:1")));
        assertOneLine(e);
        assertTrue(e.getMessage().contains("Edge TPU device \"usb:1\" not found; found usb:0 (/dev/fake/usb0)"), e.getMessage());
        assertTrue(e.getMessage().contains("mobilenet_v2_1.0_224_quant.tflite"), e.getMessage());
    }

    @Test
    void deviceThatCannotBeOpenedSaysSo() throws Throwable {
        fake.failCreate(true);
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> TfliteEngine.open(tpuModel(), options(Delegate.EDGETPU, null)));
        assertOneLine(e);
        assertTrue(e.getMessage().contains("Edge TPU usb:0 (/dev/fake/usb0) cannot be opened"), e.getMessage());
        assertTrue(e.getMessage().contains("mobilenet_v2_1.0_224_quant.tflite with delegate: cpu"), e.getMessage());
    }

    @Test
    void missingLibraryTellsHowToInstallIt() {
        ModelLoadException byName = assertThrows(ModelLoadException.class, () -> TfliteEngine.open(tpuModel(),
                new EngineOptions(1, Delegate.EDGETPU, null, "libedgetpu-vigil-absent.so.1", -1)));
        assertOneLine(byName);
        assertTrue(byName.getMessage().contains("libedgetpu-vigil-absent.so.1 is not installed"
                + " (install the Coral apt package libedgetpu1-std)"), byName.getMessage());
        assertTrue(byName.getMessage().contains("on the CPU use mobilenet_v2_1.0_224_quant.tflite"), byName.getMessage());

        String path = tmp.resolve("nowhere/libedgetpu.so.1").toString();
        ModelLoadException byPath = assertThrows(ModelLoadException.class,
                () -> TfliteEngine.open(tpuModel(), new EngineOptions(1, Delegate.EDGETPU, null, path, -1)));
        assertOneLine(byPath);
        assertTrue(byPath.getMessage().contains("libedgetpu is not installed at " + path), byPath.getMessage());
        assertTrue(byPath.getMessage().contains("libedgetpu1-std"), byPath.getMessage());
        assertTrue(byPath.getMessage().contains("mobilenet_v2_1.0_224_quant.tflite"), byPath.getMessage());
    }

    @Test
    void autoWithoutDeviceRunsTheCpuBuildAfterOneWarning() throws Throwable {
        fake.devices(0, 0);
        ListAppender<ILoggingEvent> logged = capture();
        try (TfliteEngine engine = TfliteEngine.open(tpuModel(), options(Delegate.AUTO, null))) {
            assertEquals(cpuModel(), engine.path());
            assertFalse(engine.delegate().contains("edgetpu"), engine.delegate());
            assertEquals(MILITARY_UNIFORM, runTop1(engine));
            System.gc();
        } finally {
            release(logged);
        }
        List<ILoggingEvent> warnings = logged.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
        assertEquals(1, warnings.size(), "one warning line: " + warnings);
        String w = warnings.getFirst().getFormattedMessage();
        assertTrue(w.contains("no Edge TPU found") && w.contains("running mobilenet_v2_1.0_224_quant.tflite on the CPU"), w);
    }

    @Test
    void autoWithoutDeviceAndWithoutCpuBuildIsAnError() throws Throwable {
        fake.devices(0, 0);
        Path dir = Files.createDirectories(tmp.resolve("lonely"));
        Path model = dir.resolve(tpuModel().getFileName());
        if (!Files.exists(model)) Files.copy(tpuModel(), model);
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> TfliteEngine.open(model, options(Delegate.AUTO, null)));
        assertOneLine(e);
        assertTrue(e.getMessage().contains("no Edge TPU found"), e.getMessage());
        assertTrue(e.getMessage().contains("its CPU build mobilenet_v2_1.0_224_quant.tflite is not next to it"), e.getMessage());
    }

    @Test
    void autoKeepsACpuModelOnTheCpuEvenWithADevice() throws Throwable {
        int before = fake.created();
        try (TfliteEngine engine = TfliteEngine.open(cpuModel(), options(Delegate.AUTO, null))) {
            assertEquals(before, fake.created(), "no Edge TPU delegate for a model without Edge TPU operators");
            assertFalse(engine.delegate().contains("edgetpu"), engine.delegate());
            assertEquals(MILITARY_UNIFORM, runTop1(engine));
        }
    }

    @Test
    void autoTakesTheDeviceForAnEdgeTpuModelAndFreesItWhenTheGraphFails() throws Throwable {
        // The stand-in's delegate is XNNPACK, which cannot take edgetpu-custom-op: the build fails after the delegate
        // was created and handed to the engine, which must free it.
        int before = fake.created();
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> TfliteEngine.open(tpuModel(), options(Delegate.AUTO, null)));
        assertEquals(before + 1, fake.created(), "auto chose the Edge TPU");
        assertEquals(0, fake.liveDelegates(), "delegate freed after the failed build");
        assertOneLine(e);
        assertTrue(e.getMessage().contains("Edge TPU"), e.getMessage());
    }

    @Test
    void edgeTpuModelOnTheCpuNamesTheCpuBuild() {
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> TfliteEngine.open(tpuModel(), EngineOptions.cpu(1)));
        assertOneLine(e);
        assertTrue(e.getMessage().contains("Edge TPU"), e.getMessage());
        assertTrue(e.getMessage().contains("mobilenet_v2_1.0_224_quant.tflite"), e.getMessage());
    }

    @Test
    void bindingPassesOptionsAndFreesTheDelegateOnce() throws Throwable {
        EdgeTpu tpu = EdgeTpu.load(fakeLibrary.toString());
        assertEquals("fake-edgetpu 1.0 (vigil test stand-in)", tpu.version());
        tpu.verbosity(3);
        assertEquals(3, fake.verbosity());
        fake.devices(1, 2);
        List<EdgeTpu.Device> devices = tpu.listDevices();
        assertEquals(List.of(new EdgeTpu.Device(EdgeTpu.Type.PCI, 0, "/dev/apex_0"),
                new EdgeTpu.Device(EdgeTpu.Type.PCI, 1, "/dev/apex_1"),
                new EdgeTpu.Device(EdgeTpu.Type.USB, 0, "/dev/fake/usb0")), devices);
        EdgeTpu.TpuDelegate d = tpu.createDelegate(devices.get(2), Map.of("Performance", "max"));
        assertNotEquals(0L, d.address());
        assertEquals("usb /dev/fake/usb0 Performance=max", fake.lastRequest());
        assertEquals(1, fake.liveDelegates());
        d.close();
        d.close();
        assertEquals(0, fake.liveDelegates());
    }

    @Test
    void probeReportsLibraryVersionDevicesOrWhyNot() throws Throwable {
        fake.devices(1, 1);
        EdgeTpu.Probe ok = EdgeTpu.probe(fakeLibrary.toString());
        assertTrue(ok.available() && ok.libraryLoaded(), String.valueOf(ok));
        assertEquals("fake-edgetpu 1.0 (vigil test stand-in)", ok.version());
        assertEquals(2, ok.devices().size());
        assertNull(ok.problem());

        fake.devices(0, 0);
        EdgeTpu.Probe none = EdgeTpu.probe(fakeLibrary.toString());
        assertTrue(none.libraryLoaded() && !none.available(), String.valueOf(none));
        assertTrue(none.problem().startsWith("no Edge TPU found"), none.problem());

        EdgeTpu.Probe missing = EdgeTpu.probe("libedgetpu-vigil-absent.so.1");
        assertFalse(missing.libraryLoaded());
        assertNull(missing.version());
        assertTrue(missing.problem().contains("is not installed"), missing.problem());

        EdgeTpu.Probe wrong = EdgeTpu.probe(TfliteEngine.nativeLibrary());
        assertFalse(wrong.libraryLoaded());
        assertTrue(wrong.problem().contains("does not export edgetpu_"), wrong.problem());
    }

    private static void assertOneLine(Exception e) {
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    private static ListAppender<ILoggingEvent> capture() {
        ListAppender<ILoggingEvent> a = new ListAppender<>();
        a.start();
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(EdgeTpuPlan.class)).addAppender(a);
        return a;
    }

    private static void release(ListAppender<ILoggingEvent> a) {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(EdgeTpuPlan.class)).detachAppender(a);
        a.stop();
    }
}
