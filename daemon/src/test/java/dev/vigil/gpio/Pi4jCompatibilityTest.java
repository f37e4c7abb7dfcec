package dev.vigil.gpio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutput;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.constantpool.FieldRefEntry;
import java.lang.classfile.constantpool.MemberRefEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * pi4j-plugin-mock 3.0.3 on pi4j-core 4.0.2 (Maven Central has no 4.x mock): every core member its digital I/O classes
 * call must exist in core 4, else a test would fail later with NoSuchMethodError in some corner. And the mock does
 * what the tests rely on: a shutdown state, state-change events.
 */
class Pi4jCompatibilityTest {

    static final String[] DIGITAL = {"MockDigitalOutput", "MockDigitalOutputProvider", "MockDigitalOutputProviderImpl",
            "MockDigitalInput", "MockDigitalInputProvider", "MockDigitalInputProviderImpl"};

    @Test
    void theMockDigitalClassesLinkAgainstCore4() throws Exception {
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (String simple : DIGITAL) {
            String name = "com/pi4j/plugin/mock/provider/gpio/digital/" + simple + ".class";
            byte[] bytes;
            try (var in = MockDigitalOutput.class.getClassLoader().getResourceAsStream(name)) {
                assertTrue(in != null, "missing " + name);
                bytes = in.readAllBytes();
            }
            ClassModel cm = ClassFile.of().parse(bytes);
            for (PoolEntry pe : cm.constantPool()) {
                if (!(pe instanceof MemberRefEntry m)) continue;
                String owner = m.owner().asInternalName();
                if (!owner.startsWith("com/pi4j/") || owner.startsWith("com/pi4j/plugin/")) continue;
                checked++;
                Class<?> type = Class.forName(owner.replace('/', '.'), false, getClass().getClassLoader());
                String member = m.name().stringValue(), desc = m.type().stringValue();
                if (!has(type, member, desc, m instanceof FieldRefEntry)) missing.add(owner + "." + member + desc + " (from " + simple + ")");
            }
        }
        assertTrue(checked >= 10, "checked " + checked + " references");
        assertEquals(List.of(), missing);
    }

    static boolean has(Class<?> type, String name, String desc, boolean field) {
        Deque<Class<?>> todo = new ArrayDeque<>(List.of(type));
        while (!todo.isEmpty()) {
            Class<?> c = todo.pop();
            if (field) {
                for (Field f : c.getDeclaredFields()) if (f.getName().equals(name) && f.getType().descriptorString().equals(desc)) return true;
            } else {
                if (name.equals("<init>")) {
                    for (var k : c.getDeclaredConstructors()) if (MethodType.methodType(void.class, k.getParameterTypes()).toMethodDescriptorString().equals(desc)) return true;
                }
                for (Method me : c.getDeclaredMethods()) {
                    if (me.getName().equals(name) && MethodType.methodType(me.getReturnType(), me.getParameterTypes()).toMethodDescriptorString().equals(desc)) return true;
                }
            }
            if (c.getSuperclass() != null) todo.push(c.getSuperclass());
            for (Class<?> i : c.getInterfaces()) todo.push(i);
        }
        return false;
    }

    @Test
    void mockOutputsReportChangesAndGoToTheirShutdownState() {
        Pi4jPins pins = Pi4jPins.mock("test");
        List<Boolean> levels = new ArrayList<>();
        GpioPins.OutputPin relay = pins.output("relay", 17, true);
        pins.onOutputLevel("relay", (high, nanos) -> levels.add(high));
        assertTrue(pins.level("relay"), "active-low: safe is HIGH");
        relay.set(true);
        relay.set(true);
        relay.set(false);
        relay.set(true);
        assertEquals(List.of(false, true, false), levels, "one event per change");
        DigitalOutput d = pins.context().registry().get("vigil-relay", DigitalOutput.class);
        assertEquals(DigitalState.LOW, d.state());
        pins.close();
        assertEquals(DigitalState.HIGH, d.state(), "closed: safe again");
        relay.set(true);
        assertEquals(DigitalState.HIGH, d.state(), "nothing turns on after close");
    }
}
