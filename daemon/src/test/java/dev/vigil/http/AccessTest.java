package dev.vigil.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.config.HttpConfig;
import dev.vigil.testing.VirtualTime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The access rules on a virtual clock: who needs a token, sessions, and the limit on wrong guesses. */
class AccessTest {

    static final String TOKEN = "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWpr";

    @TempDir
    Path tmp;

    final VirtualTime time = new VirtualTime();

    HttpConfig lan(Path tokenFile) {
        return new HttpConfig("0.0.0.0", 8089, Optional.empty(), tokenFile, false);
    }

    Access withToken() throws Exception {
        Path f = Files.writeString(tmp.resolve("http-token"), TOKEN + "\n");
        return Access.of(lan(f), time);
    }

    @Test
    void loopbackIsOpenUnlessTheTokenIsAskedForAndTheNetworkNeedsIt() {
        assertTrue(!new HttpConfig("127.0.0.1", 8089).credentialRequired());
        assertTrue(!new HttpConfig("localhost", 8089).credentialRequired());
        assertTrue(!new HttpConfig("::1", 8089).credentialRequired());
        assertTrue(new HttpConfig("0.0.0.0", 8089).credentialRequired());
        assertTrue(new HttpConfig("192.168.1.20", 8089).credentialRequired());
        assertTrue(new HttpConfig("vigil.lan", 8089).credentialRequired(), "a host name is not known to be loopback");
        assertTrue(new HttpConfig("127.0.0.1", 8089, Optional.of(HttpConfig.Auth.TOKEN), tmp, false).credentialRequired());
        assertTrue(!new HttpConfig("0.0.0.0", 8089, Optional.of(HttpConfig.Auth.NONE), tmp, false).credentialRequired());
        Access open = Access.of(new HttpConfig("127.0.0.1", 8089), time);
        assertEquals(Access.Outcome.GRANTED, open.check(null, null, "10.0.0.9").outcome());
    }

    @Test
    void theNetworkWithoutATokenRefusesToStartInOneLineNamingTheSettingsAndTheFix() throws Exception {
        Path missing = tmp.resolve("nope");
        var e = assertThrows(IllegalArgumentException.class, () -> Access.of(lan(missing), time));
        assertEquals("http.listen 0.0.0.0:8089 is reachable from the network but http.token_file " + missing + " does not exist; "
                + "create it with `vigil token --rotate --file " + missing + "`, listen on 127.0.0.1, or write http: {auth: none} "
                + "to serve without authentication", e.getMessage());
        Path shortOne = Files.writeString(tmp.resolve("short"), "abc\n");
        e = assertThrows(IllegalArgumentException.class, () -> Access.of(
                new HttpConfig("127.0.0.1", 8089, Optional.of(HttpConfig.Auth.TOKEN), shortOne, false), time));
        assertEquals("http.auth is token but http.token_file " + shortOne + " holds 3 characters, fewer than 16; "
                + "create it with `vigil token --rotate --file " + shortOne + "`", e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));
    }

    @Test
    void aBearerTokenOrASessionPassesAndNothingElse() throws Exception {
        Access a = withToken();
        assertEquals(Access.Outcome.MISSING, a.check(null, null, "c").outcome());
        assertEquals(Access.Outcome.GRANTED, a.check("Bearer " + TOKEN, null, "c").outcome());
        assertEquals(Access.Outcome.GRANTED, a.check("bearer " + TOKEN, null, "c").outcome());
        assertEquals(Access.Outcome.DENIED, a.check("Bearer " + TOKEN + "x", null, "c").outcome());
        assertEquals(Access.Outcome.DENIED, a.check("Basic " + TOKEN, null, "c").outcome());
        assertEquals(Access.Outcome.MISSING, a.check(null, "made-up", "c").outcome());
        String s = a.newSession();
        assertEquals(43, s.length(), "32 random bytes, URL-safe base64");
        assertNotEquals(s, a.newSession());
        assertEquals(Access.Outcome.GRANTED, a.check(null, s, "c").outcome());
        a.endSession(s);
        assertEquals(Access.Outcome.MISSING, a.check(null, s, "c").outcome());
    }

    @Test
    void aSessionEndsAfterTwelveHoursToTheMillisecond() throws Exception {
        Access a = withToken();
        String s = a.newSession();
        time.advance(Access.SESSION_TTL.minusMillis(1));
        assertEquals(Access.Outcome.GRANTED, a.check(null, s, "c").outcome());
        time.advance(Duration.ofMillis(1));
        assertEquals(Access.Outcome.MISSING, a.check(null, s, "c").outcome());
    }

    @Test
    void fiveWrongGuessesAMinuteThenEveryGuessWaitsEvenTheRightOne() throws Exception {
        Access a = withToken();
        for (int i = 0; i < Access.MAX_FAILURES; i++) {
            assertEquals(Access.Outcome.DENIED, a.login("guess" + i, "10.0.0.5").outcome());
            time.advance(Duration.ofSeconds(10));
        }
        // The first failure was at 0 s, now is 50 s: it counts until 60 s.
        Access.Decision d = a.login(TOKEN, "10.0.0.5");
        assertEquals(Access.Outcome.LIMITED, d.outcome());
        assertEquals(10, d.retryAfterSeconds());
        assertEquals(Access.Outcome.LIMITED, a.check("Bearer " + TOKEN, null, "10.0.0.5").outcome());
        assertEquals(Access.Outcome.GRANTED, a.check("Bearer " + TOKEN, null, "10.0.0.6").outcome(), "another client is not held back");
        time.advance(Duration.ofMillis(9_999));
        assertEquals(1, a.login(TOKEN, "10.0.0.5").retryAfterSeconds(), "rounded up");
        time.advance(Duration.ofMillis(1));
        // 60 s after the first failure one slot came free: one more guess, then wait for the next to age out.
        assertEquals(Access.Outcome.DENIED, a.login("again", "10.0.0.5").outcome());
        assertEquals(10, a.login(TOKEN, "10.0.0.5").retryAfterSeconds());
        time.advance(Duration.ofSeconds(10));
        assertEquals(Access.Outcome.GRANTED, a.login(TOKEN, "10.0.0.5").outcome());
        assertEquals(Access.Outcome.DENIED, a.login("x", "10.0.0.5").outcome(), "a success clears the record");
    }

    @Test
    void aRotatedTokenTakesEffectAtOnceAndEndsTheOldSessions() throws Exception {
        Access a = withToken();
        String s = a.newSession();
        String next = TOKEN.replace('Z', 'Q');
        Path f = tmp.resolve("http-token");
        Files.writeString(tmp.resolve("new"), next);
        Files.move(tmp.resolve("new"), f, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        assertEquals(Access.Outcome.DENIED, a.check("Bearer " + TOKEN, null, "c").outcome());
        assertEquals(Access.Outcome.GRANTED, a.check("Bearer " + next, null, "c").outcome());
        assertEquals(Access.Outcome.MISSING, a.check(null, s, "c").outcome());
        Files.delete(f);
        assertEquals(Access.Outcome.GRANTED, a.check("Bearer " + next, null, "c").outcome(), "a removed file keeps the last token");
    }
}
