package dev.vigil.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import dev.vigil.config.Secrets;
import java.nio.charset.StandardCharsets;

/**
 * Masks the config's secrets ({@link Secrets}) in everything another encoder writes: the message, its arguments, a
 * stack trace's messages, JSON fields alike. Working on the finished line rather than on the message means no part of
 * an event can carry a secret past it, whatever the layout. Every appender {@link LogSetup} and {@link DefaultLogging}
 * make writes through one; a logback.xml of one's own wraps its encoder the same way:
 * {@code <encoder class="dev.vigil.logging.SecretMaskingEncoder"><encoder class="...PatternLayoutEncoder">...}.
 */
public final class SecretMaskingEncoder extends EncoderBase<ILoggingEvent> {

    private Encoder<ILoggingEvent> encoder;

    public SecretMaskingEncoder() {}

    SecretMaskingEncoder(Encoder<ILoggingEvent> encoder) {
        this.encoder = encoder;
        setContext(encoder.getContext());
    }

    /** The encoder whose output is masked (Joran calls this for a nested {@code <encoder>}). */
    public void setEncoder(Encoder<ILoggingEvent> encoder) {
        this.encoder = encoder;
    }

    public Encoder<ILoggingEvent> getEncoder() {
        return encoder;
    }

    @Override
    public void start() {
        if (encoder == null) {
            addError("no <encoder> inside SecretMaskingEncoder");
            return;
        }
        if (!encoder.isStarted()) encoder.start();
        super.start();
    }

    @Override
    public void stop() {
        if (encoder != null) encoder.stop();
        super.stop();
    }

    @Override
    public byte[] headerBytes() {
        return mask(encoder.headerBytes());
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        return mask(encoder.encode(event));
    }

    @Override
    public byte[] footerBytes() {
        return mask(encoder.footerBytes());
    }

    // The layouts write UTF-8 (Java's default charset since 18, and the JSON encoder's own).
    private static byte[] mask(byte[] bytes) {
        if (bytes == null || !Secrets.any()) return bytes;
        String text = new String(bytes, StandardCharsets.UTF_8);
        String masked = Secrets.redact(text);
        return masked == text ? bytes : masked.getBytes(StandardCharsets.UTF_8);
    }
}
