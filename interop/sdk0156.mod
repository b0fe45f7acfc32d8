// The application cmd/csmsapp against the vendor's SDK v0.1.56, from the same source the tests
// also build against the SDK go.mod pins:
//
//	go build -modfile=sdk0156.mod ./cmd/csmsapp
//
// Only the application is built or vetted with this file: the tests and csmsmocksdk use the
// newer SDK's API. The replace lets `go mod tidy -modfile=sdk0156.mod` resolve their imports;
// the modules tidy adds for them do not change what the application links.
module github.com/csmskit/csmskit/interop

go 1.26.8

require github.com/huaweicloud/huaweicloud-sdk-go-v3 v0.1.56

require (
	github.com/json-iterator/go v1.1.12 // indirect
	github.com/modern-go/concurrent v0.0.0-20180228061459-e0a39a4cb421 // indirect
	github.com/modern-go/reflect2 v1.0.2 // indirect
	go.mongodb.org/mongo-driver v1.12.0 // indirect
	golang.org/x/crypto v0.10.0 // indirect
	gopkg.in/ini.v1 v1.67.0 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)

replace github.com/csmskit/csmskit => ../
