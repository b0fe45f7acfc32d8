// Command image builds csmsmock's container image from a static Linux binary and writes it
// as a tarball for `docker load`. It needs no Docker daemon and pulls nothing: the image
// has no base, only csmsmock and the few files a non-root user needs.
//
//	go run ./cmd/image -bin csmsmock_v1.2.3_linux_amd64 -version v1.2.3 -revision <commit> \
//	    -tag csmskit/csmsmock:v1.2.3 -out csmsmock_v1.2.3_image_amd64.tar
//
// It prints the image ID, the digest of the image's config, which `docker load` keeps.
// The same binary, flags and SOURCE_DATE_EPOCH give the same tarball, byte for byte, and so
// the same ID: every time in it is SOURCE_DATE_EPOCH (0 when unset), never the build's.
package main

import (
	"archive/tar"
	"bytes"
	"debug/elf"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// The user csmsmock runs as: not root, and the owner of /data.
const (
	uid = 65532
	gid = 65532
)

func main() {
	bin := flag.String("bin", "", "static Linux csmsmock `binary` (amd64 or arm64) to put at /csmsmock")
	version := flag.String("version", "", "csmsmock's `version`, for the image's labels")
	revision := flag.String("revision", "", "the `commit` csmsmock was built from, for the image's labels")
	tag := flag.String("tag", "", "`name:tag` docker load gives the image")
	out := flag.String("out", "", "tarball `file` to write")
	flag.Parse()
	if *bin == "" || *version == "" || *revision == "" || *tag == "" || *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "image: -bin, -version, -revision, -tag and -out are required")
		flag.Usage()
		os.Exit(2)
	}
	id, err := build(*bin, *version, *revision, *tag, *out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "image:", err)
		os.Exit(1)
	}
	fmt.Println(id)
}

// build writes the image of the binary at binPath to out and returns its ID.
func build(binPath, version, revision, tag, out string) (v1.Hash, error) {
	ref, err := name.NewTag(tag)
	if err != nil {
		return v1.Hash{}, err
	}
	created, err := sourceDate()
	if err != nil {
		return v1.Hash{}, err
	}
	arch, err := staticLinuxArch(binPath)
	if err != nil {
		return v1.Hash{}, err
	}
	binary, err := os.ReadFile(binPath)
	if err != nil {
		return v1.Hash{}, err
	}
	layer, err := rootLayer(binary, created)
	if err != nil {
		return v1.Hash{}, err
	}
	img, err := mutate.Append(empty.Image, mutate.Addendum{
		Layer:   layer,
		History: v1.History{Created: v1.Time{Time: created}, CreatedBy: "csmskit release/cmd/image: /csmsmock, /etc/passwd, /etc/group, /data, /tmp"},
	})
	if err != nil {
		return v1.Hash{}, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return v1.Hash{}, err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", arch
	cf.Created = v1.Time{Time: created}
	cf.Config = runConfig(version, revision, created)
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		return v1.Hash{}, err
	}
	if err := tarball.WriteToFile(out, ref, img); err != nil {
		return v1.Hash{}, err
	}
	return img.ConfigName()
}

// runConfig is how `docker run` runs the image: serve on port 8080 as the non-root user,
// with a health check Docker can run without a shell.
func runConfig(version, revision string, created time.Time) v1.Config {
	return v1.Config{
		User:       fmt.Sprintf("%d:%d", uid, gid),
		Entrypoint: []string{"/csmsmock"},
		Cmd:        []string{"serve"},
		Env: []string{
			// So that `docker exec <container> csmsmock health` finds the binary.
			"PATH=/",
			// Listen beyond loopback, or a published port reaches nothing. The admin API is
			// then guarded by a token: CSMSMOCK_ADMIN_TOKEN, or one serve makes and writes to
			// this file for `csmsmock health` to read.
			"CSMSMOCK_ADDR=0.0.0.0:8080",
			"CSMSMOCK_ADMIN_TOKEN_OUT=/tmp/csmsmock-admin-token",
		},
		ExposedPorts: map[string]struct{}{"8080/tcp": {}},
		// No VOLUME for /data: the mock keeps its state in memory unless told --data, and a
		// declared volume would leave an anonymous volume behind every container.
		Healthcheck: &v1.HealthConfig{
			Test:     []string{"CMD", "/csmsmock", "health"},
			Interval: 2 * time.Second,
			Timeout:  3 * time.Second,
			Retries:  15,
		},
		Labels: map[string]string{
			"org.opencontainers.image.title":       "csmsmock",
			"org.opencontainers.image.description": "Offline mock of the Huawei Cloud CSMS secrets API",
			"org.opencontainers.image.version":     version,
			"org.opencontainers.image.revision":    revision,
			"org.opencontainers.image.source":      "https://github.com/csmskit/csmskit",
			"org.opencontainers.image.created":     created.Format(time.RFC3339),
		},
	}
}

// rootLayer is the image's only layer, a tar built in memory with fixed order, times and
// numeric owners, so that the same binary always gives the same layer.
func rootLayer(binary []byte, mtime time.Time) (v1.Layer, error) {
	passwd := fmt.Sprintf("root:x:0:0:root:/root:/sbin/nologin\ncsmsmock:x:%d:%d:csmsmock:/data:/sbin/nologin\n", uid, gid)
	group := fmt.Sprintf("root:x:0:\ncsmsmock:x:%d:\n", gid)
	entries := []struct {
		hdr  tar.Header
		body []byte
	}{
		{tar.Header{Typeflag: tar.TypeReg, Name: "csmsmock", Mode: 0o755}, binary},
		{tar.Header{Typeflag: tar.TypeDir, Name: "data/", Mode: 0o755, Uid: uid, Gid: gid}, nil},
		{tar.Header{Typeflag: tar.TypeDir, Name: "etc/", Mode: 0o755}, nil},
		{tar.Header{Typeflag: tar.TypeReg, Name: "etc/group", Mode: 0o644}, []byte(group)},
		{tar.Header{Typeflag: tar.TypeReg, Name: "etc/passwd", Mode: 0o644}, []byte(passwd)},
		// Sticky and writable by all, as /tmp is everywhere: serve writes its admin token here.
		{tar.Header{Typeflag: tar.TypeDir, Name: "tmp/", Mode: 0o1777}, nil},
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := e.hdr
		h.Size = int64(len(e.body))
		h.ModTime = mtime
		h.Format = tar.FormatUSTAR
		if err := tw.WriteHeader(&h); err != nil {
			return nil, err
		}
		if _, err := tw.Write(e.body); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(buf.Bytes())), nil
	})
}

// staticLinuxArch returns the GOARCH of a Linux ELF binary, and fails unless the binary is
// statically linked: the image has no dynamic loader or C library.
func staticLinuxArch(path string) (string, error) {
	f, err := elf.Open(path)
	if err != nil {
		return "", fmt.Errorf("%s is not a Linux binary: %w", path, err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return "", fmt.Errorf("%s is dynamically linked; build it with CGO_ENABLED=0", path)
		}
	}
	switch f.Machine {
	case elf.EM_X86_64:
		return "amd64", nil
	case elf.EM_AARCH64:
		return "arm64", nil
	}
	return "", fmt.Errorf("%s is for %s, neither amd64 nor arm64", path, f.Machine)
}

// sourceDate is SOURCE_DATE_EPOCH, the reproducible-builds convention for "the time of this
// build", as a time; 0 (1970) when unset.
func sourceDate() (time.Time, error) {
	s := os.Getenv("SOURCE_DATE_EPOCH")
	if s == "" {
		return time.Unix(0, 0).UTC(), nil
	}
	sec, err := strconv.ParseInt(s, 10, 64)
	if err != nil || sec < 0 {
		return time.Time{}, errors.New("SOURCE_DATE_EPOCH is not a number of seconds since 1970")
	}
	return time.Unix(sec, 0).UTC(), nil
}
