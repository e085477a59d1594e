// axys-mock from Java 17 with the JDK only: read the ready JSON of the mock `axys-mock exec` started,
// build an SSLContext from the program's .p12 (empty password) and the mock's CA, and call the
// platform API over mutual TLS with java.net.http. sslContext(ca, cert, key) does the same from PEM.
//   npx axys-mock exec -- java examples/java/AxysMockTest.java
// The same two helpers (readyJson, sslContext) serve a JUnit 5 extension or a Testcontainers setup.
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

public class AxysMockTest {
    /** A top-level string field of the ready JSON (they come before the "programs" list). */
    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
        if (!m.find()) throw new IllegalStateException("the ready JSON has no " + name);
        return m.group(1).replace("\\\\", "\\").replace("\\\"", "\"");
    }

    static String readyJson() throws Exception {
        String file = System.getenv("AXYS_MOCK_READY_FILE");
        if (file == null) throw new IllegalStateException("run me through: npx axys-mock exec -- java AxysMockTest.java");
        return Files.readString(Path.of(file));
    }

    static SSLContext sslContext(String ca, String cert, String key) throws Exception {
        CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        Certificate caCert = x509.generateCertificate(Files.newInputStream(Path.of(ca)));
        Certificate clientCert = x509.generateCertificate(Files.newInputStream(Path.of(cert)));
        String pem = Files.readString(Path.of(key)).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        byte[] der = Base64.getDecoder().decode(pem);
        PrivateKey privateKey;
        try {
            privateKey = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (java.security.spec.InvalidKeySpecException notEc) {
            privateKey = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("client", privateKey, new char[0], new Certificate[] { clientCert });
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("axys-mock-ca", caCert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    /** The client certificate and key from the program's .p12 (PKCS#12, empty password), the CA from PEM. */
    static SSLContext sslContext(String ca, String p12) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(Path.of(p12))) {
            keys.load(in, new char[0]);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("axys-mock-ca", CertificateFactory.getInstance("X.509").generateCertificate(Files.newInputStream(Path.of(ca))));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    public static void main(String[] args) throws Exception {
        String ready = readyJson();
        // the .p12 by default; AXYS_JAVA_PEM=1 builds the same context from the PEM files
        SSLContext ssl = System.getenv("AXYS_JAVA_PEM") != null
            ? sslContext(field(ready, "ca"), field(ready, "cert"), field(ready, "key"))
            : sslContext(field(ready, "ca"), field(ready, "p12"));
        HttpClient client = HttpClient.newBuilder().sslContext(ssl).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(field(ready, "apiUrl") + "/v2/cardholders"))
            .header("X-API-Key", field(ready, "apiKey"))
            .GET()
            .build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200 || !response.body().contains("\"status\":\"success\"")) {
            System.err.println("FAILED: " + response.statusCode() + " " + response.body());
            System.exit(1);
        }
        System.out.println("java (" + (System.getenv("AXYS_JAVA_PEM") != null ? "PEM" : ".p12") + "): GET /v2/cardholders -> " + response.statusCode());
    }
}
