package com.github.csmskit.interop;

import com.huaweicloud.sdk.core.auth.BasicCredentials;
import com.huaweicloud.sdk.core.auth.ICredential;
import com.huaweicloud.sdk.core.exception.SdkException;
import com.huaweicloud.sdk.core.exception.ServiceResponseException;
import com.huaweicloud.sdk.csms.v1.CsmsClient;
import com.huaweicloud.sdk.csms.v1.model.CreateSecretRequest;
import com.huaweicloud.sdk.csms.v1.model.CreateSecretRequestBody;
import com.huaweicloud.sdk.csms.v1.model.CreateSecretResponse;
import com.huaweicloud.sdk.csms.v1.model.CreateSecretVersionRequest;
import com.huaweicloud.sdk.csms.v1.model.CreateSecretVersionRequestBody;
import com.huaweicloud.sdk.csms.v1.model.DeleteSecretRequest;
import com.huaweicloud.sdk.csms.v1.model.DownloadSecretBlobRequest;
import com.huaweicloud.sdk.csms.v1.model.ListSecretVersionsRequest;
import com.huaweicloud.sdk.csms.v1.model.ListSecretVersionsResponse;
import com.huaweicloud.sdk.csms.v1.model.ListSecretsRequest;
import com.huaweicloud.sdk.csms.v1.model.ListSecretsResponse;
import com.huaweicloud.sdk.csms.v1.model.Secret;
import com.huaweicloud.sdk.csms.v1.model.ShowSecretRequest;
import com.huaweicloud.sdk.csms.v1.model.ShowSecretVersionRequest;
import com.huaweicloud.sdk.csms.v1.model.ShowSecretVersionResponse;
import com.huaweicloud.sdk.csms.v1.model.UploadSecretBlobRequest;
import com.huaweicloud.sdk.csms.v1.model.UploadSecretBlobRequestBody;
import com.huaweicloud.sdk.csms.v1.model.UploadSecretBlobResponse;
import com.huaweicloud.sdk.csms.v1.model.VersionMetadata;
import com.huaweicloud.sdk.csms.v1.region.CsmsRegion;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * An application written the way the vendor's samples write one: the CSMS client is built
 * with {@code CsmsRegion.valueOf("cn-north-4")} and AK/SK credentials without a project ID,
 * and nothing in the code says where the service is. It reads its access key from
 * CLOUD_SDK_AK and CLOUD_SDK_SK, as the samples do; the region's endpoint and the IAM
 * endpoint come from the SDK's own environment variables (HUAWEICLOUD_SDK_REGION_CSMS_CN_NORTH_4,
 * HUAWEICLOUD_SDK_IAM_ENDPOINT) and the certificates to trust from the JVM's
 * (javax.net.ssl.trustStore), so it runs unchanged against the real service or csmsmock.
 *
 * <pre>
 * CsmsApp lifecycle      create, add a version, list versions, read, back up, delete, restore, read back
 * CsmsApp paging N       create N secrets, then list them in pages of 100 in two ways
 * CsmsApp backup NAME    back one secret up
 * </pre>
 *
 * <p>It prints one line per step, what the service answered, and exits 1 when a call fails
 * (printing the SDK's exception: status, error code, request ID).
 */
public final class CsmsApp {
    private static final String NAME = "java-db-password";
    private static final String LIMIT = "100";
    /** Bounds both listing loops: a listing that never ends fails instead of hanging. */
    private static final int MAX_PAGES = 50;

    private CsmsApp() {}

    public static void main(String[] args) {
        if (args.length < 1) {
            usage();
        }
        int code;
        try {
            CsmsClient client = client();
            System.out.println("client: built for cn-north-4");
            switch (args[0]) {
                case "lifecycle" -> lifecycle(client);
                case "paging" -> paging(client, Integer.parseInt(argument(args)));
                case "backup" -> backup(client, argument(args));
                default -> usage();
            }
            System.out.println("done");
            code = 0;
        } catch (SdkException e) {
            // As an application logs a failure: the exception and its causes, one line each.
            System.out.println("FAILED: " + describe(e));
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                System.out.println("caused by: " + describe(cause));
            }
            code = 1;
        }
        System.exit(code);
    }

    private static CsmsClient client() {
        ICredential auth = new BasicCredentials()
                .withAk(System.getenv("CLOUD_SDK_AK"))
                .withSk(System.getenv("CLOUD_SDK_SK"));
        return CsmsClient.newBuilder()
                .withCredential(auth)
                .withRegion(CsmsRegion.valueOf("cn-north-4"))
                .build();
    }

    private static void lifecycle(CsmsClient client) {
        CreateSecretResponse created = client.createSecret(new CreateSecretRequest()
                .withBody(new CreateSecretRequestBody().withName(NAME).withSecretString("first-s3cr3t")));
        System.out.println("create: " + created.getSecret().getName() + " " + created.getSecret().getState());

        client.createSecretVersion(new CreateSecretVersionRequest().withSecretName(NAME)
                .withBody(new CreateSecretVersionRequestBody().withSecretString("second-s3cr3t")));
        System.out.println("versions: " + versions(client));

        ShowSecretVersionResponse latest = client.showSecretVersion(
                new ShowSecretVersionRequest().withSecretName(NAME).withVersionId("latest"));
        System.out.println("read latest: " + latest.getVersion().getVersionMetadata().getId()
                + " " + latest.getVersion().getSecretString());

        String blob = backup(client, NAME);

        client.deleteSecret(new DeleteSecretRequest().withSecretName(NAME));
        System.out.println("delete: done");
        // An application reading a secret that is gone sees the service's error.
        try {
            client.showSecret(new ShowSecretRequest().withSecretName(NAME));
            System.out.println("read deleted: still there");
        } catch (ServiceResponseException e) {
            System.out.println("read deleted: " + describe(e));
        }

        UploadSecretBlobResponse restored = client.uploadSecretBlob(new UploadSecretBlobRequest()
                .withBody(new UploadSecretBlobRequestBody().withSecretBlob(blob)));
        System.out.println("restore: " + restored.getSecret().getName() + " " + restored.getSecret().getState());
        System.out.println("versions restored: " + versions(client));
        for (String id : List.of("v1", "v2")) {
            ShowSecretVersionResponse got = client.showSecretVersion(
                    new ShowSecretVersionRequest().withSecretName(NAME).withVersionId(id));
            System.out.println("read restored " + id + ": " + got.getVersion().getSecretString());
        }
    }

    /** The secret's versions as {@code id=STAGE+STAGE}, in the order listed. */
    private static String versions(CsmsClient client) {
        ListSecretVersionsResponse versions = client.listSecretVersions(
                new ListSecretVersionsRequest().withSecretName(NAME));
        List<String> seen = new ArrayList<>();
        for (VersionMetadata v : versions.getVersionMetadatas()) {
            List<String> stages = v.getVersionStages() == null ? List.of() : v.getVersionStages();
            seen.add(v.getId() + "=" + String.join("+", stages));
        }
        return String.join(" ", seen);
    }

    private static String backup(CsmsClient client, String name) {
        String blob = client.downloadSecretBlob(new DownloadSecretBlobRequest().withSecretName(name)).getSecretBlob();
        System.out.println("backup: " + blob);
        return blob;
    }

    private static void paging(CsmsClient client, int n) {
        for (int i = 0; i < n; i++) {
            client.createSecret(new CreateSecretRequest().withBody(new CreateSecretRequestBody()
                    .withName(String.format("java-paged-%04d", i)).withSecretString("value-" + i)));
        }
        System.out.println("created: " + n);

        // As most clients loop: while the page names a next marker.
        List<String> names = new ArrayList<>();
        int pages = 0;
        String marker = null;
        while (pages < MAX_PAGES) {
            ListSecretsResponse page = client.listSecrets(new ListSecretsRequest().withLimit(LIMIT).withMarker(marker));
            pages++;
            page.getSecrets().stream().map(Secret::getName).forEach(names::add);
            marker = page.getPageInfo() == null ? null : page.getPageInfo().getNextMarker();
            if (marker == null) {
                break;
            }
        }
        report("list while next_marker", names, pages);

        // As the documentation says: until a page holds fewer than the limit.
        List<String> names2 = new ArrayList<>();
        int pages2 = 0;
        marker = null;
        while (pages2 < MAX_PAGES) {
            ListSecretsResponse page = client.listSecrets(new ListSecretsRequest().withLimit(LIMIT).withMarker(marker));
            pages2++;
            page.getSecrets().stream().map(Secret::getName).forEach(names2::add);
            Integer count = page.getPageInfo() == null ? null : page.getPageInfo().getCurrentCount();
            if (count == null || count < Integer.parseInt(LIMIT)) {
                break;
            }
            marker = page.getPageInfo().getNextMarker();
        }
        report("list until current_count < limit", names2, pages2);
    }

    private static void report(String how, List<String> names, int pages) {
        Set<String> distinct = new LinkedHashSet<>(names);
        long paged = distinct.stream().filter(s -> s.startsWith("java-paged-")).count();
        System.out.printf("%s: %d listed, %d distinct, %d java-paged-*, %d pages%n",
                how, names.size(), distinct.size(), paged, pages);
    }

    /** The service's answer for the SDK's ServiceResponseException, else the first line of the message. */
    private static String describe(Throwable t) {
        if (t instanceof ServiceResponseException e) {
            return e.getClass().getSimpleName() + " status=" + e.getHttpStatusCode() + " code=" + e.getErrorCode()
                    + " request_id=" + e.getRequestId() + " message=" + e.getErrorMsg();
        }
        String message = String.valueOf(t.getMessage());
        int newline = message.indexOf('\n');
        return t.getClass().getName() + ": " + (newline < 0 ? message : message.substring(0, newline));
    }

    private static String argument(String[] args) {
        if (args.length < 2) {
            usage();
        }
        return args[1];
    }

    private static void usage() {
        System.err.println("usage: CsmsApp lifecycle | paging N | backup NAME");
        System.exit(2);
    }
}
