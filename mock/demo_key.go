package mock

import (
	_ "embed"
	"sync"

	"github.com/csmskit/csmskit/mock/blob"
)

// demoBackupKeyPEM is the published demo backup key (see the text at the top of the file).
//
//go:embed demo-backup-key.pem
var demoBackupKeyPEM []byte

// demoBackupKey is parsed once and shared: a blob.Key is safe for concurrent use.
var demoBackupKey = sync.OnceValues(func() (*blob.Key, error) { return blob.ParsePEM(demoBackupKeyPEM) })

// DemoBackupKeyID is the kid of the demo backup key, which every mock with UseDemoBackupKey
// seals its backups under.
func DemoBackupKeyID() (string, error) {
	k, err := demoBackupKey()
	if err != nil {
		return "", err
	}
	return k.ID(), nil
}
