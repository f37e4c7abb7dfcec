package dev.vigil.capture;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.avutil.LogCallback;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FFmpeg writes its diagnostics to stderr by itself, unredacted (a failed open can quote the URL). This routes them
 * through the log instead, redacted, at debug (a flaky stream produces many), and remembers each thread's last error
 * line: JavaCV's exception only says "Could not open input", FFmpeg's line says why (401 Unauthorized, 404 Not Found).
 */
final class FfmpegLog {

    private static final Logger log = LoggerFactory.getLogger("dev.vigil.capture.ffmpeg");
    private static final ThreadLocal<String> lastError = new ThreadLocal<>();
    private static final ThreadLocal<String> lastNetworkError = new ThreadLocal<>();
    /** FFmpeg contexts whose errors mean the connection failed (a decoder's errors do not). */
    private static final Pattern NETWORK_CONTEXT = Pattern.compile("^\\[(rtsp|tcp|http|https|tls|udp|rtp|mpjpeg) @ [^]]*] ");
    private static final Pattern ERROR_CODE = Pattern.compile("error (-\\d+)");
    /** Held for the life of the process: FFmpeg keeps calling it. */
    private static final Callback CALLBACK = new Callback();

    static {
        // JavaCV's own notes ("avformat_open_input rejected some options", on every reconnect) go to stderr unless
        // JavaCPP is told to use SLF4J; respect a choice made on the command line.
        if (System.getProperty("org.bytedeco.javacpp.logger") == null) System.setProperty("org.bytedeco.javacpp.logger", "slf4j");
        avutil.av_log_set_level(avutil.AV_LOG_WARNING);
        avutil.setLogCallback(CALLBACK);
    }

    private FfmpegLog() {}

    /** Loads the class (installing the callback) before the first FFmpeg call. */
    static void install() {}

    static void clearLastError() {
        lastError.remove();
        lastNetworkError.remove();
    }

    /** The last error line a protocol or demuxer (not a decoder) logged on this thread since clearLastError(), or null. */
    static String networkError() {
        return lastNetworkError.get();
    }

    /** A one-line reason for a failed FFmpeg call: the exception's code spelled out plus FFmpeg's last error line. */
    static String reason(Exception e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        StringBuilder out = new StringBuilder();
        Matcher m = ERROR_CODE.matcher(msg);
        if (m.find()) {
            out.append(strerror(Integer.parseInt(m.group(1))));
        } else {
            int cut = msg.indexOf(" (");
            out.append(cut > 0 ? msg.substring(0, cut) : msg);
        }
        String detail = lastError.get();
        // FFmpeg's line helps when it says more than the code ("method DESCRIBE failed: 401 Unauthorized"), not when
        // it repeats it ("Connection to tcp://... failed: Connection refused").
        if (detail != null && !detail.isBlank() && !detail.contains(out) && !out.toString().contains(detail))
            out.append(" (").append(detail).append(')');
        return Redact.text(out.toString());
    }

    static String strerror(int code) {
        byte[] buf = new byte[128];
        avutil.av_strerror(code, buf, buf.length);
        int n = 0;
        while (n < buf.length && buf[n] != 0) n++;
        return new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static final class Callback extends LogCallback {
        @Override
        public void call(int level, BytePointer msg) {
            // swscale warns on every MJPEG frame ("deprecated pixel format used"): build no strings for nothing.
            if (level > avutil.AV_LOG_ERROR && !log.isDebugEnabled()) return;
            String line = Redact.text(msg.getString().strip());
            if (line.isEmpty()) return;
            if (level <= avutil.AV_LOG_ERROR) {
                String bare = line.replaceFirst("^\\[[^]]*] ", "");
                lastError.set(bare);
                if (NETWORK_CONTEXT.matcher(line).find()) lastNetworkError.set(bare);
            }
            if (level <= avutil.AV_LOG_FATAL) log.warn(line);
            else log.debug(line);
        }
    }
}
