package dev.vigil.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.config.Secrets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The upload's credentials come from the environment; wherever vigil writes text, their values read {@code ***}. */
class CredentialsMaskTest {

    @Test
    void theEnvironmentsKeysAreMaskedInEveryLine() {
        Uploader.maskCredentials(Map.of("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEKEY01", "AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                "AWS_SESSION_TOKEN", "FwoGZXIvYXdzEXAMPLETOKEN", "HOME", "/root"));
        assertEquals("upload: key *** secret *** token *** home /root",
                Secrets.redact("upload: key AKIAEXAMPLEKEY01 secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY token FwoGZXIvYXdzEXAMPLETOKEN home /root"));
        // as a URL or a JSON string would carry it
        assertEquals("secret=***", Secrets.redact("secret=wJalrXUtnFEMI%2FK7MDENG%2FbPxRfiCYEXAMPLEKEY"));
    }
}
