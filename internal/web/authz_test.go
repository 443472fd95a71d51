package web

import (
	"bufio"
	"flag"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strings"
	"testing"

	"zhicheng/internal/authz"
	"zhicheng/internal/model"
	"zhicheng/internal/store"
	"zhicheng/internal/store/storetest"
)

var update = flag.Bool("update", false, "rewrite golden files")

const authzGolden = "testdata/authz.golden"

// TestR_ORG_02_routeRoleMatrix requests every route as every persona (each role in each
// kind of organisation, and the anonymous public) and compares who got through with the
// reviewed matrix in testdata/authz.golden. A route added without a line there fails; so
// does a route whose behaviour differs from what the authorization table predicts.
func TestR_ORG_02_routeRoleMatrix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app := newTestApp(t, db).withPersonas()
		personas := authz.Personas()
		routes := append([]Route(nil), app.srv.Routes()...)
		// Logging out ends the session the other requests need: do it last.
		sort.SliceStable(routes, func(i, j int) bool { return routes[j].Pattern == "/logout" && routes[i].Pattern != "/logout" })

		got := map[string][]byte{}
		for _, p := range personas {
			c := app.client()
			if len(p.Roles) > 0 {
				c.login(app.users[personaKey(p)])
			}
			for _, rt := range routes {
				key := rt.Method + " " + rt.Pattern
				res := c.request(rt)
				allowed := !denied(rt, res)
				signedIn := p
				if len(p.Roles) > 0 {
					signedIn.UserID = 1 // any account: Allowed looks at roles and kind only
				}
				if want := authz.Allowed(signedIn, rt.Perm); allowed != want {
					t.Errorf("%s as %s: got through = %v (status %d), but the table says %v", key, personaKey(p), allowed, res.StatusCode, want)
				}
				mark := byte('-')
				if allowed {
					mark = 'A'
				}
				got[key] = append(got[key], mark)
			}
		}
		compareGolden(t, personas, got)
	})
}

// request sends a body-less request to a route, with {id} set to an id nobody has.
func (c *client) request(rt Route) *http.Response {
	path := strings.ReplaceAll(rt.Pattern, "{id}", "999999")
	path = strings.TrimSuffix(path, "{$}")
	if strings.HasSuffix(path, "/") && path != "/" {
		path += "app.css"
	}
	req, _ := http.NewRequest(rt.Method, c.app.ts.URL+path, nil)
	if rt.Method != "GET" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return c.do(req)
}

// denied reports whether the response is the authorization layer's refusal: 401/403, a
// redirect to the login page, or (for pages only for the signed-out) a redirect home.
func denied(rt Route, res *http.Response) bool {
	if rt.Perm == authz.Anonymous {
		// A signed-out form may answer 401 for wrong credentials; only the redirect home
		// is the table's refusal.
		return res.StatusCode == http.StatusSeeOther && res.Header.Get("Location") == "/home"
	}
	switch res.StatusCode {
	case http.StatusUnauthorized, http.StatusForbidden:
		return true
	case http.StatusSeeOther:
		loc := res.Header.Get("Location")
		return strings.HasPrefix(loc, "/login?next=") || (rt.Perm == authz.Anonymous && loc == "/home")
	}
	return false
}

func compareGolden(t *testing.T, personas []model.Actor, got map[string][]byte) {
	t.Helper()
	var b strings.Builder
	b.WriteString("# Route × persona authorization matrix (R-ORG-02). A = allowed, - = denied.\n")
	b.WriteString("# Review every change; regenerate with: go test ./internal/web -run TestR_ORG_02 -update\n")
	for i, p := range personas {
		fmt.Fprintf(&b, "# column %2d: %s\n", i+1, personaKey(p))
	}
	keys := make([]string, 0, len(got))
	for k := range got {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "%-45s %s\n", k, got[k])
	}
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(authzGolden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want := readGolden(t)
	for _, k := range keys {
		w, ok := want[k]
		if !ok {
			t.Errorf("route %s has no line in %s: decide who may use it, then run with -update and review the diff", k, authzGolden)
			continue
		}
		if w != string(got[k]) {
			t.Errorf("route %s: matrix changed\n  want %s\n  got  %s", k, w, got[k])
		}
	}
	for k := range want {
		if _, ok := got[k]; !ok {
			t.Errorf("%s lists %s, which is no longer a route", authzGolden, k)
		}
	}
}

func readGolden(t *testing.T) map[string]string {
	t.Helper()
	f, err := os.Open(authzGolden)
	if err != nil {
		t.Fatalf("read %s (create it with -update): %v", authzGolden, err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		fields := strings.Fields(line)
		out[fields[0]+" "+fields[1]] = fields[2]
	}
	return out
}
