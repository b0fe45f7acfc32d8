package openapi

import "slices"

// Parse and IAMYAML let the external tests load a spec of their own and read the IAM spec.
var Parse = parse

func IAMYAML() []byte { return slices.Clone(iamYAML) }

// BlobDefects and BlobsWellFormed are answered blobs the SecretBlob format refuses and allows.
var BlobDefects, BlobsWellFormed = blobDefects, blobsWellFormed
