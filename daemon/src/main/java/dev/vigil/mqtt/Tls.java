package dev.vigil.mqtt;

import dev.vigil.config.ConfigException;
import dev.vigil.config.MqttConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/** TLS for mqtts:// and wss://: the JVM's trust store, or the PEM CA the config names; a PEM client certificate if given. */
final class Tls {

    private Tls() {}

    static SSLSocketFactory socketFactory(MqttConfig cfg) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (cfg.ca().isPresent()) {
                KeyStore ts = KeyStore.getInstance(KeyStore.getDefaultType());
                ts.load(null, null);
                int i = 0;
                for (Certificate c : certificates(cfg.ca().get(), "ca")) ts.setCertificateEntry("ca" + i++, c);
                tmf.init(ts);
            } else {
                tmf.init((KeyStore) null);
            }
            KeyManagerFactory kmf = null;
            if (cfg.cert().isPresent()) {
                KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
                ks.load(null, null);
                char[] none = new char[0];
                ks.setKeyEntry("client", privateKey(cfg.key().orElseThrow()), none,
                        certificates(cfg.cert().get(), "cert").toArray(Certificate[]::new));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, none);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx.getSocketFactory();
        } catch (GeneralSecurityException | IOException e) {
            throw new ConfigException("mqtt: TLS cannot be set up: " + e.getMessage());
        }
    }

    private static Collection<? extends Certificate> certificates(Path pem, String key) throws IOException {
        try (InputStream in = Files.newInputStream(pem)) {
            Collection<? extends Certificate> c = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (c.isEmpty()) throw new ConfigException("mqtt." + key + ": " + pem + " holds no PEM certificate");
            return c;
        } catch (java.security.cert.CertificateException e) {
            throw new ConfigException("mqtt." + key + ": " + pem + " is not a PEM certificate (" + e.getMessage() + ")");
        }
    }

    private static PrivateKey privateKey(Path pem) throws IOException {
        String text = Files.readString(pem);
        if (!text.contains("-----BEGIN PRIVATE KEY-----"))
            throw new ConfigException("mqtt.key: " + pem + " is not a PKCS#8 PEM key; convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8");
        String b64 = text.replaceAll("(?s).*-----BEGIN PRIVATE KEY-----", "").replaceAll("(?s)-----END PRIVATE KEY-----.*", "").replaceAll("\\s", "");
        byte[] der = Base64.getDecoder().decode(b64);
        for (String alg : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new ConfigException("mqtt.key: " + pem + " holds no RSA, EC or Ed25519 key");
    }
}
