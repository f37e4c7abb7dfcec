package dev.vigil.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/install.sh --dry-run on fixture machines: a Raspberry Pi 5 on bookworm, a Jetson on JetPack 6, a 32-bit Pi and
 * an OS it does not know. apt-cache and dpkg-query are stand-ins on PATH that report an archive without Java 25.
 */
class InstallScriptTest {

    @TempDir
    Path tmp;
    Path bin, noJvm;

    record Result(int code, String out) {}

    static void write(Path p, String text) throws IOException {
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    @BeforeEach
    void tools() throws IOException {
        bin = tmp.resolve("bin");
        write(bin.resolve("apt-cache"), "#!/bin/sh\nprintf '%s:\\n  Installed: (none)\\n  Candidate: (none)\\n' \"$2\"\n");
        write(bin.resolve("dpkg-query"), "#!/bin/sh\nexit 1\n");
        for (String t : new String[] {"apt-cache", "dpkg-query"})
            Files.setPosixFilePermissions(bin.resolve(t), PosixFilePermissions.fromString("rwxr-xr-x"));
        noJvm = Files.createDirectories(tmp.resolve("jvm"));
    }

    /** A package with only a control file: what install.sh reads of it is its architecture. */
    Path deb(String arch) throws Exception {
        Path d = tmp.resolve("pkg-" + arch);
        write(d.resolve("DEBIAN/control"), "Package: vigil\nVersion: 0.1.0~SNAPSHOT\nArchitecture: " + arch
                + "\nMaintainer: test <test@vigil.invalid>\nDescription: test package\n");
        Path out = tmp.resolve("vigil_0.1.0~SNAPSHOT_" + arch + ".deb");
        Process p = new ProcessBuilder("dpkg-deb", "--root-owner-group", "--build", d.toString(), out.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "dpkg-deb --build: " + log);
        return out;
    }

    Result install(Map<String, String> env, String... args) throws Exception {
        var cmd = new java.util.ArrayList<>(java.util.List.of("bash", TestData.root().resolve("deploy/install.sh").toString(), "--dry-run"));
        cmd.addAll(java.util.List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        pb.environment().put("VIGIL_JVM_DIR", noJvm.toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "install.sh hangs");
        return new Result(p.exitValue(), out);
    }

    Path osRelease(String text) throws IOException {
        Path p = tmp.resolve("os-release-" + text.hashCode());
        Files.writeString(p, text);
        return p;
    }

    static final String BOOKWORM = """
            PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
            NAME="Debian GNU/Linux"
            VERSION_ID="12"
            VERSION_CODENAME=bookworm
            ID=debian
            """;

    static final String JAMMY = """
            PRETTY_NAME="Ubuntu 22.04.4 LTS"
            NAME="Ubuntu"
            VERSION_ID="22.04"
            VERSION_CODENAME=jammy
            ID=ubuntu
            ID_LIKE=debian
            """;

    @Test
    void aRaspberryPiWithJava25GetsThePackageAndTheService() throws Exception {
        Path model = tmp.resolve("model");
        Files.write(model, "Raspberry Pi 5 Model B Rev 1.0\0".getBytes());
        // A Java 25 runtime unpacked by hand: its release file says 25.
        Path jdk = tmp.resolve("jvm25/temurin-25-jre-arm64");
        write(jdk.resolve("release"), "JAVA_VERSION=\"25.0.1\"\n");
        write(jdk.resolve("bin/java"), "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(jdk.resolve("bin/java"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Path deb = deb("arm64");
        Result r = install(Map.of("VIGIL_OS_RELEASE", osRelease(BOOKWORM).toString(), "VIGIL_ARCH", "arm64",
                "VIGIL_DEVICE_MODEL", model.toString(), "VIGIL_JVM_DIR", tmp.resolve("jvm25").toString(), "VIGIL_GLIBC_VERSION", "2.36"),
                "--deb", deb.toString());
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().contains("vigil install: Raspberry Pi OS 12 (bookworm) on a Raspberry Pi 5 Model B Rev 1.0, arm64, glibc 2.36\n"), r.out());
        assertTrue(r.out().contains("vigil install: Java 25 found: " + jdk.resolve("bin/java")), r.out());
        assertTrue(r.out().contains("+ dpkg -i --ignore-depends=openjdk-25-jre-headless,temurin-25-jre " + deb + "\n"), r.out());
        assertTrue(r.out().contains("+ systemctl enable --now vigil.service\n"), r.out());
        assertTrue(r.out().contains("+ runuser -u vigil -- /usr/bin/vigil doctor"), r.out());
    }

    @Test
    void aJetsonWithoutJavaGetsTemurinFromAdoptiumWhenItsRepositoryIsGiven() throws Exception {
        Path tegra = tmp.resolve("nv_tegra_release");
        Files.writeString(tegra, "# R36 (release), REVISION: 3.0, GCID: 36923193, BOARD: generic, EABI: aarch64, DATE: Fri Jul 19 23:24:25 UTC 2024\n");
        Map<String, String> jetson = Map.of("VIGIL_OS_RELEASE", osRelease(JAMMY).toString(), "VIGIL_ARCH", "arm64",
                "VIGIL_TEGRA_RELEASE", tegra.toString(), "VIGIL_DEVICE_MODEL", tmp.resolve("none").toString(), "VIGIL_GLIBC_VERSION", "2.35");
        Path deb = deb("arm64");

        Result none = install(jetson, "--deb", deb.toString());
        assertEquals(1, none.code(), none.out());
        assertTrue(none.out().contains("vigil install: JetPack (L4T R36.3.0) on Ubuntu 22.04, arm64, glibc 2.35\n"), none.out());
        assertTrue(none.out().contains("JetPack (L4T R36.3.0) on Ubuntu 22.04 has no Java 25 package: add the Adoptium (Eclipse Temurin) apt repository"), none.out());

        var withRepo = new java.util.HashMap<>(jetson);
        withRepo.put("VIGIL_TEMURIN_APT", "https://adoptium.invalid/artifactory");
        Result r = install(withRepo, "--deb", deb.toString());
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().contains("\n+ write /etc/apt/sources.list.d/adoptium.list\n+ apt-get update\n"
                + "+ apt-get install -y --no-install-recommends temurin-25-jre\n"), r.out());
    }

    @Test
    void aPackageForTheOtherArchitectureIsRefused() throws Exception {
        Result r = install(Map.of("VIGIL_OS_RELEASE", osRelease(BOOKWORM).toString(), "VIGIL_ARCH", "amd64",
                "VIGIL_JVM_DIR", "/usr/lib/jvm"), "--deb", deb("arm64").toString());
        assertEquals(1, r.code(), r.out());
        assertTrue(r.out().contains("is for arm64, this machine is amd64"), r.out());
    }

    @Test
    void a32BitPiAndAnUnknownOsAreRefusedWithTheReason() throws Exception {
        Result armhf = install(Map.of("VIGIL_OS_RELEASE", osRelease(BOOKWORM.replace("ID=debian", "ID=raspbian")).toString(), "VIGIL_ARCH", "armhf"));
        assertEquals(1, armhf.code(), armhf.out());
        assertTrue(armhf.out().contains("is a 32-bit system (armhf)") && armhf.out().contains("install the 64-bit Raspberry Pi OS"), armhf.out());

        Result fedora = install(Map.of("VIGIL_OS_RELEASE", osRelease("PRETTY_NAME=\"Fedora Linux 40\"\nID=fedora\n").toString()));
        assertEquals(1, fedora.code(), fedora.out());
        assertTrue(fedora.out().contains("Fedora Linux 40 is not supported"), fedora.out());
    }
}
