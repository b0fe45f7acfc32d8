package conformance

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
)

// Vendor sources of the listing checks.
const (
	srcListSecrets = "the ListSecrets page: secrets in pages of limit (1 to 1,000, default 50) after marker, the name " +
		"of the last secret of the previous page (empty or absent: the first page); the SDK's model"
)

// walkLimit is the page size of the walk through the listing: small, so that every secret
// the suite made is on a page boundary somewhere.
const walkLimit = 2

// maxPages bounds a walk, against a target whose next_marker never ends.
const maxPages = 2000

// page is one page of a list as the suite read it.
type page struct {
	ex *exchange
	// names are the items' names (secrets) or IDs (versions), as listed.
	names []string
	// count is page_info.current_count, -1 when absent; next is next_marker, "" when absent.
	count int
	next  string
	// hasNext says next_marker is present, even empty.
	hasNext bool
}

// walk is a list read page by page to its end.
type walk struct {
	limit int
	pages []page
	// names are every item's name or ID in the order listed, repeats included.
	names   []string
	secrets map[string]secretFields
	// stages are the listed versions' stages, by ID.
	stages map[string][]string
}

// pageInfo is the paging part of a list answer.
type pageInfo struct {
	Count *int    `json:"current_count"`
	Next  *string `json:"next_marker"`
}

// walkSecrets reads ListSecrets limit at a time, following next_marker while it is present.
func (c *check) walkSecrets(limit int) *walk {
	w := &walk{secrets: map[string]secretFields{}}
	return c.walkList(w, opListSecrets, secretsPath(c.s.projectID()), limit, func(ex *exchange) ([]string, pageInfo) {
		var body struct {
			Secrets []secretFields `json:"secrets"`
			Info    pageInfo       `json:"page_info"`
		}
		c.decode(ex, &body)
		var names []string
		for _, sec := range body.Secrets {
			names = append(names, sec.Name)
			w.secrets[sec.Name] = sec
		}
		return names, body.Info
	})
}

// walkList reads a list operation's pages into w, limit at a time, following next_marker
// while it is present; read returns a page's items and paging.
func (c *check) walkList(w *walk, operation, path string, limit int, read func(*exchange) ([]string, pageInfo)) *walk {
	w.limit = limit
	marker := ""
	for len(w.pages) < maxPages {
		q := url.Values{"limit": {strconv.Itoa(limit)}}
		if marker != "" {
			q.Set("marker", marker)
		}
		ex := c.ok(operation, http.MethodGet, path+"?"+q.Encode(), nil)
		names, info := read(ex)
		p := readPage(ex, info)
		p.names = names
		w.add(p)
		if !p.hasNext || p.next == marker || len(p.names) == 0 {
			return w
		}
		marker = p.next
	}
	c.fatalf("%s named a next page %d times; the suite stopped following next_marker", operation, maxPages)
	return w
}

// readPage reads a page's paging information.
func readPage(ex *exchange, info pageInfo) page {
	p := page{ex: ex, count: -1}
	if info.Count != nil {
		p.count = *info.Count
	}
	if info.Next != nil {
		p.next, p.hasNext = *info.Next, true
	}
	return p
}

// add appends a page to the walk.
func (w *walk) add(p page) {
	w.pages = append(w.pages, p)
	w.names = append(w.names, p.names...)
}

// secretWalk returns the walk through ListSecrets at walkLimit, read once per run.
func (c *check) secretWalk() *walk {
	if c.s.listing == nil {
		c.s.listing = c.walkSecrets(walkLimit)
		return c.s.listing
	}
	for _, p := range c.s.listing.pages {
		c.touched = append(c.touched, p.ex)
	}
	return c.s.listing
}

// checkRepeats blames every item a walk names more than once.
func (c *check) checkRepeats(w *walk, what string) {
	seen := map[string]int{}
	for i, p := range w.pages {
		for _, n := range p.names {
			if first, ok := seen[n]; ok {
				c.blame(p.ex, "%s %s is listed again on page %d, after page %d", what, n, i+1, first+1)
				continue
			}
			seen[n] = i
		}
	}
}

// checkLastPage blames a page that names a next page when none follows, or that holds fewer
// items than the limit and still names a next page.
func (c *check) checkLastPage(w *walk) {
	for i, p := range w.pages {
		switch {
		case p.hasNext && i+1 < len(w.pages) && len(w.pages[i+1].names) == 0:
			c.blame(p.ex, "page %d names next_marker %q, but the page it leads to is empty: the last page must leave next_marker out", i+1, p.next)
		case p.hasNext && len(p.names) < w.limit:
			c.blame(p.ex, "page %d holds %d items, fewer than the limit %d, yet names next_marker %q", i+1, len(p.names), w.limit, p.next)
		}
	}
}

// checkCounts blames pages whose current_count is not the number of items they hold, or
// that hold more than the limit.
func (c *check) checkCounts(w *walk) {
	for i, p := range w.pages {
		if p.count != len(p.names) {
			c.blame(p.ex, "page %d holds %d items, but page_info.current_count is %d", i+1, len(p.names), p.count)
		}
		if len(p.names) > w.limit {
			c.blame(p.ex, "page %d holds %d items, more than the limit %d", i+1, len(p.names), w.limit)
		}
	}
}

// listingChecks: ListSecrets pages through every secret once, with the fields the suite wrote.
func (s *suite) listingChecks() {
	var mine []*written
	s.setup(func(c *check) {
		for range 5 {
			mine = append(mine, c.newWritten("list"))
		}
		// One of them is updated, so that the listing shows what it was updated with.
		u := mine[2]
		desc := "csmsconform list updated " + randomHex(4)
		ex := c.send(call{what: opUpdateSecret, method: http.MethodPut, path: secretPath(c.s.projectID(), u.name),
			body: map[string]string{"description": desc}, creds: c.s.creds(), optional: true})
		if is2xx(ex) {
			u.description = desc
		}
	})
	s.must("ListSecrets walked with limit and marker to the end names no secret twice, and each of the suite's with the fields it was created or updated with",
		ProfileListing, srcListSecrets, ops(opListSecrets), func(c *check) {
			w := c.secretWalk()
			c.checkRepeats(w, "secret")
			last := w.pages[len(w.pages)-1].ex
			for _, m := range mine {
				listed, ok := w.secrets[m.name]
				if !ok {
					c.blame(last, "the walk through every page never lists the secret %s", m.name)
					continue
				}
				c.compareSecret(last, listed, m, "ENABLED")
			}
		})
	// The pages say a client stops when current_count < limit; clients in the wild loop while
	// next_marker is present, so the contract leaves it out on the last page.
	s.should("ListSecrets leaves next_marker out on the last page", ProfileListing, ops(opListSecrets), func(c *check) {
		c.checkLastPage(c.secretWalk())
	})
	s.must("ListSecrets counts each page's secrets in page_info.current_count, never more than limit", ProfileListing,
		srcListSecrets, ops(opListSecrets), func(c *check) { c.checkCounts(c.secretWalk()) })
	s.must("ListSecrets takes an empty marker for the first page", ProfileListing,
		"the SDK's model of ListSecrets: marker \"empty: the first page\"", ops(opListSecrets), func(c *check) {
			first := c.ok(opListSecrets, http.MethodGet, secretsPath(c.s.projectID())+"?limit=2", nil)
			empty := c.ok(opListSecrets, http.MethodGet, secretsPath(c.s.projectID())+"?limit=2&marker=", nil)
			if a, b := listedNames(first), listedNames(empty); a != b {
				c.blame(empty, "the page for an empty marker lists %s, the first page %s", b, a)
			}
		})
	s.must("ListSecrets refuses a limit of 0 or 1,001 with 400", ProfileListing, srcListSecrets, ops(opListSecrets), func(c *check) {
		c.ok(opListSecrets, http.MethodGet, secretsPath(c.s.projectID())+"?limit=1", nil)
		for _, limit := range []string{"0", "1001"} {
			ex := c.op(opListSecrets, http.MethodGet, secretsPath(c.s.projectID())+"?limit="+limit, nil)
			if ex.status != http.StatusBadRequest {
				c.blame(ex, "want 400: limit is 1 to 1,000")
			}
		}
	})
	s.sweepChecks(ops(opListSecrets, opCreateSecret, opUpdateSecret))
}

// listedNames renders the names of a ListSecrets page, for comparing two pages.
func listedNames(ex *exchange) string {
	var body struct {
		Secrets []struct {
			Name string `json:"name"`
		} `json:"secrets"`
	}
	_ = json.Unmarshal(ex.body, &body)
	out := "["
	for i, s := range body.Secrets {
		if i > 0 {
			out += " "
		}
		out += s.Name
	}
	return out + "]"
}
