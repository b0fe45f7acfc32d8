package mock

import (
	"errors"
	"net/http"
)

// Server is a running mock: an http.Handler over its store. Close releases the store.
type Server struct {
	handler http.Handler
}

// New builds a mock from cfg.
func New(cfg Config) (*Server, error) {
	_ = cfg
	return nil, errors.New("mock: not implemented yet")
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Close releases the store (and its database file, with DataDir).
func (s *Server) Close() error { return nil }
