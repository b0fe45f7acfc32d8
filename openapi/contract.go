// Package openapi holds csmskit's contract: the embedded CSMS and IAM specs, loaded and
// validated once, a router over their operations, a request-validating middleware that
// answers in the vendor's error shape, and a response validator.
package openapi

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

//go:embed csms.yaml
var csmsYAML []byte

//go:embed iam.yaml
var iamYAML []byte

// CSMSYAML returns the CSMS spec exactly as embedded.
func CSMSYAML() []byte { return slices.Clone(csmsYAML) }

// Contract is the loaded and validated specs with a router over every operation.
type Contract struct {
	// CSMS is the secrets API.
	CSMS *openapi3.T
	// IAM is the token issuance the CSMS pages point to.
	IAM *openapi3.T

	// byMethod routes each HTTP method over the operations that have it, so that a path
	// shared by two templates (a secret named "restore" and POST secrets/restore) resolves
	// by method first, as the service does.
	byMethod map[string][]routers.Router

	// matched remembers, by method and path, the routes findRoute found: gorilla/mux tries
	// each operation's regular expression in turn, which costs more than all the rest of
	// routing. The specs never change, so a remembered route is always the one the routers
	// would find again. At most maxMatched paths are kept; the memo starts afresh when full.
	matchedMu sync.RWMutex
	matched   map[string]routeMatch

	// quick holds the checks compiled for the values nearly every request and answer carry.
	quick *quickChecks
}

// maxMatched bounds Contract.matched (a path names a secret, so there can be many).
const maxMatched = 4096

type routeMatch struct {
	route  *routers.Route
	params map[string]string
}

var load = sync.OnceValues(func() (*Contract, error) {
	return parse(csmsYAML, iamYAML)
})

// Load returns the embedded contract, parsed and validated once per process.
func Load() (*Contract, error) { return load() }

// MustLoad returns the embedded contract and panics if it is invalid, which a test catches.
func MustLoad() *Contract {
	c, err := Load()
	if err != nil {
		panic(err)
	}
	return c
}

// parse loads, validates (examples included) and indexes the given CSMS and IAM specs.
func parse(csms, iam []byte) (*Contract, error) {
	c := &Contract{byMethod: map[string][]routers.Router{}}
	var err error
	if c.CSMS, err = parseSpec("csms.yaml", csms); err != nil {
		return nil, err
	}
	if c.IAM, err = parseSpec("iam.yaml", iam); err != nil {
		return nil, err
	}
	for _, doc := range []*openapi3.T{c.CSMS, c.IAM} {
		if err := c.addRoutes(doc); err != nil {
			return nil, err
		}
	}
	c.quick = newQuickChecks(c.CSMS, c.IAM)
	return c, nil
}

func parseSpec(name string, data []byte) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", name, err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("validate %s: %w", name, err)
	}
	return doc, nil
}

// addRoutes builds, for each method the document uses, routers over copies of the document
// that hold only that method's operations and no servers, so any host matches. A path with a
// literal segment where another of the method's paths has a variable goes in a router tried
// first, so that the literal wins: gorilla/mux tries paths in kin-openapi's order, fewest
// variables first and then in reverse byte order, which puts /csms/{secret_id}/tags before
// /csms/events/{event_name}, and both match /csms/events/tags.
func (c *Contract) addRoutes(doc *openapi3.T) error {
	methods := map[string]*openapi3.Paths{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if methods[method] == nil {
				methods[method] = openapi3.NewPaths()
			}
			only := &openapi3.PathItem{Parameters: item.Parameters}
			only.SetOperation(method, op)
			methods[method].Set(path, only)
		}
	}
	for method, paths := range methods {
		for _, tier := range literalsFirst(paths) {
			view := *doc
			view.Servers = nil
			view.Paths = tier
			r, err := gorillamux.NewRouter(&view)
			if err != nil {
				return fmt.Errorf("route %s %s: %w", doc.Info.Title, method, err)
			}
			c.byMethod[method] = append(c.byMethod[method], r)
		}
	}
	return nil
}

// literalsFirst splits paths in two, those that have a literal segment where another path that
// can match the same request has a variable, then the others; an empty part is left out.
func literalsFirst(paths *openapi3.Paths) []*openapi3.Paths {
	first, rest := openapi3.NewPaths(), openapi3.NewPaths()
	all := paths.Map()
	for p, item := range all {
		tier := rest
		for q := range all {
			if moreSpecific(p, q) {
				tier = first
				break
			}
		}
		tier.Set(p, item)
	}
	var out []*openapi3.Paths
	for _, t := range []*openapi3.Paths{first, rest} {
		if t.Len() > 0 {
			out = append(out, t)
		}
	}
	return out
}

// moreSpecific reports whether the path templates p and q can match one request and, at the
// first segment where they differ, p has a literal where q has a variable.
func moreSpecific(p, q string) bool {
	ps, qs := strings.Split(p, "/"), strings.Split(q, "/")
	if len(ps) != len(qs) {
		return false
	}
	decided, more := false, false
	for i := range ps {
		pv, qv := strings.HasPrefix(ps[i], "{"), strings.HasPrefix(qs[i], "{")
		switch {
		case ps[i] == qs[i] || pv && qv:
		case !pv && !qv:
			return false // two different literals: no request matches both
		case !decided:
			decided, more = true, !pv
		}
	}
	return more
}

// errNoRoute is findRoute's failure for a path no operation has.
var errNoRoute = errors.New("no operation at this path")

// methodNotAllowedError is findRoute's failure for a path whose operations take other methods.
type methodNotAllowedError struct {
	// allowed lists the path's methods, sorted.
	allowed []string
}

func (e *methodNotAllowedError) Error() string {
	return "the path exists but not with this method (allowed: " + strings.Join(e.allowed, ", ") + ")"
}

// findRoute returns the operation a request is for and its path parameters, which callers
// must not change (a remembered route's are shared). It reports a *methodNotAllowedError or
// errNoRoute.
func (c *Contract) findRoute(r *http.Request) (*routers.Route, map[string]string, error) {
	// The key is what gorilla/mux matches (UseEncodedPath), built on the stack: a lookup by
	// string(key) does not copy it, so a remembered route costs no allocation.
	var buf [256]byte
	key := append(append(append(buf[:0], r.Method...), ' '), r.URL.EscapedPath()...)
	c.matchedMu.RLock()
	m, ok := c.matched[string(key)]
	c.matchedMu.RUnlock()
	if ok {
		return m.route, m.params, nil
	}
	for _, router := range c.byMethod[r.Method] {
		route, params, err := router.FindRoute(r)
		if err == nil {
			c.matchedMu.Lock()
			if c.matched == nil || len(c.matched) >= maxMatched {
				c.matched = make(map[string]routeMatch)
			}
			c.matched[string(key)] = routeMatch{route, maps.Clone(params)}
			c.matchedMu.Unlock()
			return route, params, nil
		}
	}
	if allowed := c.allowedMethods(r); len(allowed) > 0 {
		return nil, nil, &methodNotAllowedError{allowed: allowed}
	}
	return nil, nil, errNoRoute
}

// allowedMethods lists, sorted, the other methods that have an operation at the request's path.
func (c *Contract) allowedMethods(r *http.Request) []string {
	var allowed []string
	for method, rs := range c.byMethod {
		if method == r.Method {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = method
		for _, router := range rs {
			if _, _, err := router.FindRoute(probe); err == nil {
				allowed = append(allowed, method)
				break
			}
		}
	}
	slices.Sort(allowed)
	return allowed
}
