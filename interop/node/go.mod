// Not Go: this file makes interop/node a module of its own, so that the interop module's
// ./... (go vet, go test) stays out of node_modules, where npm packages ship Go sources
// (flatted does).
module github.com/csmskit/csmskit/interop/node

go 1.26.8
