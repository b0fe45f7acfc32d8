package main

import (
	"fmt"

	"github.com/csmskit/csmskit/conformance"
	"github.com/csmskit/csmskit/mock"
)

// useMock points cfg at csmskit's mock, started in this process, with its demo project and,
// unless cfg names some, both of its demo ways in. It returns the function that stops it.
func useMock(cfg *conformance.Config) (stop func(), err error) {
	m, err := mock.New(mock.DefaultConfig())
	if err != nil {
		return nil, fmt.Errorf("start the in-process mock: %w", err)
	}
	cfg.Handler = m
	if cfg.ProjectID == "" {
		cfg.ProjectID = mock.DemoProjectID
	}
	if cfg.AuthToken == "" && cfg.AK == "" && cfg.SK == "" {
		cfg.AuthToken, cfg.AK, cfg.SK = mock.DemoToken, mock.DemoAK, mock.DemoSK
	}
	return func() { _ = m.Close() }, nil
}
