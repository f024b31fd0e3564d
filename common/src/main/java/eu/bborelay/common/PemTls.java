package eu.bborelay.common;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Builds the JDK's TLS contexts straight from PEM files, as written by {@code scripts/generate-certs.sh}: a CA
 * certificate, a certificate chain, and an unencrypted PKCS#8 private key ({@code BEGIN PRIVATE KEY}; RSA, EC or
 * Ed25519). Both legs use TLS 1.3 only ({@link #PROTOCOLS}).
 *
 * <p>All methods are static and thread-safe. Errors are {@link TlsConfigException}s whose message names the
 * file and what to do.
 */
public final class PemTls {
    /** The only protocol version either side enables. */
    public static final String[] PROTOCOLS = {"TLSv1.3"};

    private static final Pattern PEM_BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    private PemTls() {
    }

    /** A configuration problem with certificates or keys, raised at start. */
    public static final class TlsConfigException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public TlsConfigException(String message, Throwable cause) {
            super(message, cause);
        }

        public TlsConfigException(String message) {
            super(message);
        }
    }

    /**
     * Context for a TLS server that presents {@code certChain}/{@code key} and trusts client certificates issued
     * by {@code clientCa} only; with a null {@code clientCa} it trusts no client certificate at all (never the
     * JDK's default trust store). Combine with {@link #serverParameters}.
     */
    public static SSLContext serverContext(Path certChain, Path key, Path clientCa) {
        return context(certChain, key, clientCa);
    }

    /**
     * Context for a TLS client that trusts only {@code serverCa} and, when {@code certChain} and {@code key} are
     * not null, presents that client certificate.
     */
    public static SSLContext clientContext(Path serverCa, Path certChain, Path key) {
        if (serverCa == null) {
            throw new TlsConfigException("a CA certificate to verify the server is required");
        }
        if ((certChain == null) != (key == null)) {
            throw new TlsConfigException("a client certificate and its key go together: got "
                    + (certChain == null ? "a key without a certificate" : "a certificate without a key"));
        }
        return context(certChain, key, serverCa);
    }

    /**
     * Server socket settings: TLS 1.3 and, if {@code clientCertRequired}, a client certificate is mandatory (the
     * handshake fails without one). When not required, no client certificate is asked for at all.
     */
    public static SSLParameters serverParameters(SSLContext ctx, boolean clientCertRequired) {
        SSLParameters p = ctx.getDefaultSSLParameters();
        p.setProtocols(PROTOCOLS);
        p.setNeedClientAuth(clientCertRequired);
        return p;
    }

    /**
     * Client socket settings: TLS 1.3 and verification that the server certificate names the host or IP we
     * dialled (subjectAltName), on top of the chain check against the CA.
     */
    public static void configureClient(SSLSocket socket) {
        SSLParameters p = socket.getSSLParameters();
        p.setProtocols(PROTOCOLS);
        p.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(p);
    }

    /** Alias kept for readability at call sites: {@code requireClientAuth(ctx)} = {@code serverParameters(ctx, true)}. */
    public static SSLParameters requireClientAuth(SSLContext ctx) {
        return serverParameters(ctx, true);
    }

    /** Reads every certificate of a PEM file. */
    public static List<X509Certificate> readCertificates(Path file) {
        String text = readPem(file, "certificate");
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            Collection<? extends Certificate> certs =
                    cf.generateCertificates(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)));
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : certs) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new TlsConfigException(file + " holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)");
            }
            return out;
        } catch (CertificateException e) {
            throw new TlsConfigException(file + " is not a readable PEM certificate: " + e.getMessage(), e);
        }
    }

    /** Reads an unencrypted PKCS#8 private key ({@code -----BEGIN PRIVATE KEY-----}). */
    public static PrivateKey readPrivateKey(Path file) {
        String text = readPem(file, "private key");
        Matcher m = PEM_BLOCK.matcher(text);
        while (m.find()) {
            String label = m.group(1);
            switch (label) {
                case "PRIVATE KEY":
                    return decodePkcs8(file, Base64.getMimeDecoder().decode(m.group(2)));
                case "RSA PRIVATE KEY":
                case "EC PRIVATE KEY":
                    throw new TlsConfigException(file + " is a " + label + " (PKCS#1/SEC1); convert it to PKCS#8 with:"
                            + " openssl pkcs8 -topk8 -nocrypt -in " + file + " -out " + file + ".pk8 && mv "
                            + file + ".pk8 " + file);
                case "ENCRYPTED PRIVATE KEY":
                    throw new TlsConfigException(file + " is encrypted; the daemons need an unencrypted key file"
                            + " (mode 0600): openssl pkcs8 -topk8 -nocrypt -in " + file + " -out <new file>");
                default:
                    // skip other blocks, e.g. EC PARAMETERS
            }
        }
        throw new TlsConfigException(file + " holds no PEM private key (expected -----BEGIN PRIVATE KEY-----)");
    }

    private static PrivateKey decodePkcs8(Path file, byte[] der) {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : new String[] {"EC", "RSA", "Ed25519", "EdDSA"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException e) {
                // try the next algorithm
            }
        }
        throw new TlsConfigException(file + " holds a PKCS#8 key of an unsupported algorithm (use EC P-256 or RSA)");
    }

    private static String readPem(Path file, String what) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new TlsConfigException(what + " file not found: " + file
                    + " (generate one with scripts/generate-certs.sh)", e);
        } catch (IOException e) {
            throw new TlsConfigException("cannot read " + what + " file " + file + ": " + e, e);
        }
    }

    /** Trust managers for {@code trustedCa} only; for null, trusting nothing (never the JDK default store). */
    static javax.net.ssl.TrustManager[] trustManagers(Path trustedCa) throws GeneralSecurityException, IOException {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        if (trustedCa != null) {
            int i = 0;
            for (X509Certificate ca : readCertificates(trustedCa)) {
                ts.setCertificateEntry("ca" + i++, ca);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        return tmf.getTrustManagers();
    }

    private static SSLContext context(Path certChain, Path key, Path trustedCa) {
        try {
            KeyManagerFactory kmf = null;
            if (certChain != null && key == null) {
                throw new TlsConfigException("certificate " + certChain + " is given without its private key file");
            }
            if (certChain != null) {
                List<X509Certificate> chain = readCertificates(certChain);
                PrivateKey pk = readPrivateKey(key);
                if (!chain.get(0).getPublicKey().getAlgorithm().equals(pk.getAlgorithm())
                        && !(pk.getAlgorithm().equals("EdDSA") || pk.getAlgorithm().equals("Ed25519"))) {
                    throw new TlsConfigException("key " + key + " (" + pk.getAlgorithm() + ") does not belong to"
                            + " certificate " + certChain + " (" + chain.get(0).getPublicKey().getAlgorithm() + ")");
                }
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                char[] pw = new char[0];
                ks.setKeyEntry("key", pk, pw, chain.toArray(new Certificate[0]));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, pw);
            }
            javax.net.ssl.TrustManager[] trustManagers = trustManagers(trustedCa);
            SSLContext ctx = SSLContext.getInstance("TLSv1.3");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), trustManagers, null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsConfigException("cannot build a TLS context from " + certChain + ", " + key + ", "
                    + trustedCa + ": " + e.getMessage(), e);
        }
    }
}
