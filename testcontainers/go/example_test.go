package csmsmockcontainer_test

import (
	"context"
	"fmt"
	"log"

	csmsmockcontainer "github.com/csmskit/csmskit/testcontainers/go"
)

// Start a mock, point a client at its endpoint with its credentials, and terminate it.
func ExampleRun() {
	ctx := context.Background()
	ctr, err := csmsmockcontainer.Run(ctx, csmsmockcontainer.WithTLS())
	defer func() {
		if err := ctr.Terminate(ctx); err != nil {
			log.Print(err)
		}
	}()
	if err != nil {
		log.Fatal(err)
	}
	endpoint, err := ctr.Endpoint(ctx) // https://127.0.0.1:<port>
	if err != nil {
		log.Fatal(err)
	}
	ca, err := ctr.CACertPEM(ctx) // the one certificate authority to trust
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(endpoint, ctr.Region(), ctr.ProjectID(), ctr.AK(), len(ca) > 0)
}
